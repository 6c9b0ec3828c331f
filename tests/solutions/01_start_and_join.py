"""Reference solution for kata 01."""

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
    for thread in threads:
        thread.join()
    print("All done!")


if __name__ == "__main__":
    main()
