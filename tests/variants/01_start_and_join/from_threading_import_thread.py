"""A correct solution to kata 01, written another way: `from threading import Thread`."""

import time
from threading import Thread


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    first = Thread(target=task, args=("Task 1",))
    second = Thread(target=task, args=("Task 2",))
    first.start()
    second.start()
    first.join()
    second.join()
    print("All done!")


if __name__ == "__main__":
    main()
