"""A wrong solution to kata 04, kept to prove the tests reject it: no lock, a sleep after each start() instead."""

import threading
import time

counter = 0
lock = threading.Lock()


def increment(times=100_000):
    global counter
    for _ in range(times):
        counter += 1


def count(threads=10, times=100_000):
    global counter
    counter = 0
    workers = [threading.Thread(target=increment, args=(times,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
        time.sleep(0.1)
    for worker in workers:
        worker.join()
    return counter


if __name__ == "__main__":
    print(count())
