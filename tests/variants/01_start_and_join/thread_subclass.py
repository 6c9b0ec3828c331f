"""A correct solution to kata 01, written another way: a subclass of Thread."""

import threading
import time


def task(name):
    print(f"{name} starting...")
    time.sleep(2)
    print(f"{name} done!")


class TaskThread(threading.Thread):
    def __init__(self, task, name):
        super().__init__()
        self.task = task
        self.task_name = name

    def run(self):
        self.task(self.task_name)


def main(task=task):
    threads = [TaskThread(task, "Task 1"), TaskThread(task, "Task 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("All done!")


if __name__ == "__main__":
    main()
