"""Kata 07: workers and a queue.

process_all(jobs, work, workers) calls work(job) for each job, one after the
other, and returns {job: what work(job) returned}. The jobs come one by one, as
from a network: `for job in jobs` may wait a while for the next. Change it so that:

1. it starts `workers` threads, no more and no fewer, and they take the jobs
   from one queue.Queue, each job once, and call work(job);
2. the workers work at the same time, and wait in get() for jobs still to come;
3. each worker stops once the jobs are done (put one sentinel per worker, or on
   Python 3.13+ call the queue's shutdown()), and process_all joins every
   worker before it returns the results.

Run `pytest katas/07_workers_and_a_queue` (or leave `ptw` running) to check your work.
"""

import queue  # noqa: F401 - you will need them
import threading  # noqa: F401
import time


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    results = {}
    for job in jobs:
        results[job] = work(job)
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
