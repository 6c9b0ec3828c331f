"""Every lesson a learner reads about their code's run, in one place.

The checks of the kata tests read a recorded `Run` and, when the learner's code did something
wrong, fail with what it did, why that is wrong and what to do instead. The reports of
tools/probes.py (an exception, a crashed thread, a stuck run, a deadlock) are written here too.
"""

import ast
import difflib
import dis
import inspect
import multiprocessing
import os
import pickle
import queue
import re
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

from tools.failures import ProcessStart, ProgramExit, Where, defined_in, fail
from tools.interleaving import STEPS, lost_update, replay
from tools.interleaving import picture as steps_picture
from tools.pools import PROCESSORS
from tools.records import Kind
from tools.timeline import picture
from tools.virtual_time import Waiting


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
    if run.reordered:
        return  # a pool's thread may take one task after another when the machine pauses the others
    by_thread = {}
    for call in run.calls:
        by_thread.setdefault(call.thread, []).append(call)
    for thread, calls in by_thread.items():
        if len(calls) > 1 and run.pool_of(thread) is not None:
            _fail_pool_too_small(run, run.pool_of(thread), labels)
        if len(calls) > 1:
            given = run.given.get(thread)
            fail_with_picture(
                run,
                f"{_listed([call.label for call in calls])} {'both' if len(calls) == 2 else 'all'} ran in"
                f" {thread.name}, one after the other.\n"
                "One thread doing all the work is no faster than no thread at all:"
                " give every task a thread of its own.",
                given.where if given else calls[1].begin.where,
            )


def expect_at_the_same_time(run, labels):
    """All the calls were running at one moment on the clock: each began before any of them ended."""
    calls = [call for call in run.calls if call.label in labels]
    if run.reordered:
        return  # in another order a thread may be paused for as long as it takes the others to finish
    if max(call.begin.at for call in calls) < min(call.ends_at for call in calls):
        return
    for pool in run.pools:
        if len([call for call in calls if call.thread in pool.threads]) > len(pool.threads):
            _fail_pool_too_small(run, pool, labels)
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
            message + "\nStart every thread first, and join them only after that.",
            join.where if join else later.begin.where,
        )


def expect_all_joined(run, labels):
    """Every thread that ran one of the calls was joined, and had ended, before the function returned."""
    missed = [call for call in run.calls if call.label in labels and not _waited_for(run, call)]
    if missed:
        where, message = _not_waited_for(run, missed[0])
        if len(missed) > 1 and run.pool_of(missed[0].thread):
            message += f"\nThe same goes for {_listed([call.label for call in missed[1:]])}."
        elif len(missed) > 1:
            message += f"\nThe same goes for {_listed([call.thread.name for call in missed[1:]])}."
        fail_with_picture(run, message, where)
    busy = _busy_wait(run)
    if busy:
        fail_with_picture(run, busy[1], busy[0])


# What waits for the answer a poll asks about, without keeping a processor busy.
_WAITS_INSTEAD = {
    "is_alive()": "join()",
    "done()": "result(), or concurrent.futures.wait(),",
    "is_set()": "the Event's wait()",
    "empty()": "the queue's get() or join()",
    "qsize()": "the queue's get() or join()",
    "full()": "the queue's put()",
    "locked()": "acquire(), or `with lock:`,",
}


def _busy_wait(run):
    """(where, lesson) if the function asked the same question in a loop without pausing while time
    passed on the clock: on a real machine such a loop keeps a processor busy all the while."""
    asked = [e for e in run.events if e.thread is run.caller and e.kind in (Kind.ASKED, Kind.POLLED)]
    again = [e for e in asked if e.again and e.seq < run.returned.seq]
    if not again:
        return None
    first = next(e for e in reversed(asked) if e.seq < again[0].seq and e.where == again[0].where)
    last = again[-1]
    if last.at == first.at:
        return None  # it spun while the other threads went on, with no time passing on the clock
    question = "is_alive()" if first.kind == Kind.ASKED else first.text
    return first.where, (
        f"{run.function} asked {question} again and again in a loop, without pausing,"
        f" from {_seconds(first.at)} until {_seconds(last.at)}:\n  {first.where}\n"
        "On a real machine such a loop never rests: it keeps a processor busy all that time,"
        " asking millions of times."
        f" {_WAITS_INSTEAD[question]} waits without using a processor, and returns the moment the wait is over."
    )


def _fail_pool_too_small(run, pool, labels):
    """The pool ran fewer of the calls at once than there were: say which waited for a free worker, and why."""
    calls = [call for call in run.calls if call.label in labels and call.thread in pool.threads]
    ends = sorted(call.ends_at for call in calls)
    waited = [call for call in calls if call.begin.at >= ends[0]]
    first = waited[0]
    freed = next((c for c in calls if c.thread is first.thread and c.end and c.end.seq < first.begin.seq), None)
    left = f", when {freed.label} had ended and left its thread free" if freed else ""
    shown = [call.label for call in waited[:3]] + ([f"{len(waited) - 3} more"] if len(waited) > 3 else [])
    threads = len(pool.threads)
    if pool.workers is None:
        why = (
            f"{pool.kind}() without max_workers makes at most min(32, processors + 4) threads:"
            f" {pool.size} with the {PROCESSORS} processors the tests count."
        )
    else:
        why = f"max_workers={pool.workers} lets it run {pool.size} at a time, however many tasks there are."
    items = _first_parameter(run)
    longest = max(call.ends_at - call.begin.at for call in calls)
    fail(
        f"{run.function} ran {len(calls)} tasks in a pool of {threads} threads, made at\n  {pool.where}\n"
        f"so only {threads} ran at a time, and {_listed(shown)} waited for a free worker:"
        f" {first.label} began only at {_seconds(first.begin.at)}{left}."
        f" All of them took {_seconds(max(ends))}, where {_seconds(longest)} would have done.\n{why}"
        f"\nGive the pool a thread for every task: max_workers=len({items}).",
        pool.where,
    )


def _first_parameter(run):
    function = run.called[0] if run.called else None
    try:
        return next(iter(inspect.signature(function).parameters))
    except (TypeError, ValueError, StopIteration):
        return "..."


def expect_pools_shut_down(run):
    """Every pool the function made was shut down (shutdown(), close(), terminate(), or the end of its
    with block) before the function returned."""
    for pool in run.pools:
        if pool.shut_down is not None and pool.shut_down.seq < run.returned.seq:
            continue
        workers = "threads" if pool.kind == "ThreadPoolExecutor" else "worker processes"
        message = (
            f"{run.function} returned without shutting down the {pool.kind} made at\n  {pool.where}\n"
            f"Its {workers} stay behind after the function is done, until Python happens to clean the"
            " pool up, if it ever does."
        )
        unreached = _lines_calling(run.called[0] if run.called else None, ("shutdown", "close", "terminate"))
        if unreached:
            message += f"\n  {unreached[0]}\nnever ran: the function had returned before it got there."
        ends = "ends its processes" if pool.kind == "Pool" else "waits for its tasks and shuts the pool down"
        fail(
            message + f"\nMake the pool in a with block (with {pool.kind}(...) as pool:): at the end of the block"
            f" it {ends}.",
            pool.where,
        )


def _lines_calling(function, methods):
    """The lines of the kata file where `function` calls one of `methods`, run or not: read from its
    source, since Python compiles no code for the lines after a return."""
    code = getattr(inspect.unwrap(function), "__code__", None) if callable(function) else None
    if code is None:
        return []
    try:
        tree = ast.parse(Path(code.co_filename).read_text())
    except (OSError, SyntaxError, ValueError):
        return []
    defined = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno == code.co_firstlineno
    ]
    return sorted(
        {
            Where(Path(code.co_filename), node.lineno)
            for function_node in defined
            for node in ast.walk(function_node)
            if isinstance(node, ast.Attribute) and node.attr in methods
        },
        key=lambda where: where.line,
    )


def _waited_for(run, call):
    before = [event for event in run.events if event.other is call.thread and event.seq < run.returned.seq]
    if any(event.kind == Kind.JOINED and event.ended for event in before):
        return True
    # is_alive() said it had ended; asked again and again at one line with no join(), though, it stood in for one.
    started = next((event.seq for event in before if event.kind == Kind.START), None)
    said_ended = [e for e in before if e.kind == Kind.ASKED and e.answer is False and started and e.seq > started]
    joined = any(event.kind == Kind.JOIN for event in before)
    if said_ended and (joined or not _asked_in_a_loop(run, call)):
        return True
    # Told of the end some other way than join(): a Future's result(), an Event, a queue.
    return call.end is not None and any(
        event.thread is run.caller and event.ended and call.end.seq < event.seq < run.returned.seq
        for event in run.of(Kind.WAITED)
    )


