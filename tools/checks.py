"""Checks shared by the kata tests. Each reads a recorded `Run` and, when the learner's code
did something wrong, fails with what it did, why that is wrong and what to do instead."""

import threading
from collections import Counter

from tools.probes import fail
from tools.timeline import picture


def expect_each_in_a_thread_of_its_own(run, labels):
    """Every label in `labels` ran (as often as it is listed), each call in a new thread."""
    wanted = Counter(labels)
    for label, times in wanted.items():
        calls = run.calls_of(label)
        if not calls:
            fail(_never_ran(run, label) + run.its_code, run.defined)
        if len(calls) < times:
            fail(
                f"{run.function} ran {label} {_times(len(calls))};"
                f" it should run it {_times(times)}, in as many threads.",
                run.defined,
            )
        if len(calls) > times:
            fail(f"{run.function} ran {label} {_times(len(calls))}; run it {_times(times)}.", run.defined)
        for call in calls:
            if call.thread is run.caller:
                fail_with_picture(run, _ran_in_caller(run, call), call.begin.where)
    by_thread = {}
    for call in run.calls:
        other = by_thread.setdefault(call.thread, call)
        if other is not call:
            fail_with_picture(
                run,
                f"{other.label} and {call.label} both ran in {call.thread.name}, one after the other.\n"
                "One thread doing all the work is no faster than no thread at all:"
                " give every task a thread of its own.",
                call.begin.where,
            )


def expect_at_the_same_time(run, labels):
    """All the calls were running at one moment on the clock: each began before any of them ended."""
    calls = [call for call in run.calls if call.label in labels]
    if max(call.begin.at for call in calls) < min(call.ends_at for call in calls):
        return
    for later in calls:
        earlier = next((call for call in calls if call.ends_at <= later.begin.at), None)
        if earlier is None:
            continue
        message = (
            f"{later.label} started only after {earlier.label} had finished"
            f" (it began at {_seconds(later.begin.at)}; {earlier.label} ran from {_seconds(earlier.begin.at)}"
            f" to {_seconds(earlier.ends_at)})."
        )
        join = _join_between(run, earlier, later)
        if join is not None:
            message += (
                f"\n  {join.where}\nwaits for {earlier.label}'s thread to end"
                f" before the thread for {later.label} is even started."
            )
        fail_with_picture(
            run,
            message + "\nStart all the threads first; join them after that, in a loop of their own.",
            join.where if join else later.begin.where,
        )


def expect_all_joined(run, labels):
    """Every thread that ran one of the calls was joined, and had ended, before the function returned."""
    for call in run.calls:
        if call.label in labels and not _waited_for(run, call):
            where, message = _not_waited_for(run, call)
            fail_with_picture(run, message, where)


def _waited_for(run, call):
    joins = [event for event in run.of("joined") if event.other is call.thread and event.seq < run.returned.seq]
    if any(join.ended for join in joins):
        return True
    # Told of the end some other way than join(): a Future's result(), an Event, a queue.
    return call.end is not None and any(
        event.thread is run.caller and event.ended and call.end.seq < event.seq < run.returned.seq
        for event in run.of("waited")
    )


def _not_waited_for(run, call):
    """Where, and why, the function did not wait for the thread that ran `call`."""
    name, label = call.thread.name, call.label
    started = next((start for start in run.of("start") if start.other is call.thread), None)
    started_at = f", started at\n  {started.where}" if started and started.where else "."
    gave_up = next((e for e in run.of("joined") if e.other is call.thread and e.seq < run.returned.seq), None)
    if gave_up is not None:
        join = next(e for e in reversed(run.of("join")) if e.other is call.thread and e.seq < gave_up.seq)
        return join.where, (
            f"  {join.where}\njoin(timeout={join.text}) gave up at {_seconds(gave_up.at)}, while {label} was still"
            f" running ({_ends(call)}): a join() with a timeout returns once the time is up, finished or not."
            "\nCall join() without a timeout: it waits exactly as long as the thread runs."
        )
    if call.end is None or call.end.seq > run.returned.seq:
        message = f"{run.function} returned while {label} was still running in {name}."
        if not any(join.other is call.thread for join in run.of("join")):
            message += f" Nothing joins {name}{started_at}"
        return started and started.where, (
            message
            + _slept_instead(run, call)
            + "\nCall join() on every thread you started, so that the function waits for them before it goes on."
        )
    return started and started.where, (
        f"Nothing joins {name}, which ran {label}{started_at}{_slept_instead(run, call)}"
        "\nCall join() on every thread you started: it waits exactly as long as the thread runs."
    )


