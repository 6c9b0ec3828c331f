"""A correct solution to kata 07, written another way: Queue.shutdown() stops the workers (Python 3.13+)."""

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
        try:
            while True:
                job = waiting.get()
                results[job] = work(job)
        except queue.ShutDown:
            pass  # shut down, and every job taken

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        waiting.put(job)
    waiting.shutdown()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
