"""A wrong solution to kata 07, kept to prove the tests reject it: the workers start only after every job came."""

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
        while not waiting.empty():
            job = waiting.get()
            results[job] = work(job)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for job in jobs:
        waiting.put(job)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
