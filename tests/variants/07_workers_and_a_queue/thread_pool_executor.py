"""A correct solution to kata 07, written another way: ThreadPoolExecutor keeps the workers and their queue."""

import time
from concurrent.futures import ThreadPoolExecutor


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {job: pool.submit(work, job) for job in jobs}
    return {job: future.result() for job, future in futures.items()}


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
