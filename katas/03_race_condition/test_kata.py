"""Kata 03: orders of read / add / write steps in which updates to a shared counter are lost."""

from tools.lessons import expect_counter_ends_at


def test_two_threads_lose_one_update(kata):
    expect_counter_ends_at(kata.LOST_UPDATE, ("A", "B"), "LOST_UPDATE", expected=1)


def test_three_threads_lose_two_updates(kata):
    expect_counter_ends_at(kata.TWO_LOST, ("A", "B", "C"), "TWO_LOST", expected=1)
