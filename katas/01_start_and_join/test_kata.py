"""Kata 01: two tasks, each in a thread of its own, at the same time, joined before "All done!"."""

from tools.lessons import (
    expect_all_joined,
    expect_at_the_same_time,
    expect_each_in_a_thread_of_its_own,
    expect_printed_last,
)
from tools.schedules import every_order

TASKS = ["Task 1", "Task 2"]


def run_main(kata, watch):
    # Code written like the lesson's calls the module's own task(); it gets the stand-in too.
    kata.task = watch.task(*TASKS)
    return watch.run(kata.main, task=kata.task)


def test_each_task_runs_in_a_thread_of_its_own(kata, watch):
    run = run_main(kata, watch)
    expect_each_in_a_thread_of_its_own(run, TASKS)


def test_both_tasks_run_at_the_same_time(kata, watch):
    run = run_main(kata, watch)
    expect_each_in_a_thread_of_its_own(run, TASKS)
    expect_at_the_same_time(run, TASKS)


@every_order
def test_main_waits_for_both_threads(kata, watch):
    run = run_main(kata, watch)
    expect_each_in_a_thread_of_its_own(run, TASKS)
    expect_all_joined(run, TASKS)


@every_order
def test_all_done_is_printed_after_both_tasks(kata, watch):
    run = run_main(kata, watch)
    expect_each_in_a_thread_of_its_own(run, TASKS)
    expect_printed_last(run, "All done!", TASKS)
