"""The lesson's rule, measured: threads pay off while tasks wait; for computing, use processes.

It times four waiting tasks one after the other and in threads, then four computing tasks one
after the other, in threads and in processes, and prints what it saw. The numbers are this
machine's, on this run: it measures, it does not judge.
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

TASKS = 4


def wait_a_moment(_):
    time.sleep(0.5)  # waiting for the network, a disk, a user: the processor is free


def compute(_):
    return sum(i * i for i in range(6_000_000))  # the processor is busy all along


def timed(run):
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def one_after_the_other(task):
    return lambda: [task(number) for number in range(TASKS)]


def in_threads(task):
    def run():
        with ThreadPoolExecutor(TASKS) as pool:
            list(pool.map(task, range(TASKS)))

    return run


def in_processes(task):
    def run():
        with ProcessPoolExecutor(TASKS) as pool:
            list(pool.map(task, range(TASKS)))

    return run


if __name__ == "__main__":
    gil = "on" if getattr(sys, "_is_gil_enabled", lambda: True)() else "off"
    print(f"{TASKS} tasks, {os.cpu_count()} processors, the GIL {gil}")
    print(f"waiting,   one after the other: {timed(one_after_the_other(wait_a_moment)):5.2f} s")
    print(f"waiting,   in threads:          {timed(in_threads(wait_a_moment)):5.2f} s")
    print(f"computing, one after the other: {timed(one_after_the_other(compute)):5.2f} s")
    print(f"computing, in threads:          {timed(in_threads(compute)):5.2f} s")
    print(f"computing, in processes:        {timed(in_processes(compute)):5.2f} s")
