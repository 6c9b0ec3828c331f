"""Workers and a queue: three workers share six jobs, and stop at a sentinel each."""

import queue
import threading
import time

STOP = None  # the sentinel: not a job, a sign to stop


def worker(jobs, results):
    while True:
        job = jobs.get()  # waits until there is a job to take
        if job is STOP:
            break
        time.sleep(1)  # the work: a second per job
        results[job] = job.upper()
        print(f"{threading.current_thread().name} did {job}")


if __name__ == "__main__":
    jobs = queue.Queue()
    results = {}
    workers = [threading.Thread(target=worker, args=(jobs, results), name=f"worker-{n}") for n in (1, 2, 3)]
    for thread in workers:
        thread.start()

    for job in ["ant", "bee", "cat", "dog", "eel", "fox"]:
        jobs.put(job)
    for _ in workers:
        jobs.put(STOP)  # one sentinel per worker: each worker takes one and stops

    for thread in workers:
        thread.join()
    print(f"All {len(results)} jobs done: {dict(sorted(results.items()))}")
