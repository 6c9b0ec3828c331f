"""A wrong solution to kata 04, kept to prove the tests reject it: two locks, taken in opposite orders."""

import threading

counter = 0
lock = threading.Lock()
spare = threading.Lock()


def increment(times=100_000):
    global counter
    for number in range(times):
        first, second = (lock, spare) if number % 2 else (spare, lock)
        with first, second:
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
