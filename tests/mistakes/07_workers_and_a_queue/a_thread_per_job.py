"""A wrong solution to kata 07, kept to prove the tests reject it: a thread per job, as in kata 02."""

import threading
import time


def work(job):
    time.sleep(1)  # resizing a photo, say
    return f"small {job}"


def process_all(jobs, work=work, workers=3):
    results = {}

    def do(job):
        results[job] = work(job)

    threads = []
    for job in jobs:
        thread = threading.Thread(target=do, args=(job,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(process_all(["cat.jpg", "dog.jpg", "owl.jpg", "fox.jpg"]))
