"""The lesson's first example: two tasks, each in a thread of its own."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


if __name__ == "__main__":
    thread1 = threading.Thread(target=task, args=("Task 1",))
    thread2 = threading.Thread(target=task, args=("Task 2",))

    thread1.start()
    thread2.start()

    thread1.join()
    thread2.join()

    print("All done!")
