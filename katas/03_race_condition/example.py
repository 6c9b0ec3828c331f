"""The lesson's shared data problem: ten threads add to one counter without a lock.

`counter += 1` is three steps: read the counter, add 1, write it back. When the
system switches threads between those steps, two threads read the same value and
one of the two updates is lost. Since Python 3.10 the switch rarely lands there,
so this program usually prints 1000000 - and then, one day, it does not.
"""

import threading

counter = 0


def increment():
    global counter
    for _ in range(100_000):
        counter += 1


if __name__ == "__main__":
    threads = [threading.Thread(target=increment) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(counter)
