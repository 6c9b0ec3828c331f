"""A wrong solution to kata 01, kept to prove the tests reject it: time.sleep() instead of join()."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    thread1 = threading.Thread(target=task, args=("Task 1",))
    thread2 = threading.Thread(target=task, args=("Task 2",))
    thread1.start()
    thread2.start()
    time.sleep(2)
    print("All done!")


if __name__ == "__main__":
    main()
