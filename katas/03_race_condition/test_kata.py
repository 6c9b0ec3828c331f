"""Kata 03: orders of read / add / write steps in which updates to a shared counter are lost."""

from tools.interleaving import check_order, picture, replay
from tools.probes import fail


def expect_counter_ends_at(order, threads, name, expected):
    check_order(order, threads, name)
    steps = replay(order)
    final = steps[-1].counter
    if final != expected:
        lost = len(threads) - final
        were = "update was" if lost == 1 else "updates were"
        fail(
            f"{name} ends with counter == {final}, so {lost} of the {len(threads)} {were} lost;"
            f" find an order that ends at {expected}.\n"
            f"{picture(steps)}\n"
            "A thread that reads after another has written sees that update and builds on it.\n"
            "For an update to be lost, a thread must read before another thread writes."
        )


def test_two_threads_lose_one_update(kata):
    expect_counter_ends_at(kata.LOST_UPDATE, ("A", "B"), "LOST_UPDATE", expected=1)


def test_three_threads_lose_two_updates(kata):
    expect_counter_ends_at(kata.TWO_LOST, ("A", "B", "C"), "TWO_LOST", expected=1)
