"""A wrong solution to kata 06, kept to prove the tests reject it: each thread reads the index after its fetch."""

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
    threads = []
    for index, name in enumerate(names):

        def fetch_into(name=name):
            pages[index] = fetch(name)

        thread = threading.Thread(target=fetch_into)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return pages


def crunch_all(numbers, crunch=crunch):
    with ProcessPoolExecutor() as pool:
        return list(pool.map(crunch, numbers))


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
