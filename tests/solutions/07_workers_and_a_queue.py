"""Reference solution for kata 07."""

import queue
import threading
import time

STOP = None  # the sentinel: one per worker, after the jobs


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    results = {}
    waiting = queue.Queue()

    def worker():
        while True:
            job = waiting.get()
            if job is STOP:
                return
            results[job] = work(job)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        waiting.put(job)
    for _ in threads:
        waiting.put(STOP)
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
