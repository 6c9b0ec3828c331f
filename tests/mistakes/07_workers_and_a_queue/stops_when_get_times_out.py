"""A wrong solution to kata 07, kept to prove the tests reject it: a worker stops when get(timeout=0.5)
finds nothing yet."""

import queue
import threading
import time


def work(job):
    time.sleep(1)
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    results = {}
    todo = queue.Queue()

    def worker():
        while True:
            try:
                job = todo.get(timeout=0.5)
            except queue.Empty:
                break
            if job is None:
                break
            results[job] = work(job)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        todo.put(job)
    for _ in threads:
        todo.put(None)
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
