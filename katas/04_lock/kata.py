"""Kata 04: protect shared data with a Lock.

count() runs increment() in several threads at the same time. Each increment
does `counter += 1`, which is three steps (read, add, write), so two threads
can read the same value and one update is lost - the race from kata 03.

1. Make increment() safe: only one thread at a time may run `counter += 1`.
   Use the `lock` below (`with lock:`).
2. Keep count() as it is: it starts `threads` threads, each running
   increment(times), waits for all of them and returns the counter.

The tests make the race happen on every run, so "it printed the right number
once" is not enough: only a locked counter passes.
"""

import threading

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
    for worker in workers:
        worker.join()
    return counter


if __name__ == "__main__":
    print(count())
