"""A correct solution to kata 01, written another way: lambda targets."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    t1 = threading.Thread(target=lambda: task("Task 1"))
    t2 = threading.Thread(target=lambda: task("Task 2"))
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    print("All done!")


if __name__ == "__main__":
    main()
