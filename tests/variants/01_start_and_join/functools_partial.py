"""A correct solution to kata 01, written another way: functools.partial and kwargs=."""

import threading
import time
from functools import partial


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    first = threading.Thread(target=partial(task, "Task 1"))
    second = threading.Thread(target=task, kwargs={"name": "Task 2"})
    first.start()
    second.start()
    first.join()
    second.join()
    print("All done!")


if __name__ == "__main__":
    main()
