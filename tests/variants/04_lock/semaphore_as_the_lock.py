"""A correct solution to kata 04, written another way: a Semaphore(1) as the lock."""

import threading

counter = 0
lock = threading.Semaphore(1)


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


if __name__ == "__main__":
    print(count())
