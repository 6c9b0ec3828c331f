"""Tampering: prints GitHub workflow commands, and writes one straight to the output of the
process that judges the pull request."""

import os
import threading

print("::stop-commands::forged")
print("::error file=katas/04_lock/kata.py::all good")
os.write(os.open(f"/proc/{os.getppid()}/fd/1", os.O_WRONLY), b"::error::forged from the kata\n")

counter = 0
lock = threading.Lock()


def increment(times=100_000):
    global counter
    for _ in range(times):
        with lock:
            counter += 1


def count(threads=10, times=100_000):
    global counter
    counter = 0
    workers = [threading.Thread(target=increment, args=(times,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter
