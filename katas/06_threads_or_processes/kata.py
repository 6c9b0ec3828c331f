"""Kata 06: threads while you wait, processes while you compute.

fetch_all(names, fetch) calls fetch(name) for each name, and crunch_all(numbers,
crunch) calls crunch(number) for each number - both one after the other.
fetch() waits, like a download; crunch() computes. Change them so that:

1. fetch_all runs every fetch at the same time, each in a thread of its own,
   and returns what they returned, in the order of names;
2. crunch_all runs crunch in other processes (concurrent.futures has
   ProcessPoolExecutor; multiprocessing has Pool), returns what it returned,
   in the order of numbers, and closes the pool before it returns.

Run `pytest katas/06_threads_or_processes` (or leave `ptw` running) to check your work.
"""

import time


def fetch(name):
    time.sleep(1)  # waiting for the network: the processor has nothing to do
    return f"page of {name}"


def crunch(number):
    return sum(i * i for i in range(number))  # computing: the processor is busy all along


def fetch_all(names, fetch=fetch):
    return [fetch(name) for name in names]


def crunch_all(numbers, crunch=crunch):
    return [crunch(number) for number in numbers]


if __name__ == "__main__":
    print(fetch_all(["home", "news", "weather"]))
    print(crunch_all([2_000_000, 2_000_000, 2_000_000, 2_000_000]))
