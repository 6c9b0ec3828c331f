"""A wrong solution to kata 01, kept to prove the tests reject it."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    def both():
        task("Task 1")
        task("Task 2")

    t = threading.Thread(target=both)
    t.start()
    t.join()
    print("All done!")


if __name__ == "__main__":
    main()
