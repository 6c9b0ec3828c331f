"""Kata 01: start two threads, then join them.

main() runs task("Task 1") and task("Task 2") one after the other, so the
program takes twice as long as it needs to. Change main() so that:

1. each task runs in a thread of its own,
2. both threads run at the same time (start both, then join both),
3. main() waits for both threads to finish,
4. and only then prints "All done!".

Run `pytest katas/01_start_and_join` (or leave `ptw` running) to check your work.
"""

import threading  # noqa: F401 - you will need it
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    task("Task 1")
    task("Task 2")
    print("All done!")


if __name__ == "__main__":
    main()
