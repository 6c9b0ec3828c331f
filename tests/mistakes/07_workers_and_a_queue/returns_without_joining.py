"""A wrong solution to kata 07, kept to prove the tests reject it: the workers are told to stop, never joined."""

import queue
import threading
import time


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    results = {}
    waiting = queue.Queue()

    def worker():
        while True:
            job = waiting.get()
            if job is None:
                return
            results[job] = work(job)

    for _ in range(workers):
        threading.Thread(target=worker).start()
    for job in jobs:
        waiting.put(job)
    for _ in range(workers):
        waiting.put(None)
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
