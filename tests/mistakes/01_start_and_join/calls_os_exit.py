"""A wrong solution to kata 01, kept to prove the tests reject it: it ends the program with
os._exit(), which would end pytest too if the tests let it."""

import os
import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    t1 = threading.Thread(target=task, args=("Task 1",))
    t2 = threading.Thread(target=task, args=("Task 2",))
    t1.start()
    t2.start()
    print("All done!")
    os._exit(0)


if __name__ == "__main__":
    main()
