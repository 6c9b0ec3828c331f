"""A wrong solution to kata 06, kept to prove the tests reject it: a loop asks done() without pausing."""

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def fetch(name):
    time.sleep(1)  # waiting for the network: the processor has nothing to do
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))  # computing: the processor is busy all along


def fetch_all(names, fetch=fetch):
    pool = ThreadPoolExecutor(max_workers=len(names))
    futures = [pool.submit(fetch, name) for name in names]
    while not all(f.done() for f in futures):
        pass
    pool.shutdown()
    return [f.result() for f in futures]


def crunch_all(numbers, crunch=crunch):
    with ProcessPoolExecutor() as pool:
        return list(pool.map(crunch, numbers))


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
