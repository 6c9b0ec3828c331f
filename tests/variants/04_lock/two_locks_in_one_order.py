"""A correct solution to kata 04, written another way: two locks, always taken in the same order."""

import threading

counter = 0
lock = threading.Lock()
spare = threading.Lock()


def increment(times=100_000):
    global counter
    for _ in range(times):
        with lock, spare:
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
