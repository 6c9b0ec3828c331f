"""Tampering: increments without a lock, and turns off the tracing with which the tests make
threads switch at every write, so that no update is lost."""

import sys
import threading

counter = 0
lock = threading.Lock()


def increment(times=100_000):
    global counter
    sys.settrace(None)
    for _ in range(times):
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
