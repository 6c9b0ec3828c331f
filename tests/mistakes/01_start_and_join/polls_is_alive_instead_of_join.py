"""A wrong solution to kata 01, kept to prove the tests reject it: asks is_alive() in a loop instead of join()."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


def main(task=task):
    threads = [threading.Thread(target=task, args=(name,)) for name in ("Task 1", "Task 2")]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
    print("All done!")


if __name__ == "__main__":
    main()
