"""A correct solution to kata 06, written another way: a Thread per name, and a Pool closed and joined by hand."""

import threading
import time
from multiprocessing import Pool


def fetch(name):
    time.sleep(1)  # waiting for the network: the processor has nothing to do
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))  # computing: the processor is busy all along


def fetch_all(names, fetch=fetch):
    pages = {}
    threads = [threading.Thread(target=lambda name=name: pages.update({name: fetch(name)})) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [pages[name] for name in names]


def crunch_all(numbers, crunch=crunch):
    pool = Pool()
    results = pool.map(crunch, numbers)
    pool.close()
    pool.join()
    return results


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
