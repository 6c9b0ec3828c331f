"""A wrong solution to kata 01, kept to prove the tests reject it: a loop asks is_alive() without pausing."""

import threading
import time


def task(name):
    print(f"{name} starting")
    time.sleep(2)
    print(f"{name} finished")


def main(task=task):
    t1 = threading.Thread(target=task, args=("Task 1",))
    t2 = threading.Thread(target=task, args=("Task 2",))
    t1.start()
    t2.start()
    while t1.is_alive() or t2.is_alive():
        pass
    print("All done!")


if __name__ == "__main__":
    main()
