"""A wrong solution to kata 01, kept to prove the tests reject it."""

import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    import sys

    sys.exit(3)


if __name__ == "__main__":
    main()