def _not_waited_for(run, call):
    """Where, and why, the function did not wait for the thread that ran `call`."""
    name, label = call.thread.name, call.label
    pool = run.pool_of(call.thread)
    if pool is not None and (pool.shut_down is None or pool.shut_down.seq > run.returned.seq):
        return pool.where, (
            f"{run.function} returned while {label} was still running in a thread of the {pool.kind} made at"
            f"\n  {pool.where}\nNothing waited for the pool's tasks to end: the pool was not shut down before"
            " the return, nor did a result() wait for them.\nMake the pool in a with block (with"
            f" {pool.kind}(...) as pool:): at the end of the block it waits for every task."
        )
    started = next((start for start in run.of(Kind.START) if start.other is call.thread), None)
    started_at = f", started at\n  {started.where}" if started and started.where else "."
    gave_up = next((e for e in run.of(Kind.JOINED) if e.other is call.thread and e.seq < run.returned.seq), None)
    if gave_up is not None:
        join = next(e for e in reversed(run.of(Kind.JOIN)) if e.other is call.thread and e.seq < gave_up.seq)
        return join.where, (
            f"  {join.where}\njoin(timeout={join.text}) gave up at {_seconds(gave_up.at)}, while {label} was still"
            f" running ({_ends(call)}): a join() with a timeout returns once the time is up, finished or not."
            "\nCall join() without a timeout: it waits exactly as long as the thread runs."
        )
    if call.end is None or call.end.seq > run.returned.seq:
        message = f"{run.function} returned while {label} was still running in {name}."
        if not any(join.other is call.thread for join in run.of(Kind.JOIN)):
            message += f" Nothing joins {name}{started_at}"
        starts = [start.where for start in run.of(Kind.START)]
        keep = (
            "Keep every thread you start (in a list, say) and call join() on each"
            if len(set(starts)) < len(starts)  # threads started by one line, in a loop
            else "Call join() on every thread you start"
        )
        return started and started.where, (
            message + _slept_instead(run, call) + f"\n{keep}, so that the function waits for them before it goes on."
        )
    busy = _busy_wait(run)
    instead = f"\n{busy[1]}" if busy else _slept_instead(run, call)
    return started and started.where, (
        f"Nothing joins {name}, which ran {label}{started_at}{instead}"
        "\nCall join() on every thread you started: it waits exactly as long as the thread runs."
    )


def _asked_in_a_loop(run, call):
    """(where, how often): the line at which the function asked most often whether `call`'s thread was alive,
    if more than once."""
    asked = Counter(e.where for e in run.of(Kind.ASKED) if e.thread is run.caller and e.other is call.thread)
    where, times = asked.most_common(1)[0] if asked else (None, 0)
    return (where, times) if times > 1 else None


def _slept_instead(run, call):
    sleeps = [e for e in run.of(Kind.SLEEP) if e.thread is run.caller and e.seq < run.returned.seq]
    if not sleeps:
        return ""
    ended = (
        f"{call.label} had ended by then, at {_seconds(call.end.at)}"
        if call.end and call.end.seq < run.returned.seq
        else f"{call.label} was still running when the sleep ended"
    )
    asked = _asked_in_a_loop(run, call)
    if asked:
        where, times = asked
        return (
            f"\n{run.function} asked is_alive() {times} times instead, with time.sleep({sleeps[-1].text})"
            f" in between:\n  {where}\n  {sleeps[-1].where}\njoin() does that waiting for you, and"
            " returns the moment the thread ends."
        )
    return (
        f"\n{run.function} waited with time.sleep({sleeps[-1].text}) instead:\n  {sleeps[-1].where}\n"
        f"{ended}; sleep() only guesses how long a task takes, join() waits exactly until it ends."
    )


def expect_printed_last(run, text, labels):
    """`text` was printed once every call had finished."""
    printed = [event for event in run.of(Kind.PRINT) if event.text == text]
    if not printed:
        others = [event.text for event in run.of(Kind.PRINT)]
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
        message = f"{run.function} never ran {label}. It ran: {ran}."
        lambdas = [given for given in run.given.values() if getattr(given.target, "__name__", "") == "<lambda>"]
        if lambdas and any(times > 1 for times in others.values()):
            message += (
                f"\n  {lambdas[0].where}\nmakes a lambda that looks its variables up when the thread runs, not when"
                " it is made: by then the loop had moved on. Hand the value over instead:"
                " Thread(target=..., args=(value,))."
            )
        return message
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
        (join for join in run.of(Kind.JOIN) if join.other is earlier.thread and join.seq < later.begin.seq),
        None,
    )


def _seconds(at):
    return f"{at:g} s"


def _ends(call):
    return "it never ended" if call.end is None else f"it ended at {_seconds(call.end.at)}"


def _takes(function):
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return "takes other arguments"
    return "takes no arguments" if not parameters else "takes other arguments"


