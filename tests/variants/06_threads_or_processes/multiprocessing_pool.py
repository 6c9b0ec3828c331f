"""A correct solution to kata 06, written another way: multiprocessing.Pool in a with block."""

import threading
import time
from multiprocessing import Pool


def fetch(name):
    time.sleep(1)  # waiting for the network: the processor has nothing to do
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))  # computing: the processor is busy all along


def fetch_all(names, fetch=fetch):
    pages = [None] * len(names)

    def fetch_into(place, name):
        pages[place] = fetch(name)

    threads = [threading.Thread(target=fetch_into, args=(place, name)) for place, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pages


def crunch_all(numbers, crunch=crunch):
    with Pool() as pool:
        return pool.map(crunch, numbers)


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
