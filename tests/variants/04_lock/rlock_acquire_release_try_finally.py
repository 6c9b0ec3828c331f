"""A correct solution to kata 04, written another way: an RLock with acquire() and release() in try/finally."""

import threading

counter = 0
lock = threading.RLock()


def increment(times=100_000):
    global counter
    for _ in range(times):
        lock.acquire()
        try:
            counter += 1
        finally:
            lock.release()


def count(threads=10, times=100_000):
    global counter
    counter = 0
    workers = [threading.Thread(target=increment, args=(times,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter


if __name__ == "__main__":
    print(count())
