"""Kata 09: every fetch at the same time; an error in one is caught, reported by name, and stops none
of the others; the pages and the errors come in the order of the names."""

from tools.lessons import (
    catch_each_result,
    expect_at_the_same_time,
    expect_each_in_a_thread_of_its_own,
    expect_in_the_order_of_names,
    expect_pages_and_errors,
    expect_pools_shut_down,
)
from tools.schedules import every_order

# Pages take their own time to come: the first asked for comes last.
SECONDS = {"home": 1.5, "news": 1.2, "weather": 1.0, "sport": 0.8}
NAMES = list(SECONDS)


def run_fetch_all(kata, watch, failing=()):
    def page(name):
        if name in failing:
            raise ConnectionError(f"{name}: no answer")
        return f"page of {name}"

    # Code that calls the module's own fetch() gets the stand-in too.
    kata.fetch = watch.task(*NAMES, seconds=SECONDS, result=page)
    return watch.run(kata.fetch_all, NAMES, fetch=kata.fetch, explain_error=catch_each_result)


def test_fetch_all_fetches_every_name_at_the_same_time(kata, watch):
    run = run_fetch_all(kata, watch)
    expect_each_in_a_thread_of_its_own(run, NAMES)
    expect_at_the_same_time(run, NAMES)
    expect_pages_and_errors(run, NAMES, failing=[])
    expect_pools_shut_down(run)


def test_an_error_in_one_fetch_stops_none_of_the_others(kata, watch):
    run = run_fetch_all(kata, watch, failing=["news"])
    expect_pages_and_errors(run, NAMES, failing=["news"])


def test_every_error_is_reported_with_its_name(kata, watch):
    run = run_fetch_all(kata, watch, failing=["home", "sport"])
    expect_pages_and_errors(run, NAMES, failing=["home", "sport"])


@every_order
def test_pages_and_errors_come_in_the_order_of_the_names(kata, watch):
    run = run_fetch_all(kata, watch, failing=["news"])
    expect_pages_and_errors(run, NAMES, failing=["news"])
    expect_in_the_order_of_names(run, NAMES)
