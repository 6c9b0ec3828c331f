"""A wrong solution to kata 01, kept to prove the tests reject it: start() misspelt as strat()."""

import threading
import time


def task(name):
    print(f"{name} starting")
    time.sleep(2)
    print(f"{name} finished")


def main(task=task):
    t1 = threading.Thread(target=task, args=("Task 1",))
    t2 = threading.Thread(target=task, args=("Task 2",))
    t1.strat()
    t2.start()
    t1.join()
    t2.join()
    print("All done!")


if __name__ == "__main__":
    main()