def _slept_instead(run, call):
    sleeps = [e for e in run.of("sleep") if e.thread is run.caller and e.seq < run.returned.seq]
    if not sleeps:
        return ""
    ended = (
        f"{call.label} happened to end first, at {_seconds(call.end.at)}"
        if call.end and call.end.seq < run.returned.seq
        else f"{call.label} was still running"
    )
    return (
        f"\n{run.function} waited with time.sleep({sleeps[-1].text}) instead:\n  {sleeps[-1].where}\n"
        f"{ended}, but sleep() only guesses how long a task takes; join() knows."
    )


def expect_printed_last(run, text, labels):
    """`text` was printed once every call had finished."""
    printed = [event for event in run.of("print") if event.text == text]
    if not printed:
        others = [event.text for event in run.of("print")]
        seen = f" It printed: {', '.join(map(repr, others))}." if others else ""
        fail(f"{run.function} never printed {text!r}.{seen}{run.its_code}", run.defined)
    for call in run.calls:
        if call.label in labels and (call.end is None or call.end.seq > printed[0].seq):
            fail_with_picture(
                run,
                f"{text!r} was printed at {_seconds(printed[0].at)}, while {call.label} was still running"
                f" ({_ends(call)}):\n  {printed[0].where}\n"
                "Print it after the join() calls, once every thread has finished.",
                printed[0].where,
            )


def fail_with_picture(run, message, where=None):
    """Fail with `message`, about the line `where`, and below it a picture of what the threads did."""
    drawing = picture(run)
    if drawing:
        message += "\n\nWhat your threads did, in the order it happened:\n" + "\n".join(f"  {line}" for line in drawing)
    fail(message, where)


def _never_ran(run, label):
    others = Counter(call.label for call in run.calls)
    if others:
        ran = ", ".join(f"{other} ({_times(times)})" if times > 1 else other for other, times in sorted(others.items()))
        return f"{run.function} never ran {label}. It ran: {ran}."
    if _threads_with_nothing_to_do(run):
        return f"{run.function} started threads with nothing to do: their target is None."
    return f"{run.function} never ran {label}. Make a threading.Thread that runs it, and start() it."


def _ran_in_caller(run, call):
    where = f"\n  {call.begin.where}\n" if call.begin.where else " "
    if call.inside_run_method:
        return (
            f"{call.label} ran in {run.caller.name}, not in a thread of its own:{where}"
            "calls run(), which runs the task right here, in the calling thread.\n"
            "Call start() instead: it starts a new thread, and that thread calls run()."
        )
    if _threads_with_nothing_to_do(run):
        return (
            f"{call.label} ran in {run.caller.name} while the Thread was being made:{where}"
            "`target=task(...)` calls the task at once and gives the thread its result, None,"
            " so the thread has nothing to do.\n"
            "Hand over the function and its arguments separately: Thread(target=task, args=(...,))."
        )
    return (
        f"{call.label} ran in {run.caller.name}, the thread that runs {run.function}:{where}"
        "calls the task directly, so each task waits for the one before it.\n"
        "Give each task a thread of its own: threading.Thread(target=..., args=(...,)), then start() it."
    )


def _threads_with_nothing_to_do(run):
    return [
        thread
        for thread in run.started_threads
        if type(thread).run is threading.Thread.run and thread in run.given and run.given[thread].target is None
    ]


def _join_between(run, earlier, later):
    return next(
        (join for join in run.of("join") if join.other is earlier.thread and join.seq < later.begin.seq),
        None,
    )


def _seconds(at):
    return f"{at:g} s"


def _ends(call):
    return "it never ended" if call.end is None else f"it ended at {_seconds(call.end.at)}"


def _times(count):
    return "once" if count == 1 else f"{count} times"
