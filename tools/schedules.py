"""Other orders the learner's threads could run in: a small, bounded, deterministic model checker.

The virtual clock (tools/virtual_time.py) has one order of its own: a started thread runs until
it waits, the thread that has waited longest goes on next, and time moves only when every thread
waits. A real machine promises none of that: it may pause any thread, for longer than any sleep.
A check marked `every_order` runs again in other orders, each one the clock's own order but for
a few *delays*: at a decision point (a thread waits or ends, is about to take a lock, asks
is_alive() or done(), starts a thread) the thread the clock would run next is passed over, and
another one runs first, or the clock moves on to the next wake-up while it stays paused.

The bounds, as in delay-bounded scheduling (Emmi, Qadeer and Rakamaric, 2011) and CHESS's
preemption bounding, whose bugs all showed within two preemptions, and named as tokio-rs/loom
names its own (`preemption_bound`, `max_permutations`):
  - at most MAX_DELAYS delays in one order;
  - a delay that looks like one already tried (the same kind of decision, at the same lines of
    the kata file, after the same earlier delays) is tried once: a loop's thousandth pass is not
    a new order;
  - at most MAX_ORDERS orders per check.
Orders are tried fewest delays first, in the order of their decision points, so the same orders
are tried on every run and the first that fails a check is one with the fewest delays. A check
that reaches MAX_ORDERS with orders still untried passes with a warning that says so: it is never
a silent pass.
"""

from collections import deque
from dataclasses import dataclass, field

import pytest

MAX_DELAYS = 2
MAX_ORDERS = 64

# A kata test's mark for a check that must hold in every order (tools/pytest_plugin.py runs them).
every_order = pytest.mark.every_order


@dataclass(frozen=True)
class Delay:
    """One way to leave the clock's own order at a decision point."""

    signature: tuple  # what the delay looks like: its kind and the lines of the kata file involved
    describe: object  # a callable: the sentence that tells the learner what happened


@dataclass
class Schedule:
    """The choices of one run: the clock's own order at every decision point but those in `delays`."""

    delays: dict = field(default_factory=dict)  # decision number -> which Delay (1 is the first)
    signatures: tuple = ()  # of the delays taken, in order
    decisions: list = field(default_factory=list)  # the Delays offered at each decision point met
    told: list = field(default_factory=list)  # what each delay taken did, in words

    def choose(self, delays):
        """At a decision point offering `delays`: 0 for the clock's own order, else the Delay's number."""
        number = len(self.decisions)
        self.decisions.append(delays)
        chosen = self.delays.get(number, 0)
        if 0 < chosen <= len(delays):
            self.told.append(delays[chosen - 1].describe())
            return chosen
        return 0


class Explorer:
    """The orders to try for one check, fewest delays first; iterate, running each before the next."""

    def __init__(self, max_delays=MAX_DELAYS, max_orders=MAX_ORDERS):
        self.max_delays = max_delays
        self.max_orders = max_orders
        self.tried = 0
        self.untried = 0  # orders left when the cap was reached

    def __iter__(self):
        frontier = deque([Schedule()])
        seen = set()
        while frontier:
            if self.tried == self.max_orders:
                self.untried = len(frontier)
                return
            schedule = frontier.popleft()
            self.tried += 1
            yield schedule
            if len(schedule.delays) == self.max_delays:
                continue
            after = max(schedule.delays, default=-1) + 1
            for number in range(after, len(schedule.decisions)):
                for choice, delay in enumerate(schedule.decisions[number], start=1):
                    signatures = (*schedule.signatures, delay.signature)
                    if signatures in seen:
                        continue
                    seen.add(signatures)
                    frontier.append(Schedule({**schedule.delays, number: choice}, signatures))
