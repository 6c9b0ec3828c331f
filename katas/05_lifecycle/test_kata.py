"""Kata 05: a thread is created, started, runs, is joined - and each thread runs only once."""

import pytest

from tools.lessons import (
    catch_the_runtime_error,
    expect_all_joined,
    expect_each_in_a_thread_of_its_own,
    expect_is_alive_answers,
    expect_runtime_error,
)
from tools.schedules import every_order

WORK = ["work()"]


def work_for(watch, seconds=1):
    return watch.calls(lambda: None, label="work()", seconds=seconds)


@every_order
def test_lifecycle_runs_work_in_a_thread_and_joins_it(kata, watch):
    run = watch.run(kata.lifecycle, work_for(watch))
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_all_joined(run, WORK)


@pytest.mark.parametrize(
    ("seconds", "started", "why"),
    [
        (1, True, "a started thread is alive while its work runs, and this work() lasts 1 second"),
        (0, False, "this time work() was over before start() returned, so the thread had already ended"),
    ],
    ids=["work lasts 1 second", "work is over at once"],
)
def test_lifecycle_reports_is_alive_at_each_stage(kata, watch, seconds, started, why):
    run = watch.run(kata.lifecycle, work_for(watch, seconds))
    truth = {
        "created": (False, "a created thread is not running until start() is called"),
        "started": (started, why),
        "joined": (False, "join() returns only once the thread has finished"),
    }
    expect_is_alive_answers(run, truth)


@every_order
def test_a_thread_can_be_started_only_once(kata, watch):
    run = watch.run(kata.start_twice, work_for(watch), explain_error=catch_the_runtime_error)
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_all_joined(run, WORK)
    expect_runtime_error(run, "started once")


def test_a_thread_cannot_be_joined_before_it_is_started(kata, watch):
    run = watch.run(kata.join_before_start, work_for(watch), explain_error=catch_the_runtime_error)
    expect_runtime_error(run, "before it is started")
