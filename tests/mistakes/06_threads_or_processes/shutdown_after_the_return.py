"""A wrong solution to kata 06, kept to prove the tests reject it: pool.shutdown() written after the return."""

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def fetch(name):
    time.sleep(1)  # waiting for the network: the processor has nothing to do
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))  # computing: the processor is busy all along


def fetch_all(names, fetch=fetch):
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return list(pool.map(fetch, names))


def crunch_all(numbers, crunch=crunch):
    pool = ProcessPoolExecutor()
    return list(pool.map(crunch, numbers))
    pool.shutdown()


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