def _listed(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _times(count):
    return "once" if count == 1 else f"{count} times"


# --- kata 03: orders of steps -------------------------------------------------------------


def expect_counter_ends_at(order, threads, name, expected):
    """`order` is a list of (thread, step) pairs that, replayed, leaves the counter at `expected`."""
    check_order(order, threads, name)
    steps = replay(order)
    final = steps[-1].counter
    if final != expected:
        lost = len(threads) - final
        fail(
            f"{name} ends with counter == {final}, so {lost} of the {len(threads)} updates"
            f" {'was' if lost == 1 else 'were'} lost;"
            f" find an order that ends at {expected}.\n"
            f"{steps_picture(steps)}\n"
            "A thread that reads after another has written sees that update and builds on it.\n"
            "For an update to be lost, a thread must read before another thread writes."
        )


def check_order(order, threads, name):
    """Fail with a lesson unless `order` has every thread doing read, add, write once, in that order."""
    if not isinstance(order, (list, tuple)):
        fail(f'{name} should be a list of (thread, step) pairs, like [("A", "read"), ...], not {order!r}.')
    for number, item in enumerate(order, start=1):
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            fail(f'Item {number} of {name} is {item!r}; each item is a (thread, step) pair, like ("A", "read").')
        thread, step = item
        if thread not in threads:
            fail(f"Item {number} of {name} names thread {thread!r}; the threads are {_names(threads)}.")
        if step not in STEPS:
            fail(f"Item {number} of {name} names step {step!r}; the steps are {_names(STEPS)}.")
    for thread in threads:
        own = [step for who, step in order if who == thread]
        wrong = [step for step in STEPS if own.count(step) != 1]
        if wrong:
            fail(f"In {name}, thread {thread} must do each of read, add and write exactly once; check {_names(wrong)}.")
        if own != list(STEPS):
            fail(
                f"In {name}, thread {thread} does {', '.join(own)}. A thread runs its own steps in"
                " order: read, then add, then write. Only the other threads' steps can come in between."
            )


def _names(items):
    return ", ".join(f'"{item}"' for item in items)


# --- kata 04: the lock ----------------------------------------------------------------------


def expect_increment_adds(run, kata, before, times):
    """increment(times) took the counter from `before` to `before + times`."""
    if kata.counter != before + times:
        fail(
            f"increment({times}) changed the counter from {before} to {kata.counter}; it should add {times},"
            f" making {before + times}.{run.its_code}",
            run.defined,
        )


def expect_no_update_lost(run, kata, threads, times, left_before):
    """count(threads, times) returned threads x times, however the threads were switched,
    although an earlier count had left `left_before` in the counter."""
    expected = threads * times
    if run.value == expected == kata.counter:
        return
    called = f"count(threads={threads}, times={times})"
    if run.value == expected + left_before:
        fail(
            f"{called} returned {run.value}: it went on from the {left_before} an earlier count left in the"
            " counter. Keep `counter = 0` at the start of count(), as the starter has it." + run.its_code,
            run.defined,
        )
    got = run.value if run.value == kata.counter else f"{run.value} (and left the counter at {kata.counter})"
    message = f"{called} returned {got}, but {threads} threads x {times} increments make {expected}."
    refused = getattr(kata.lock, "refused", [])
    if refused:
        fail(
            f"{message}\n  {refused[0]}\ncame back without the lock {_times(len(refused))}, because another"
            " thread held it, and each time that increment was skipped: acquire(blocking=False) does not wait."
            "\nCall lock.acquire(), or use `with lock:`: both wait for their turn.",
            refused[0],
        )
    steps = lost_update(run)
    if isinstance(run.value, int) and run.value < expected and not steps and len(run.of(Kind.LOCK)) <= 1:
        _fail_too_few_increments(run, message, threads, times)
    if isinstance(run.value, int) and run.value < expected:
        message += (
            f"\nThe race lost {expected - run.value} of {expected} updates: two threads read the same value,"
            " and the second write wiped out the first."
        )
    made = run.of(Kind.LOCK)
    if len(made) > 1:
        message += (
            f"\n  {made[0].where}\nmakes a new lock each time it runs ({len(made)} locks in this run):"
            " every thread locks a lock of its own, so no thread ever waits for another."
            "\nUse the one `lock` made at the top of the file."
        )
    elif getattr(kata.lock, "taken", None) == 0:
        message += f"\nincrement() never takes `lock`.{_unlocked(run)}\nPut `counter += 1` inside `with lock:`."
    else:
        message += (
            f"\nincrement() takes `lock`, yet updates were lost.{_unlocked(run)}"
            "\nThe read, the add and the write of `counter += 1` must all happen inside `with lock:`."
        )
    if run.unlocked_write is None and len(made) <= 1:
        message += run.its_code
    if steps:
        message += "\n\nOne update the race lost, step by step:\n" + steps_picture(steps)
    fail(message, run.unlocked_write or (made[0].where if len(made) > 1 else run.defined))


def _fail_too_few_increments(run, message, threads, times):
    """No write was lost, yet the counter is short: the threads did fewer increments than asked."""
    writes = Counter(e.thread for e in run.of(Kind.WROTE) if e.label == "counter" and e.thread is not run.caller)
    if not writes or sum(writes.values()) != run.value:
        return
    each = sorted(set(writes.values()))
    given = next((run.given[t] for t in run.started_threads if t in run.given and run.given[t].where), None)
    fail(
        f"{message}\nNo update was lost: every write built on the one before. The threads added 1 to the"
        f" counter {run.value} times in all ({_listed([str(n) for n in each])} each), where {times} each were"
        f" asked for." + (f"\n  {given.where}\nmakes the threads: each must run increment({times})." if given else ""),
        given.where if given else run.defined,
    )


def _unlocked(run):
    where = run.unlocked_write
    return f" This write to the counter holds no lock:\n  {where}" if where else ""


# --- kata 05: the life of a thread ----------------------------------------------------------


_STAGES = {"created": "before start()", "started": "between start() and join()", "joined": "after join()"}


def expect_is_alive_answers(run, label):
    """lifecycle() returned, for each of its stages, what is_alive() answered when asked at that stage
    about the thread that ran `label`: the answers recorded in this run, not those a textbook expects."""
    if not isinstance(run.value, dict):
        fail(
            f"{run.function} returned {run.value!r}; return a dict like"
            f" {{'created': ..., 'started': ..., 'joined': ...}}.{run.its_code}",
            run.defined,
        )
    for stage in _STAGES:
        if callable(run.value.get(stage)):
            fail(
                f"{run.function} gives the method thread.is_alive itself for {stage!r}, not True or False:"
                f" without () it is never called. Store thread.is_alive(), with the brackets.{run.its_code}",
                run.defined,
            )
    call = run.calls_of(label)[0]
    asks = [e for e in run.of(Kind.ASKED) if e.other is call.thread and e.seq < run.returned.seq]
    if not asks:
        fail(
            f"{run.function} returned {run.value!r} without ever calling thread.is_alive(): those are"
            " answers written in advance, not what the thread said. is_alive() tells what is true when you"
            f" ask, and right after start() that depends on the run: True while {label} runs (or the thread"
            " waits), False once it is over.\nCall thread.is_alive() at each stage, before start(), between"
            f" start() and join(), and after join(), and store what it returns.{run.its_code}",
            run.defined,
        )
    stages = list(_STAGES)
    staged = [(ask, stages.index(_stage_of(run, call.thread, ask))) for ask in asks]
    for number, (stage, when) in enumerate(_STAGES.items()):
        said = run.value.get(stage)
        answers = [ask for ask, at in staged if at == number]
        if not answers:
            later = next(((ask, at) for ask, at in staged if at > number and ask.where), None)
            asked = f"\nIt asks {_STAGES[stages[later[1]]]} instead:\n  {later[0].where}" if later else run.its_code
            fail(
                f"{run.function} gives {said!r} for {stage!r} without asking: it never calls thread.is_alive()"
                f" {when}.{asked}\nCall it {when}, and store what it returns: it tells what is true when"
                " you ask.",
                later[0].where if later else run.defined,
            )
        if not any(said is ask.answer for ask in answers):
            ask = answers[0]
            fail(
                f"{run.function} gives {said!r} for {stage!r}, but thread.is_alive() said {ask.answer} when"
                f" asked {when}:\n  {ask.where}\n{_why_alive(run, call, stage, ask)}.\nStore what"
                " thread.is_alive() returns at each stage: it tells what is true when you ask.",
                ask.where,
            )


def _stage_of(run, thread, ask):
    """created: asked before start(); joined: asked once the caller knew the thread had ended (a join()
    returned, or is_alive() had said False after start()); started: in between."""
    started = next((e for e in run.of(Kind.START) if e.other is thread), None)
    if started is None or ask.seq < started.seq:
        return "created"
    over = next(
        (
            e
            for e in run.events
            if e.seq > started.seq
            and e.other is thread
            and ((e.kind == Kind.JOINED and e.ended) or (e.kind == Kind.ASKED and e.answer is False))
        ),
        None,
    )
    if over is None or ask.seq < over.seq or ask is over:
        return "started"
    return "joined"


def _why_alive(run, call, stage, ask):
    """Why is_alive() gave its answer to `ask`, from what the run recorded before it."""
    name = call.thread.name
    if stage == "created":
        return "a thread is not alive until start() is called"
    if stage == "joined":
        return "join() returns only once the thread has ended" if not ask.answer else f"{name} was still running"
    if ask.answer:
        if call.begin.seq > ask.seq:
            return f"{name} was alive, and had not even begun {call.label} yet"
        if call.end is None or call.end.seq > ask.seq:
            return f"{name} was alive: {call.label} was still running"
        return f"{call.label} was over, but {name} had not ended yet"
    if call.end is None:
        return f"{name} had already ended"
    return f"this time {call.label} was over at {_seconds(call.end.at)}, and {name} had ended before you asked"


def catch_the_runtime_error(error):
    """For watch.run(explain_error=...): what to do about the error a task asks to catch."""
    if isinstance(error, RuntimeError):
        return (
            "That is the error the task is about: catch it (try: ... except RuntimeError as error:)"
            " and return it, instead of letting it escape."
        )
    return None


def expect_runtime_error(run, says):
    """The function returned the RuntimeError Python raised, whose message has `says` in it."""
    error = run.value
    if isinstance(error, str) and says in error:
        fail(
            f"{run.function} returned {error!r}, the error's message. Return the error itself:"
            f" except RuntimeError as error: return error.{run.its_code}",
            run.defined,
        )
    if isinstance(error, type) and issubclass(error, BaseException):
        fail(
            f"{run.function} returned the class {error.__name__} itself, not the error Python raised: the"
            " except caught it, and then let it go. Give the error a name in the except line and return"
            f" that: except RuntimeError as error: return error.{run.its_code}",
            run.defined,
        )
    if not isinstance(error, RuntimeError):
        fail(
            f"{run.function} returned {error!r}. Do what the task says, catch the RuntimeError it raises"
            f" (try: ... except RuntimeError as error:) and return the error.{run.its_code}",
            run.defined,
        )
    if says not in str(error):
        fail(
            f"{run.function} returned RuntimeError({str(error)!r}); the error that Python raises here says"
            f" {says!r}.{run.its_code}",
            run.defined,
        )


# --- kata 06: threads while you wait, processes while you compute ---------------------------


def expect_in_order(run, expected, what, key=None):
    """The function returned what each call of `what` returned, in the order of its input: `expected`,
    or, with `key`, results whose keys are `expected`."""
    key = key or (lambda result: result)
    got = [key(result) for result in run.value] if isinstance(run.value, list | tuple) else run.value
    if got == expected:
        return
    if isinstance(got, list) and sorted(map(repr, got)) == sorted(map(repr, expected)):
        ready = [expected[expected.index(call_result)] for call_result in _results_as_ready(run, expected)]
        how = "in the order they were ready" if got == ready else "in another order"
        fail(
            f"{run.function} returned the results {how}, not in the order asked for:"
            f"\n  {_shown(got)}\nReturn {what}'s results in the order of the input: keep the threads or futures"
            " in a list, in that order, and collect their results from it (pool.map keeps the order itself)."
            + run.its_code,
            run.defined,
        )
    message = f"{run.function} returned {_shown(got)};\nit should return {_shown(expected)}."
    writes = _writes_into(run, run.value)
    if writes:
        fail(message + _wrong_places(run, writes, expected), writes[0][0].where or run.defined)
    fail(message + run.its_code, run.defined)


def _shown(items, most=6):
    if not isinstance(items, list) or len(items) <= most:
        return repr(items)
    return f"[{', '.join(map(repr, items[:most]))}, ... ({len(items)} in all)]"


def _results_as_ready(run, expected):
    """`expected`'s items in the order the calls that give them ended, as far as the run recorded them."""
    ended = sorted((call for call in run.calls if call.end), key=lambda call: call.end.seq)
    by_label = [next((item for item in expected if call.label in str(item)), None) for call in ended]
    return [item for item in by_label if item is not None]


def _writes_into(run, container):
    """[(ended event, index, value)]: what each started thread had changed in `container` (a list or dict
    of the calling thread's) by the time it ended, as the copies taken at each start and end show."""
    writes, before = [], None
    for event in run.events:
        if event.contents is None or id(container) not in event.contents:
            continue
        now = event.contents[id(container)]
        if event.kind == Kind.ENDED and before is not None:
            places = range(len(now)) if isinstance(now, list) else now.keys()
            for place in places:
                old = (
                    before.get(place) if isinstance(before, dict) else (before[place] if place < len(before) else None)
                )
                if old != now[place] or (isinstance(before, dict) and place not in before):
                    writes.append((event, place, now[place]))
        before = now
    return writes


def _wrong_places(run, writes, expected):
    """Which place each thread wrote its result to, and why they all wrote to the same one."""
    places = {place for _, place, _ in writes}
    lines = [
        f"  {_thread_of(run, event.thread)} wrote {value!r} at index {place}, at {_seconds(event.at)}"
        for event, place, value in writes[:4]
    ]
    if len(writes) > 4:
        lines.append(f"  and {len(writes) - 4} more threads wrote theirs")
    message = "\nWhere each thread put its result:\n" + "\n".join(lines)
    if len(places) == 1 and len(writes) > 1:
        (place,) = places
        message += (
            f"\nEvery thread wrote to index {place}, each over the one before, and the other places kept what they had."
        )
        late = _read_late(run, writes, place)
        if late:
            where, variable = late
            message += (
                f"\n  {where}\nreads `{variable}` when the thread gets there, after its fetch, not when the"
                f" thread was made: by then the loop had moved on, and `{variable}` was {place!r} for every"
                " thread."
            )
            return message + (
                f"\nHand each thread its own {variable} when you make it: Thread(target=..., args=({variable},"
                " ...)), a parameter of the function it runs."
            )
    return message + "\nEach thread must write its result to the place of its own input." + run.its_code


def _thread_of(run, thread):
    labels = [call.label for call in run.calls if call.thread is thread]
    return f"the thread of {_listed(labels)}" if labels else thread.name


def _read_late(run, writes, place):
    """(line, variable) where the function a thread runs writes at `place`, read from a variable of an
    enclosing function that holds `place` now: a loop variable, read after the loop moved on."""
    for event, _, _ in writes:
        given = run.given.get(event.thread)
        target = getattr(given, "target", None)
        code, cells = getattr(target, "__code__", None), getattr(target, "__closure__", None) or ()
        if code is None:
            continue
        now = dict(zip(code.co_freevars, (_contents(cell) for cell in cells), strict=False))
        instructions = list(dis.get_instructions(code))
        for before, instruction in zip(instructions, instructions[1:], strict=False):
            if (
                instruction.opname == "STORE_SUBSCR"
                and before.opname == "LOAD_DEREF"
                and now.get(before.argval) == place
            ):
                return Where(Path(code.co_filename), instruction.positions.lineno), before.argval
    return None


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def expect_crunched_in_processes(run, numbers):
    """Each number was crunched in a process other than this one."""
    crunched = [result for result in run.value if hasattr(result, "pid")] if isinstance(run.value, list) else []
    if len(crunched) != len(numbers):
        fail(
            f"{run.function} returned {run.value!r}; return what crunch() returned for each number, in a list."
            + run.its_code,
            run.defined,
        )
    here = [result for result in crunched if result.pid == os.getpid()]
    if not here:
        return
    threads = {result.thread for result in here}
    if threads == {run.caller.name}:
        how = "one after the other, in the thread that called it"
    else:
        how = "in threads of this one process"
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        why = "with the GIL only one thread of a process computes at a time, so threads do not make it faster"
    else:
        why = (
            "this free-threaded Python lets threads compute at once, but with the GIL of the usual build only"
            " one thread of a process computes at a time"
        )
    pools = [pool for pool in run.pools if pool.kind != "ProcessPoolExecutor" and pool.kind != "Pool"]
    made = f"\nThe pool of threads was made at\n  {pools[0].where}" if pools else run.its_code
    fail(
        f"{run.function} ran crunch() {how}. crunch() computes, and {why}. Run it in other processes:"
        f" concurrent.futures.ProcessPoolExecutor or multiprocessing.Pool.{made}",
        pools[0].where if pools else run.defined,
    )


def expect_no_process_left(run, seconds=3):
    """No process the function started is still running a moment after it returned."""
    end = time.monotonic() + seconds  # real time: a closed pool's processes end at once; only an open one waits
    while multiprocessing.active_children() and time.monotonic() < end:
        time.sleep(0.05)
    left = multiprocessing.active_children()
    unclosed = next((warning for warning in run.warnings if "unclosed" in warning), None)
    if unclosed and not left:
        fail(
            f"{run.function} never closed its pool: Python found it still open when the function let go of it,"
            f" and warned: {unclosed.split(' <')[0]!r}. Open it in a with block (with Pool() as pool: ...),"
            " which closes it at the end of the block." + run.its_code,
            run.defined,
        )
    if not left:
        return
    for process in left:
        process.terminate()
    still = f"{len(left)} process{'es are' if len(left) > 1 else ' is'} still running"
    if not run.pools:
        fail(
            f"{run.function} returned, yet {still}: it started {'them' if len(left) > 1 else 'it'} and never"
            " waited for its end. Call join() on every process you start, or use a pool in a with block"
            " (with ProcessPoolExecutor() as pool: ...), which waits for its processes at the end of the block."
            + run.its_code,
            run.defined,
        )
    fail(
        f"{run.function} returned, yet {still}, although the pool made at\n  {run.pools[0].where}\nwas shut"
        " down: shutting down without waiting (shutdown(wait=False), or close() without join()) lets the"
        " function return before the processes end. Leave it to the with block, which waits for them.",
        run.pools[0].where,
    )


# --- what the probes report when a run goes wrong -------------------------------------------


def error_lesson(run, kata_file, explain_error=None):
    """The learner's function raised, or called sys.exit() or os._exit()."""
    error = run.error
    at = f"\n  at {run.error_where}" if run.error_where else ""
    if isinstance(error, ProcessStart):
        at = f" at\n  {error.where}" if error.where else ""
        return (
            f"{run.function} starts a process{at}\nWaiting needs no processor of its own, and a process costs"
            " far more to start than a thread: use threads here (threading.Thread, or"
            " concurrent.futures.ThreadPoolExecutor). Processes are for work that computes."
        )
    if _cannot_pickle(error):
        return (
            f"{run.function} hands a process pool a function it cannot send to another process{at}"
            "\nA process pool sends the function to"
            " another process by its name, so it must be defined at the top level of a module: a lambda, or a"
            " function defined inside another, has no such name. Hand the pool the function itself:"
            " pool.map(crunch, numbers)."
        )
    if isinstance(error, ProgramExit):
        return (
            f"{run.function} called {error.call}:"
            f" the whole program would stop right there, its threads with it.{at}\n{_END_BY_RETURNING}"
        )
    if isinstance(error, SystemExit):
        what = f"called sys.exit({error.code!r})" if error.code is not None else "called sys.exit()"
        return f"{run.function} {what}: the program would end right there.{at}\n{_END_BY_RETURNING}"
    report = f"{run.function} raised {type(error).__name__}: {error}{_did_you_mean(error)}{at}"
    if isinstance(error, MemoryError):
        return (
            f"{report}\nYour code asked for more memory than the tests may use (a pull request's check"
            " gives a kata 1 GiB): no kata needs more than a few megabytes."
        )
    explained = explain_error(error) if explain_error else None
    if explained:
        return f"{report}\n{explained}"
    function, args, kwargs = run.called
    defined = defined_in(function, kata_file)
    if isinstance(error, TypeError) and run.error_where is None and defined:  # the call itself failed
        shown = ", ".join([*map(repr, args), *(f"{key}={value!r}" for key, value in kwargs.items())])
        report += (
            f"\nThe test calls {function.__name__}({shown}), but\n  {defined}\n{_takes(function)}."
            " The task at the top of the file says what it takes."
        )
    if "before it is started" in str(error):
        report += "\njoin() waits for a thread that start() has started; this one never was."
        for call in run.calls:
            if call.inside_run_method:
                report += (
                    f"\n{call.label} ran through run() instead, in {run.caller.name}:\n  {call.begin.where}\n"
                    "run() does not start a thread; call start()."
                )
                break
    if "started once" in str(error):
        report += "\nA Thread object runs only once: make a new Thread to run something again."
    return report


def _did_you_mean(error):
    """Python's own suggestion for a misspelt name (". Did you mean: 'start'?"), which its traceback
    shows and str(error) leaves out; Python 3.11's traceback module does not make it, so it is made here."""
    said = traceback.format_exception_only(error)[-1].strip()
    if ". Did you mean: " in said:
        return said[said.rindex(". Did you mean: ") :]
    if isinstance(error, AttributeError) and getattr(error, "obj", None) is not None and error.name:
        close = difflib.get_close_matches(error.name, dir(error.obj), n=1)
        return f". Did you mean: {close[0]!r}?" if close else ""
    return ""


def _cannot_pickle(error):
    said = str(error).lower()  # "Can't pickle local object", or, from 3.13, "Can't get local object"
    return isinstance(error, pickle.PicklingError | AttributeError | TypeError) and (
        "pickle" in said or "local object" in said
    )


_END_BY_RETURNING = "Take that call out: a function is done when it returns, and so is the program."


def crash_lesson(run, crash, kata_file):
    """A thread the learner's code started ended with an exception."""
    given = run.given.get(crash.thread)
    report = f"{crash.thread.name} crashed with {crash.text}"
    if crash.where:
        report += f"\n  at {crash.where}"
    elif given and given.where:
        report += f"\nThe thread was made at\n  {given.where}"
    if crash.label == ProgramExit.__name__:
        return report + "\nThe tests stopped it there: os._exit() ends every thread at once, without a word."
    if given and isinstance(given.args, str):
        written = re.search(r"args\s*=\s*\(([^()]*)\)", given.where.source if given.where else "")
        inside = written[1].strip() if written else repr(given.args)
        return report + (
            f"\nargs=({inside}) is the string {given.args!r}, not a tuple: brackets alone do not make a tuple,"
            f" so the thread hands its target each of its {len(given.args)} characters as an argument of its own."
            f"\nWrite args=({inside},), with a comma."
        )
    defined = defined_in(given.target, kata_file) if given else None
    if defined and crash.where is None:  # the thread could not even call its target
        handed = f"args={given.args!r}" + (f" and kwargs={given.kwargs!r}" if given.kwargs else "")
        return report + (
            f"\nThe thread calls {given.target.__name__}() with {handed}, but\n  {defined}\n{_takes(given.target)}."
            " Make the function take what the thread hands it."
        )
    return report + (
        "\nAn exception ends only the thread it happens in, and join() does not pass it on:"
        " fix its cause, or catch it inside the thread."
    )


def order_lesson(delays):
    """What a schedule did differently from the clock's own order, before the lesson of the check it failed."""
    lines = ["Your threads can run in another order, and in that order this check fails:"]
    lines += [f"  {delay}" for delay in delays]
    lines.append(
        "On a busy machine that happens: any thread may be paused at any moment, for longer than any sleep()."
        " Only join(), a lock or another wait makes one thread wait for another."
    )
    return "\n".join(lines) + "\nIn that order:\n"


def lock_order_lesson(run, one, other):
    """(lesson, where): two threads took the same two locks in opposite orders, `one` and `other` each
    (first lock, second lock, thread, where it took the first, where it took the second)."""
    lines = [f"{run.function}: two threads take the same two locks in opposite orders."]
    for first, then, thread, where_first, where_then in (one, other):
        lines.append(f"  {thread.name} took {_named(first)} at\n    {where_first}")
        lines.append(f"  and, still holding it, {_named(then)} at\n    {where_then}")
    lines.append(
        f"If {one[2].name} takes its first lock and {other[2].name} takes its own before either takes a"
        " second, each waits for the lock the other holds, for ever: a deadlock. It did not happen in this"
        f" run, but a busy machine can pause a thread between two locks.\n{_ONE_ORDER}"
    )
    return "\n".join(lines), one[4]


def stuck_lesson(run, seconds, positions, processes=False):
    """The run still went on after `seconds` of real time; `positions` are (thread, where, running)."""
    lines = [f"{run.function} is still running after {seconds:g} seconds: your code is stuck."]
    for thread, where, running in positions:
        never_waits = f"\n    and has run for {seconds:g} seconds without waiting" if running else ""
        lines.append(f"  {thread.name} is at {where}{never_waits}" if where else f"  {thread.name} is still running")
    if processes:
        lines.append(
            "It waits for the processes it started, and they are still at work: a function that never returns"
            " keeps its pool waiting for ever."
        )
    else:
        lines.append("A thread caught in a loop that never ends holds up everyone who waits for it.")
    return "\n".join(lines)


def deadlock_lesson(run, waits, finished):
    """Every thread of the run waits, and none of the waits can end; `finished` are the threads that ended."""
    order = [run.caller, *run.started_threads]
    waits = sorted(waits, key=lambda wait: order.index(wait.thread) if wait.thread in order else len(order))
    names = _listed([wait.thread.name for wait in waits])
    lines = [
        f"{run.function} can never finish: {names} {'waits' if len(waits) == 1 else 'all wait'},"
        " and nothing is left that could end the wait."
    ]
    for wait in waits:
        lines.append(f"  {wait.thread.name} waits" + (f" at\n    {wait.where}" if wait.where else ""))
        lines.append(f"  {_waits_for(wait, finished)}")
    in_get = _stuck_in_get(run, waits, finished)
    if in_get:
        lines.append(in_get)
    elif any(getattr(wait.on, "made_for", None) in ("Semaphore", "BoundedSemaphore") for wait in waits):
        lines.append(
            "A place taken from a semaphore must be given back: every acquire() needs its release(), even when"
            " the work raises. `with limit:` gives the place back at the end of the block, even on an error."
        )
    elif any(wait.kind == Waiting.LOCK and _held_for_good(wait.on, waits, finished) for wait in waits):
        lines.append(
            "A lock that is taken must be given back: every acquire() needs its release()."
            " `with lock:` takes the lock and gives it back at the end of the block, even on an error."
        )
    elif any(_waits_for_a_lock_held_by_a_waiter(wait, waits) for wait in waits):
        lines.append(f"Threads that each hold a lock and wait for another's are stuck for good.\n{_ONE_ORDER}")
    else:
        lines.append("That is a deadlock: find the wait that nobody can end, and make sure someone does.")
    return "\n".join(lines)


_ONE_ORDER = (
    "Take locks in one order everywhere: decide which lock comes first (sort them, by a number of"
    " your own), and take them in that order in every thread."
)


def _waits_for_a_lock_held_by_a_waiter(wait, waits):
    return wait.kind == Waiting.LOCK and any(
        other.kind == Waiting.LOCK and other.thread is wait.on.owner and other.thread is not wait.thread
        for other in waits
    )


def _held_for_good(lock, waits, finished):
    return lock.owner in finished or any(wait.thread is lock.owner and wait.on is lock for wait in waits)


def _waits_for(wait, finished):
    if wait.kind == Waiting.JOIN:
        return f"for {wait.on.name} to end."
    made = _named(wait.on)
    if wait.kind == Waiting.LOCK:
        lock = wait.on
        taken = f" at line {lock.taken_at.line}" if lock.taken_at else ""
        if lock.owner is wait.thread:
            return (
                f"for {made}, which it took itself{taken} and never released:"
                f" a {lock.kind} cannot be taken twice, not even by the thread that holds it."
            )
        if lock.owner in finished:
            return f"for {made}, which {lock.owner.name} took{taken} and never released before it ended."
        return f"for {made}, which {lock.owner.name} took{taken} and holds."
    what = wait.on.made_for
    if isinstance(wait.on.owner, queue.Queue):
        return _waits_on_a_queue(wait, made)
    if what == "Event":
        return f"for {made} to be set, and nothing is left to set it."
    if what in ("Semaphore", "BoundedSemaphore"):
        return f"for {made}, and nothing is left to release it."
    if what == "Barrier":
        return f"at {made}, for threads that will never come."
    return f"on {made}, and nothing is left to notify it."


def _named(primitive):
    """`lock` for a lock made by `lock = threading.Lock()`, else what it is and where it was made."""
    kind = getattr(primitive, "made_for", primitive.kind)
    where = primitive.made_at
    if where is None:
        return f"a {kind}"
    name = re.match(r"([\w.]+)\s*=", where.source)
    return (
        f"`{name.group(1)}` (the {kind} made at line {where.line})" if name else f"the {kind} made at line {where.line}"
    )


# === Part 2: beyond the lesson ===============================================================
# The wording of the part-two katas' checks, kept apart from part one's so that the two can be
# read (and later split by topic) on their own.

# --- kata 07: workers and a queue -------------------------------------------------------------


def _waits_on_a_queue(wait, made):
    """What a thread waits for on one of a queue.Queue's conditions, for the deadlock lesson."""
    owner = wait.on.owner
    if wait.on is owner.not_empty:
        return f"in get() for an item from {made}, which is empty, and nothing is left to put one in."
    if wait.on is owner.not_full:
        return f"in put() for room in {made}, which is full, and nothing is left to take an item out."
    return f"in join() of {made}, for task_done() calls that nothing is left to make."


def _stuck_in_get(run, waits, finished):
    """The closing line of a deadlock in which threads wait in a queue's get(), if any do."""
    getting = [wait for wait in waits if _is_a_get(wait)]
    if not getting:
        return None
    ended = [thread.name for thread in run.started_threads if thread in finished]
    line = ""
    if ended:
        line = (
            f"{_listed(ended)} {'has' if len(ended) == 1 else 'have'} ended, while"
            f" {_listed([wait.thread.name for wait in getting])} still"
            f" {'waits' if len(getting) == 1 else 'wait'} in get(). "
        )
    return line + (
        "get() waits until there is an item to take, so once nothing more will be put in, it waits for ever."
        " Take out only as many items as were put in. To stop workers, put one sentinel per worker after"
        " the jobs (a worker stops at the one it takes, and that one is gone), or on Python 3.13+ call"
        " shutdown() on the queue: get() then raises queue.ShutDown once it is empty."
    )


def _is_a_get(wait):
    owner = getattr(wait.on, "owner", None)
    return isinstance(owner, queue.Queue) and wait.on is owner.not_empty


def expect_results(run, expected):
    """The function returned `expected`, a dict {job: what work(job) returned}."""
    late = next((call for call in run.calls if call.end is None or call.end.seq > run.returned.seq), None)
    if late is not None:
        where, message = _not_waited_for(run, late)
        fail_with_picture(run, message + "\nThe results it returned were not all there yet.", where)
    got = run.value
    if got == expected:
        return
    if not isinstance(got, dict):
        fail(
            f"{run.function} returned {got!r}; return the results in a dict, {{job: what work(job) returned}}."
            + run.its_code,
            run.defined,
        )
    missing = [job for job in expected if job not in got]
    if missing:
        fail(
            f"{run.function} returned the results of {len(expected) - len(missing)} of the {len(expected)} jobs;"
            f" {_listed(missing)} {'is' if len(missing) == 1 else 'are'} missing. Every job's result goes in:"
            " results[job] = work(job)." + run.its_code,
            run.defined,
        )
    extra = [job for job in got if job not in expected]
    if extra:
        fail(
            f"{run.function} returned results for {_listed(list(map(repr, extra)))}, which"
            f" {'is' if len(extra) == 1 else 'are'} not among the jobs it was given." + run.its_code,
            run.defined,
        )
    wrong = next(job for job in expected if got.get(job) != expected[job])
    fail(
        f"{run.function} returned {got[wrong]!r} for {wrong!r}; work({wrong!r}) returned {expected[wrong]!r}."
        + run.its_code,
        run.defined,
    )


def expect_shared_by_workers(run, jobs, workers):
    """Every job ran once, none in the calling thread, in at most `workers` threads."""
    expect_later_jobs_taken(run, jobs)
    stray = next((call for call in run.calls if call.label not in jobs), None)
    if stray is not None:
        fail_with_picture(
            run,
            f"work() was called with {stray.label}, which is not a job:\n  {stray.begin.where}\nA worker that takes"
            " the sentinel from the queue should stop there, before it calls work().",
            stray.begin.where,
        )
    for job in jobs:
        calls = run.calls_of(job)
        if len(calls) > 1:
            threads = _listed([call.thread.name for call in calls])
            fail_with_picture(
                run,
                f"{job} was done {_times(len(calls))}, by {threads}: each job is for one worker only. get() hands"
                " each item to one thread, and takes it out of the queue.",
                calls[1].begin.where,
            )
        if calls[0].thread is run.caller:
            fail_with_picture(
                run,
                f"{job} was done in {run.caller.name}, the thread that runs {run.function}:\n"
                f"  {calls[0].begin.where}\nLeave the jobs to the workers: put them in the queue, and let the"
                " workers take them out with get().",
                calls[0].begin.where,
            )
    started = run.of(Kind.START)
    if len(started) > workers:
        fail_with_picture(
            run,
            f"{run.function} started {len(started)} threads"
            f"{', one per job' if len(started) == len(jobs) else ''}, for workers={workers}, at\n"
            f"  {started[-1].where}\n"
            f"Start {workers} workers, no more, and let them share the jobs: each takes the next job from the"
            " queue when it is done with one.",
            started[-1].where,
        )


def expect_workers_at_once(run, jobs, workers):
    """At some moment on the clock, `workers` jobs were being done at once."""
    running, most = 0, 0
    for event in run.events:
        if event.kind in (Kind.BEGIN, Kind.END) and event.label in jobs:
            running += 1 if event.kind == Kind.BEGIN else -1
            most = max(most, running)
    if most >= workers:
        return
    threads = {call.thread for call in run.calls if call.label in jobs}
    said = f"only {most} at a time" if most > 1 else "one at a time"
    fail_with_picture(
        run,
        f"{run.function} did the jobs {said}, in {len(threads)}"
        f" thread{'s' if len(threads) != 1 else ''}: with {len(jobs)} jobs waiting, {workers} workers should"
        f" be busy at once. Start all {workers} workers before you wait for any of them.",
        run.defined,
    )


def expect_later_jobs_taken(run, jobs):
    """Every job was done, the ones that came after the workers found the queue empty too."""
    missed = [job for job in jobs if not run.calls_of(job)]
    if not missed:
        _expect_begun_as_they_came(run, jobs)
        return
    job = missed[0]
    came = next((event for event in run.of(Kind.CAME) if event.label == job), None)
    workers = run.started_threads
    if not workers:
        fail(f"{run.function} never did {job}: every job goes to the workers, once." + run.its_code, run.defined)
    message = f"{job} came at {_seconds(came.at)}, and nobody ever did it" if came else f"Nobody ever did {job}"
    given = run.given.get(workers[0])
    defined = given and run.defined and defined_in(given.target, run.defined.path)
    ended = [call.end.at for call in run.calls if call.end is not None]
    if came and ended and all(_ended_before(run, thread, came) for thread in workers):
        message += f": every worker had done its last job by then (the last at {_seconds(max(ended))})"
    message += "."
    polled = [event for event in run.of(Kind.POLLED) if event.thread is not run.caller]
    if polled:
        asked = polled[-1]
        message += (
            f"\n  {asked.where}\nasks the queue {asked.text}, and it said {asked.label} at {_seconds(asked.at)}:"
            f" that tells what is true now, not that no more jobs will come."
        )
    elif defined:
        message += f"\nThe workers run\n  {defined}\nand ended without calling work({job!r})."
    message += (
        "\nLet the workers wait in get() for the next job, call work() on each, and stop only when told to:"
        " by a sentinel, one per worker, put after the last job (or, on Python 3.13+, the queue's shutdown())."
    )
    fail_with_picture(run, message, polled[-1].where if polled else defined or run.defined)


def _expect_begun_as_they_came(run, jobs):
    """Each job that came while a worker was free was begun at once."""
    for event in run.of(Kind.CAME):
        call = next((call for call in run.calls_of(event.label) if event.label in jobs), None)
        if call is None or call.begin.at <= event.at:
            continue
        started = run.of(Kind.START)
        message = f"{event.label} came at {_seconds(event.at)}, yet its work began only at {_seconds(call.begin.at)}."
        if started and started[0].seq > event.seq:
            message += f" The first worker was started only after it came, at\n  {started[0].where}\n"
        else:
            message += "\n"
        message += (
            "Start the workers first, and put each job in the queue as it comes: a worker waiting in get()"
            " takes it at once."
        )
        fail_with_picture(run, message, started[0].where if started else run.defined)


def _ended_before(run, thread, event):
    """Had `thread` run its last job before `event`?"""
    return all(call.end is not None and call.end.seq < event.seq for call in run.calls if call.thread is thread)


def expect_workers_stopped_and_joined(run):
    """Every thread the function started had ended, and been joined, before it returned."""
    waiting = {wait.thread: wait for wait in run.left_waiting}
    for thread in run.started_threads:
        wait = waiting.get(thread)
        if wait is not None:
            where = f" at\n  {wait.where}\n" if wait.where else " "
            on = _waits_on_a_queue(wait, _named(wait.on)) if _is_a_get(wait) else "and nothing will end the wait."
            fail_with_picture(
                run,
                f"{run.function} returned while {thread.name} still waits{where}{on}\nA worker left waiting never"
                " ends. Tell every worker to stop (one sentinel each, after the jobs, or on Python 3.13+ the"
                " queue's shutdown()), then join() every worker before you return.",
                wait.where,
            )
        joined = [e for e in run.of(Kind.JOINED) if e.other is thread and e.ended and e.seq < run.returned.seq]
        if not joined:
            started = next(e for e in run.of(Kind.START) if e.other is thread)
            fail_with_picture(
                run,
                f"Nothing joins {thread.name}, started at\n  {started.where}\n{run.function} should wait for"
                " every worker to end before it returns: keep the workers in a list and call join() on each,"
                " after telling them to stop.",
                started.where,
            )


# --- kata 08: stop a thread when told ---------------------------------------------------------


def expect_beats_in_the_background(run, every, until):
    """start_beating() returned at once, and a thread of its own called beat() at 0 s and then every
    `every` seconds, up to `until`, when the program asked it to stop."""
    beats = run.calls_of("beat")
    here = next((call for call in beats if call.thread is run.caller), None)
    if here is not None:
        fail_with_picture(
            run,
            f"beat() ran in {run.caller.name}, the program's own thread:\n  {here.begin.where}\nstart_beating()"
            " should start a thread that beats, and return at once, so that the program goes on with its work.",
            here.begin.where,
        )
    started = run.of(Kind.START)
    if not started:
        fail("start_beating() started no thread: make a threading.Thread that beats, and start() it.")
    if not beats:
        fail_with_picture(run, f"The thread started at\n  {started[0].where}\nnever called beat().", started[0].where)
    came = [call.begin.at for call in beats if call.begin.at <= until]
    expected = [step * every for step in range(int(until // every) + 1)]
    if came != expected:
        fail_with_picture(
            run,
            f"The beats came at {_listed([_seconds(at) for at in came])}; with every={every} they should come at"
            f" {_listed([_seconds(at) for at in expected])}: one right away, then one every {every} seconds,"
            f" until the program asks the thread to stop at {_seconds(until)}. The thread beats at\n"
            f"  {beats[0].begin.where}",
            beats[0].begin.where,
        )


def expect_stopped_at_once(run, asked_at):
    """stop_beating(), called at `asked_at` while the thread waited between beats, returned at once."""
    if run.returned.at <= asked_at:
        return
    late = run.returned.at - asked_at
    message = (
        f"stop_beating() was called at {_seconds(asked_at)}, but returned only at {_seconds(run.returned.at)},"
        f" {_seconds(late)} later."
    )
    slept = [
        event
        for event in run.of(Kind.SLEEP)
        if event.thread is not run.caller and event.at <= asked_at and event.at + float(event.text) > asked_at
    ]
    if slept:
        sleep = slept[-1]
        message += (
            f" {sleep.thread.name} was asleep in\n  {sleep.where}\nsince {_seconds(sleep.at)}, and saw that it"
            " was asked to stop only when the sleep was over. Wait between beats with stop.wait(every) instead:"
            " it waits as long, and returns the moment another thread calls stop.set()."
        )
        fail_with_picture(run, message, sleep.where)
    fail_with_picture(
        run,
        message + " The thread was waiting between beats: let its wait end the moment it is asked to stop"
        " (stop.wait(every), and stop.set() in stop_beating()).",
    )


def expect_stopped_and_joined(run):
    """No beat began after stop_beating() returned, and every thread had ended and been joined by then."""
    after = next((call for call in run.calls_of("beat") if call.begin.seq > run.returned.seq), None)
    for start in run.of(Kind.START):
        thread = start.other
        if _joined(run, thread):
            continue
        if after is not None and after.thread is thread:
            message = (
                f"A beat began at {_seconds(after.begin.at)}, after stop_beating() had returned at"
                f" {_seconds(run.returned.at)}: {thread.name}, started at\n  {start.where}\nwas never told to"
                " stop."
            )
            if start.label == "daemon":
                message += f"\n{_DAEMON}"
            fail_with_picture(run, message + "\n" + _TELL_AND_JOIN, start.where)
        fail_with_picture(
            run,
            f"Nothing joins {thread.name}, started at\n  {start.where}\nstop_beating() returned at"
            f" {_seconds(run.returned.at)} without waiting for it to end, so the program cannot know it has."
            + (f"\n{_DAEMON}" if start.label == "daemon" else "")
            + "\nCall join() on the thread after telling it to stop.",
            start.where,
        )


def expect_no_beat_cut_off(run):
    """No beat was still going on when stop_beating() returned."""
    cut = next((call for call in run.calls_of("beat") if call.begin.seq < run.returned.seq < call.ends_at_seq), None)
    if cut is None:
        return
    start = next((event for event in run.of(Kind.START) if event.other is cut.thread), None)
    if start is not None and start.label == "daemon" and not _joined(run, cut.thread):
        fail_with_picture(
            run,
            f"stop_beating() returned at {_seconds(run.returned.at)}, and the program ended, in the middle of a"
            f" beat (it ran from {_seconds(cut.begin.at)} to {_seconds(cut.ends_at)}); {cut.thread.name}, started"
            f" at\n  {start.where}\nis a daemon. {_DAEMON}\n{_TELL_AND_JOIN}",
            start.where,
        )
    where, message = _not_waited_for(run, cut)
    fail_with_picture(run, message, where)


def _joined(run, thread):
    return any(event.other is thread and event.ended and event.seq < run.returned.seq for event in run.of(Kind.JOINED))


_DAEMON = (
    "daemon=True does not stop a thread: it lets the program end without waiting for it, and the thread is"
    " then killed wherever it is, in the middle of a beat maybe."
)
_TELL_AND_JOIN = (
    "Tell the thread to stop (an Event that stop_beating() sets, and the thread checks between beats), then join() it."
)


# --- kata 09: futures and their errors --------------------------------------------------------


def catch_each_result(error):
    """For watch.run(explain_error=...): what to do about an error one of the fetches raised."""
    if not isinstance(error, ConnectionError):
        return None
    if _raised_by_a_future(error):
        return (
            "That is the error one fetch raised, and it stopped everything: future.result() raises the"
            " task's error again in the thread that asks. Catch it around each result() (try: ... except"
            " Exception as error:), keep it in errors under its name, and go on with the others."
        )
    return (
        "That is the error one fetch raised, and it stopped everything. Run the fetches in a pool and catch"
        " each one's error where you collect its result: future.result() raises the task's error again in the"
        " thread that asks. Keep it in errors under its name, and go on with the others."
    )


def _raised_by_a_future(error):
    traceback = error.__traceback__
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_name in ("result", "result_iterator") and "concurrent" in code.co_filename:
            return True
        traceback = traceback.tb_next
    return False


def expect_pages_and_errors(run, names, failing):
    """The function returned (pages, errors): a page for each name whose fetch worked, and the error
    itself for each name in `failing`."""
    value = run.value
    if not (isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(part, dict) for part in value)):
        fail(
            f"{run.function} returned {value!r}; return (pages, errors), two dicts: {{name: page}} and"
            f" {{name: the error its fetch raised}}.{run.its_code}",
            run.defined,
        )
    pages, errors = value
    worked = [name for name in names if name not in failing]
    wrong = next((name for name in failing if name in pages), None)
    if wrong is not None:
        fail(
            f"pages has {wrong!r}: {pages[wrong]!r}, but its fetch raised an error. Leave it out of pages,"
            f" and put its error in errors.{run.its_code}",
            run.defined,
        )
    missing = [name for name in worked if name not in pages]
    if missing:
        first_error = min((names.index(name) for name in failing), default=len(names))
        message = f"pages has no page for {_listed(missing)}, though {'its' if len(missing) == 1 else 'their'} fetch"
        message += " worked."
        if failing and all(names.index(name) > first_error for name in missing):
            message += (
                f" They come after {names[first_error]}, whose fetch raised: one try around the whole loop stops"
                " at the first error, and the results after it are lost. Put the try around each result()."
            )
        fail(message + run.its_code, run.defined)
    for name in worked:
        if pages[name] != f"page of {name}":
            fail(
                f"pages[{name!r}] is {pages[name]!r}; fetch({name!r}) returned {f'page of {name}'!r}.{run.its_code}",
                run.defined,
            )
    unknown = [name for name in errors if name not in failing]
    if unknown:
        fail(
            f"errors has {_listed(list(map(repr, unknown)))}, whose fetch raised nothing. Put in errors only the"
            f" names whose fetch raised.{run.its_code}",
            run.defined,
        )
    for name in failing:
        if name not in errors:
            fail(
                f"errors has nothing for {name!r}, whose fetch raised ConnectionError('{name}: no answer'). Catch"
                f" the error around its result(), and keep it: errors[name] = error.{run.its_code}",
                run.defined,
            )
        if not isinstance(errors[name], ConnectionError):
            fail(
                f"errors[{name!r}] is {errors[name]!r}, a {type(errors[name]).__name__}; keep the error itself,"
                " the ConnectionError its fetch raised: except Exception as error: errors[name] = error."
                + run.its_code,
                run.defined,
            )


def expect_in_the_order_of_names(run, names):
    """pages and errors list their names in the order of `names`."""
    for what, found in zip(("pages", "errors"), run.value, strict=True):
        expected = [name for name in names if name in found]
        if list(found) != expected:
            fail(
                f"{what} lists the names as {', '.join(found)}, the order the fetches finished in; list them in"
                f" the order of names: {', '.join(expected)}. Keep the futures in a dict by name (or a list), in"
                " the order of names, and read their results from it: as_completed() gives them in the order"
                f" they finish.{run.its_code}",
                run.defined,
            )


# --- kata 12: at most N at once, with a Semaphore -----------------------------------------------


def expect_downloaded_once_each(run, files, failing):
    """Every file was downloaded once, in a thread other than the caller's, and the function returned
    {file: what download(file) returned}, with the OSError itself for each file in `failing`."""
    for file in files:
        calls = run.calls_of(file)
        if not calls:
            fail(f"{run.function} never downloaded {file}." + run.its_code, run.defined)
        if len(calls) > 1:
            fail_with_picture(run, f"{file} was downloaded {_times(len(calls))}; once is enough.", calls[1].begin.where)
        if calls[0].thread is run.caller:
            fail_with_picture(run, _ran_in_caller(run, calls[0]), calls[0].begin.where)
    results = run.value
    if not isinstance(results, dict):
        fail(f"{run.function} returned {results!r}; return {{file: what download(file) returned}}." + run.its_code)
    for file in files:
        got = results.get(file, "nothing")
        if file in failing:
            if not isinstance(got, OSError):
                fail(
                    f"{run.function} gives {got!r} for {file}, whose download raised OSError('{file}: connection"
                    " reset'). Catch it in the thread (except OSError as error:) and make the error itself"
                    f" the file's result.{run.its_code}",
                    run.defined,
                )
        elif got != f"saved {file}":
            fail(
                f"{run.function} gives {got!r} for {file}; download({file!r}) returned {f'saved {file}'!r}."
                + run.its_code,
                run.defined,
            )


def _running_over_time(run, files):
    """[(time, the labels running from then on)] at every begin and end of a download, in order."""
    running, moments = [], []
    for event in run.events:
        if event.kind in (Kind.BEGIN, Kind.END) and event.label in files:
            if event.kind == Kind.BEGIN:
                running.append(event.label)
            else:
                running.remove(event.label)
            moments.append((event.at, list(running)))
    return moments


def expect_at_most_at_once(run, files, at_most):
    """Never more than `at_most` downloads at one moment on the clock."""
    at, running = max(_running_over_time(run, files), key=lambda moment: len(moment[1]), default=(0, []))
    if len(running) <= at_most:
        return
    message = f"{len(running)} downloads ran at once at {_seconds(at)} ({_listed(running)}); at most {at_most} may."
    made = run.of(Kind.SEMAPHORE)
    places = {id(semaphore): getattr(semaphore, "_value", None) for semaphore, _ in run.semaphores}
    if len(made) > 1:
        message += (
            f"\n  {made[0].where}\nmakes a new {made[0].text} each time it runs ({len(made)} in this run): every"
            " thread takes a place in one of its own, so nobody ever waits. Make one semaphore, before the"
            " threads start, and let them all share it."
        )
    elif made:
        semaphore, where = run.semaphores[0]
        size = places[id(semaphore)]
        message += f"\n  {where}\nmakes the semaphore"
        message += (
            f" with {size} places; give it at_most places: threading.Semaphore(at_most)."
            if size is not None and size != at_most
            else ", but not every download takes a place in it: put `with limit:` around the download."
        )
    else:
        message += (
            f"\nNothing limits them: make one threading.Semaphore(at_most), and let each thread take a place"
            f" in it (with limit:) around its download.{run.its_code}"
        )
    fail_with_picture(run, message, made[0].where if made else run.defined)


def expect_no_place_left_empty(run, files, at_most):
    """Whenever fewer than `at_most` downloads ran, no file was left waiting for a place."""
    begun = {call.label: call.begin.at for call in run.calls if call.label in files}
    moments = _running_over_time(run, files)
    for (at, running), (until, _) in zip(moments, moments[1:], strict=False):
        waiting = [file for file in files if begun.get(file, float("inf")) >= until > at]
        if len(running) >= at_most or not waiting:
            continue
        file = min(waiting, key=lambda name: begun[name])
        message = (
            f"From {_seconds(at)} to {_seconds(until)} only {len(running)} download{'s' if len(running) != 1 else ''}"
            f" ran, while {file} waited (it began at {_seconds(begun[file])}): a place stood empty."
        )
        locks = run.of(Kind.LOCK)
        started = next((e for e in run.of(Kind.START) if e.other is run.calls_of(file)[0].thread), None)
        join = next((e for e in run.of(Kind.JOIN) if e.thread is run.caller and started and e.seq < started.seq), None)
        if locks and not run.of(Kind.SEMAPHORE):
            where = locks[0].where
            message += (
                f"\n  {where}\nmakes a {locks[0].text}, which lets one thread in at a time. A"
                f" threading.Semaphore(at_most) lets {at_most} in: use one instead."
            )
        elif join is not None:
            where = join.where
            message += (
                f" Its thread was started only at {_seconds(started.at)}, after\n  {where}\nhad waited for"
                f" another thread to end. Start every thread at once, and let the semaphore hold them back: each"
                " takes a place the moment one is given back."
            )
        else:
            where = run.defined
            message += (
                " Each thread should take a place the moment one is given back: start every thread at once,"
                f" and let `with limit:` around the download do the waiting.{run.its_code}"
            )
        fail_with_picture(run, message, where)
