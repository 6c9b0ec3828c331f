"""A correct solution to kata 06, written another way: one Thread per name, each storing its page at its index."""

import threading
import time
from concurrent.futures import ProcessPoolExecutor


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
    with ProcessPoolExecutor() as pool:
        return list(pool.map(crunch, numbers))


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
