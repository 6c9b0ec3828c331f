"""A correct solution to kata 07, written another way: the workers append (job, result) pairs to a shared list.

list.append is one operation that Python does whole, so the shared list needs no lock."""

import queue
import threading
import time


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    done = []
    waiting = queue.Queue()

    def worker():
        while (job := waiting.get()) is not None:
            done.append((job, work(job)))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        waiting.put(job)
    for _ in threads:
        waiting.put(None)
    for thread in threads:
        thread.join()
    return dict(done)


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
