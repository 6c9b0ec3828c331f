"""The lesson's thread lifecycle: create -> start() -> run the task -> join() -> go on."""

import threading
import time


def task():
    print("Thread: running the task")
    time.sleep(1)


if __name__ == "__main__":
    thread = threading.Thread(target=task)
    print(f"Created:  alive = {thread.is_alive()}")
    thread.start()
    print(f"Started:  alive = {thread.is_alive()}")
    thread.join()
    print(f"Joined:   alive = {thread.is_alive()}")
    print("Main program continues")
