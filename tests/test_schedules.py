"""The orders tools/schedules.py tries: fewest delays first, within its bounds, the same on every run."""

from tools.schedules import Delay, Explorer


def run_with_decisions(schedule, points=3, kinds=("first", "pause")):
    """A run that meets `points` decision points, each offering one delay of each kind."""
    for number in range(points):
        schedule.choose([Delay((kind, number), lambda kind=kind: kind) for kind in kinds])


def tried(explorer, **run):
    orders = []
    for schedule in explorer:
        orders.append(dict(schedule.delays))
        run_with_decisions(schedule, **run)
    return orders


def test_the_clocks_own_order_comes_first_then_orders_with_more_delays():
    orders = tried(Explorer(max_delays=2, max_orders=1000))
    assert orders[0] == {}
    assert [len(order) for order in orders] == sorted(len(order) for order in orders)
    assert max(len(order) for order in orders) == 2
    # one delay: 3 points x 2 kinds; two: a later point's delay after each of those
    assert len(orders) == 1 + 6 + (2 * 4 + 2 * 2)


def test_the_same_orders_are_tried_on_every_run():
    assert tried(Explorer()) == tried(Explorer())


def test_a_delay_that_looks_like_one_tried_already_is_not_tried_again():
    explorer = Explorer(max_delays=1)
    orders = []
    for schedule in explorer:
        orders.append(dict(schedule.delays))
        for _ in range(5):  # a loop: the same delay, offered at five points
            schedule.choose([Delay(("pause", 12), lambda: "paused at line 12")])
    assert orders == [{}, {0: 1}]


def test_reaching_the_cap_is_said_not_silent():
    explorer = Explorer(max_delays=2, max_orders=5)
    assert len(tried(explorer)) == 5
    assert explorer.untried > 0


def test_a_delay_taken_is_told_in_words():
    told = []
    for schedule in Explorer(max_delays=1):
        run_with_decisions(schedule)
        told.append(schedule.told)
    assert told[0] == []
    assert told[1:] == [["first"], ["pause"]] * 3
