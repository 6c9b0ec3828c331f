"""Replays an order of read / add / write steps with real threads, one step at a time.

`counter += 1` is three steps for the thread that runs it: read the counter, add 1 to what
it read, write the sum back. A learner writes an order of those steps for several threads;
`replay` runs exactly that order and shows, step by step, what each thread saw and wrote.
"""

import threading
from dataclasses import dataclass

from tools.records import Kind

STEPS = ("read", "add", "write")
TURN_TIMEOUT = 2.0


@dataclass
class Step:
    thread: str
    step: str
    value: int  # what the thread read, computed or wrote
    counter: int  # the shared counter after the step


def replay(order):
    """Run `order` with one real thread per name and return the steps as they happened."""
    done = []
    counter = {"value": 0}
    turn = threading.Condition()

    def take_turn(thread, step, action):
        with turn:
            turn.wait_for(lambda: order[len(done)] == (thread, step))
            value = action()
            done.append(Step(thread, step, value, counter["value"]))
            turn.notify_all()
            return value

    def write(value):
        counter["value"] = value
        return value

    def increment(thread):
        value = take_turn(thread, "read", lambda: counter["value"])
        value = take_turn(thread, "add", lambda: value + 1)
        take_turn(thread, "write", lambda: write(value))

    order = [tuple(item) for item in order]
    names = list(dict.fromkeys(thread for thread, _ in order))
    workers = [threading.Thread(target=increment, args=(name,), name=f"thread {name}") for name in names]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TURN_TIMEOUT)  # a checked order always finishes; this only bounds a bug of ours
    return done


def picture(steps):
    """The steps as a table: one column per thread, the counter on the right."""
    names = list(dict.fromkeys(step.thread for step in steps))
    width = max(14, *(len(name) + 9 for name in names))
    lines = ["  step  " + "".join(f"thread {name}".ljust(width) for name in names) + "counter"]
    written = {}
    for number, step in enumerate(steps, start=1):
        shown = f"{step.step:<5} {step.value}"
        cells = "".join((shown if name == step.thread else "").ljust(width) for name in names)
        note = ""
        if step.step == "write":
            overwritten = [who for who, value in written.items() if value == step.value and who != step.thread]
            if overwritten:
                note = f"  <- overwrites {overwritten[-1]}'s update"
            written[step.thread] = step.value
        lines.append(f"  {number:<4}  {cells}{step.counter}{note}")
    return "\n".join(lines)


def lost_update(run):
    """The steps around the first update a recorded run lost, or [] if none was lost.

    A write loses another thread's update when the writer read the variable before that
    other thread wrote it: what the writer writes was computed from an old value.
    """
    events = [event for event in run.events if event.kind in (Kind.READ, Kind.WROTE)]
    for position, write in enumerate(events):
        if write.kind != Kind.WROTE:
            continue
        same = [index for index in range(position) if events[index].label == write.label]
        own_read = _last(events, same, Kind.READ, lambda thread, w=write: thread is w.thread)
        if own_read is None:
            continue
        lost = _last(
            events, [i for i in same if i > own_read], Kind.WROTE, lambda thread, w=write: thread is not w.thread
        )
        if lost is None:
            continue
        loser = events[lost].thread
        loser_read = _last(events, [i for i in same if i < lost], Kind.READ, lambda thread, t=loser: thread is t)
        first = own_read if loser_read is None else min(own_read, loser_read)
        return [
            Step(_short(event.thread), "read" if event.kind == Kind.READ else "write", event.text, event.text)
            for event in events[first : position + 1]
            if event.thread in (write.thread, loser)
        ]
    return []


def _last(events, indexes, kind, by):
    """The last of `indexes` whose event is of `kind` and happened in a thread `by` accepts."""
    return next((i for i in reversed(indexes) if events[i].kind == kind and by(events[i].thread)), None)


def _short(thread):
    return thread.name.split(" (")[0]
