"""Kata 04: increment() takes the lock, so no update is lost however the threads are switched."""

from tools.lessons import (
    expect_all_joined,
    expect_at_the_same_time,
    expect_each_in_a_thread_of_its_own,
    expect_increment_adds,
    expect_no_update_lost,
)
from tools.schedules import every_order

THREADS = 4
TIMES = 50
LEFT_BY_AN_EARLIER_COUNT = 5


def test_increment_adds_times_to_the_counter(kata, watch):
    kata.counter = 7
    run = watch.run(kata.increment, 25)
    expect_increment_adds(run, kata, before=7, times=25)


def test_count_runs_increment_in_threads_at_the_same_time(kata, watch):
    kata.increment = watch.calls(kata.increment, label="increment()")
    run = watch.run(kata.count, threads=THREADS, times=TIMES)
    increments = ["increment()"] * THREADS
    expect_each_in_a_thread_of_its_own(run, increments)
    expect_at_the_same_time(run, increments)
    expect_all_joined(run, increments)


@every_order
def test_no_update_is_lost_however_threads_switch(kata, watch):
    kata.counter = LEFT_BY_AN_EARLIER_COUNT
    run = watch.run(kata.count, threads=THREADS, times=TIMES, switch_threads_often=True)
    expect_no_update_lost(run, kata, THREADS, TIMES, left_before=LEFT_BY_AN_EARLIER_COUNT)
