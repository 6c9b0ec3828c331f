"""Abuse: starts 200 processes that leave their process group and sleep for a minute."""

import os
import threading
import time

for _ in range(200):
    try:
        if os.fork() == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)
    except OSError:
        break

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
