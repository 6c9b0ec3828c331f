"""A correct solution to kata 07, written another way: the results come back through a second queue."""

import queue
import threading
import time


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    waiting, done = queue.Queue(), queue.Queue()

    def worker():
        for job in iter(waiting.get, None):
            done.put((job, work(job)))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    count = 0
    for job in jobs:
        waiting.put(job)
        count += 1
    for _ in threads:
        waiting.put(None)
    results = dict(done.get() for _ in range(count))
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
