"""A wrong solution to kata 07, kept to prove the tests reject it: one sentinel for three workers."""

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

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        waiting.put(job)
    waiting.put(None)  # the end of the jobs
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
