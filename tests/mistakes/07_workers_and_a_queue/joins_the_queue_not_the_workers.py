"""A wrong solution to kata 07, kept to prove the tests reject it: waits for the queue, leaves the workers waiting."""

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
            results[job] = work(job)
            waiting.task_done()

    for _ in range(workers):
        threading.Thread(target=worker, daemon=True).start()
    for job in jobs:
        waiting.put(job)
    waiting.join()  # every job done
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
