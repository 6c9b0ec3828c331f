"""Kata 06: waiting tasks in threads, at the same time; computing tasks in other processes."""

from tools import processes
from tools.lessons import (
    expect_all_joined,
    expect_at_the_same_time,
    expect_crunched_in_processes,
    expect_each_in_a_thread_of_its_own,
    expect_in_order,
    expect_no_process_left,
)
from tools.schedules import every_order

# Pages take their own time to come: the first asked for comes last.
SECONDS = {"home": 1.5, "news": 1.2, "weather": 1.0, "sport": 0.8}
NAMES = list(SECONDS)
NUMBERS = [3, 1, 4, 2]


def run_fetch_all(kata, watch):
    # Code that calls the module's own fetch() gets the stand-in too.
    kata.fetch = watch.task(*NAMES, seconds=SECONDS, result=lambda name: f"page of {name}")
    return watch.run(kata.fetch_all, NAMES, fetch=kata.fetch)


def run_crunch_all(kata, watch):
    kata.crunch = processes.crunch
    return watch.run(kata.crunch_all, NUMBERS, crunch=processes.crunch, processes=True)


def test_fetch_all_fetches_in_threads_at_the_same_time(kata, watch):
    run = run_fetch_all(kata, watch)
    expect_each_in_a_thread_of_its_own(run, NAMES)
    expect_at_the_same_time(run, NAMES)
    expect_all_joined(run, NAMES)


@every_order
def test_fetch_all_returns_the_pages_in_order(kata, watch):
    run = run_fetch_all(kata, watch)
    expect_in_order(run, [f"page of {name}" for name in NAMES], "fetch")


def test_crunch_all_computes_in_other_processes(kata, watch):
    run = run_crunch_all(kata, watch)
    expect_crunched_in_processes(run, NUMBERS)


def test_crunch_all_returns_the_results_in_order(kata, watch):
    run = run_crunch_all(kata, watch)
    expect_crunched_in_processes(run, NUMBERS)
    expect_in_order(run, NUMBERS, "crunch", key=lambda result: result.number)


def test_crunch_all_closes_its_pool(kata, watch):
    run = run_crunch_all(kata, watch)
    expect_crunched_in_processes(run, NUMBERS)
    expect_no_process_left(run)
