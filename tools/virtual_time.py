"""One virtual clock for the learner's threads: the examples run on it, and so does every kata test.

The learner's threads take turns, one at a time, in an order fixed by what they do rather than
by the machine: a thread runs until it waits (sleeps, joins, takes a lock somebody holds, waits
on a Condition, Event, Semaphore, Barrier or queue), then the next one whose wait is over goes
on. A started thread runs first, until it waits or ends; then start() returns. Time stands still
while any thread runs; when every thread waits, the clock jumps to the earliest time a wait
ends. So a program that sleeps for seconds runs in milliseconds, "before", "after" and "at the
same time" mean the same on every machine, and when every thread waits for another and nobody
for the clock, that is a deadlock, known at once.

    python -m tools.virtual_time katas/01_start_and_join/example.py
"""

import concurrent.futures
import contextlib
import queue
import runpy
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pytest

from tools.schedules import Delay

POLL = 0.05  # every change notifies; this only bounds a wait for a thread that ended in C

_THREAD_INIT = threading.Thread.__init__.__code__


class Waiting(StrEnum):
    """What a thread waits for."""

    START = "start"  # a thread it started, to run until that thread first waits or ends
    SLEEP = "sleep"
    JOIN = "join"  # a thread to end
    LOCK = "lock"  # a Lock or RLock another thread holds
    CONDITION = "condition"  # a notify(): Semaphore, Event, Barrier and the queues wait here too
    TURN = "turn"  # its turn to write shared state, while the other threads go first
    TASK = "task"  # a stand-in task's time to pass
    RUN = "run"  # a started thread, for its first turn
    POLL = "poll"  # a question only another thread can change the answer to: is_alive(), done(), ...
    DELAYED = "delayed"  # a thread passed over at a decision point, ready to go on


@dataclass(eq=False)
class Wait:
    """What a thread waits for, and until when on the clock."""

    thread: threading.Thread
    kind: Waiting
    on: object
    ready: object  # a callable: has the wait ended?
    deadline: float | None
    seq: int
    where: object
    priority: int = 1
    outcome: bool | None = None  # True: what it waited for happened; False: its time ran out
    began: float = 0.0  # on the clock
    asked_again_at: int | None = None  # for a poll: the turn at which the thread asked again, with nobody between

    def spinning(self, turns):
        """A thread asking the same again and again, while no other thread has had a turn."""
        return self.asked_again_at == turns


class Listener:
    """What the clock tells whoever watches the learner's threads; the examples need none of it."""

    daemon_threads = False

    def where(self, frame):
        return None

    def on_create(self, thread, arguments, frame):
        pass

    def on_start(self, thread):
        pass

    def on_join(self, thread, timeout):
        pass

    def on_joined(self, thread, ended):
        pass

    def on_asked(self, thread, alive, again):
        pass

    def on_polled(self, question, answer, again):
        pass

    def on_end(self, thread):
        pass

    def on_sleep(self, seconds):
        pass

    def on_waited(self, wait):
        pass

    def on_crash(self, thread, error):
        # What Python does with an exception that ends a thread: hand it to threading.excepthook,
        # which prints it (an example shows that it is lost there).
        threading.excepthook(threading.ExceptHookArgs((type(error), error, error.__traceback__, thread)))

    def on_made(self, primitive, frame):
        pass


@dataclass(eq=False)
class Clock:
    """Virtual time, and the one turn to run that the learner's threads pass between them."""

    listener: Listener = field(default_factory=Listener)
    learner_file: str | None = None
    now: float = 0.0
    deadlock: list | None = None  # the waits, when every thread waits for another and none for time
    stopping: bool = False  # the run is over: a thread still waiting ends there
    schedule: object = None  # a tools.schedules.Schedule to follow; None: the clock's own order
    # Every thread about to write shared state lets the others go first: every switch of threads
    # that a schedule could add is tried already, and only a pause or a start() is left to try.
    every_write_a_turn: bool = False

    def __post_init__(self):
        self.changed = threading.Condition()
        self._threads = set()  # the learner's threads that are still running their code
        self.finished = set()
        self.waits = {}
        self.running = None  # the one learner thread allowed to run now
        self._seq = 0
        self.turns = 0  # how often the turn has passed from one thread to another
        self.lock_order = LockOrder()
        self.run_number = 0
        self._last_to_run = None
        self._asked_at = {}  # thread -> the turn at which it last polled, and where it has polled since

    def begin(self, thread):
        """Start a new run on the clock, with `thread` as the learner's main thread."""
        with self.changed:
            self.now, self.deadlock, self.stopping = 0.0, None, False
            self._threads, self.finished, self.waits = {thread}, set(), {}
            self.running, self._asked_at, self._last_to_run = thread, {}, thread
            self.lock_order = LockOrder()
            self.run_number += 1

    def is_learner(self, thread=None):
        # Looked up, not threading.current_thread(): in a thread threading does not know, that makes a
        # _DummyThread, whose Event would ask here again, for ever.
        return (thread or threading._active.get(threading.get_ident())) in self._threads

    def knows(self, thread):
        return thread in self._threads or thread in self.finished

    def adopt(self, thread):
        with self.changed:
            self._threads.add(thread)

    def enter(self):
        """In a newly started thread: wait until start() hands it the turn."""
        me = threading.current_thread()
        with self.changed:
            while self.running is not me:
                self._give_up_if_stopping()
                self.changed.wait(POLL)
            self.waits.pop(me, None)

    def expect_first_turn(self, thread):
        """`thread` is about to start: until its first turn it is a thread ready to run."""
        with self.changed:
            self._seq += 1
            self.waits[thread] = Wait(thread, Waiting.RUN, None, _always, None, self._seq, None)

    def leave(self, thread=None):
        """`thread` has run its code to the end: pass the turn on."""
        thread = thread or threading.current_thread()
        with self.changed:
            self._threads.discard(thread)
            self.finished.add(thread)
            if self.running is thread:
                self.running = None
                self._dispatch()
            self.changed.notify_all()

    def wait(self, kind, on=None, ready=None, timeout=None, where=None, priority=1, hand_to=None, again=False):
        """Wait until `ready()` or until `timeout` seconds have passed on the clock; True if ready."""
        ready = ready or _never
        me = threading.current_thread()
        if me not in self._threads:
            return self._wait_outside(ready, timeout)
        with self.changed:
            self._seq += 1
            deadline = None if timeout is None else self.now + max(timeout, 0)
            wait = Wait(me, kind, on, ready, deadline, self._seq, where, priority, began=self.now)
            if again:
                wait.asked_again_at = self.turns
            elif kind != Waiting.POLL:
                self._asked_at.pop(me, None)  # it waited in between: asking again is not spinning
            self.waits[me] = wait
            if self.running is me:
                self.running = None
                if hand_to is None:
                    self._dispatch()
                else:
                    self._hand_turn(hand_to)
            self.changed.notify_all()
            try:
                while self.running is not me:
                    self._give_up_if_stopping()
                    self.changed.wait(POLL)
            finally:
                del self.waits[me]
        self.listener.on_waited(wait)
        return wait.outcome

    def _wait_outside(self, ready, timeout):
        # A thread that is not the learner's (or is left over from an earlier run) waits in real time.
        end = None if timeout is None else time.monotonic() + timeout
        with self.changed:
            while not ready():
                self._give_up_if_stopping()
                if end is not None and time.monotonic() >= end:
                    return False
                self.changed.wait(POLL)
        return True

    def _give_up_if_stopping(self):
        if self.stopping:
            raise SystemExit

    def _dispatch(self):
        """Hand the turn to the next thread: the first whose wait is over, else the first the clock wakes.
        Following a schedule, another ready thread may go first, or the clock may wake a thread while
        the ready ones stay paused."""
        if self.running is not None:
            return
        ready, timed, spinning = self._candidates()
        if ready:
            chosen = self._choose(ready, timed[:1], default=ready[0])
        elif timed:
            # A schedule may let the next wake-up come first: a task or a sleep may take longer than it says.
            chosen = self._choose([], timed[1:], default=None, delayed=timed[:1])
            if chosen is None:
                chosen = timed[0]
        elif spinning:
            chosen = spinning[0]  # nothing else can change what it asks about: it goes on asking
        else:
            if self._threads and all(thread in self.waits for thread in self._threads):
                self.deadlock = [wait for wait in self.waits.values() if wait.outcome is None]
            return
        self._end_wait(chosen)
        self._hand_turn(chosen.thread)

    def _candidates(self):
        """The waits that are over (clock's order first), the next two the clock can end, and the pollers."""
        pending = [wait for wait in self.waits.values() if wait.outcome is None and wait.thread in self._threads]
        spinning = [wait for wait in pending if wait.spinning(self.turns)]
        ready = sorted(
            (wait for wait in pending if wait.ready() and wait not in spinning),
            key=lambda wait: (wait.priority, wait.seq),
        )
        timed = sorted(
            (wait for wait in pending if wait.deadline is not None and wait not in ready),
            key=lambda wait: (wait.deadline, wait.seq),
        )
        return ready, timed[:2], spinning

    def _choose(self, ready, timed, default, delayed=()):
        """The wait to end next: `default`, unless the schedule delays it."""
        if self.schedule is None:
            return default
        passed_over = [default] if default is not None else list(delayed)
        others = [] if self.every_write_a_turn else [wait for wait in ready if wait is not default]
        delays = [Delay(_signature("first", passed_over, w), _went_first(passed_over, w)) for w in others]
        delays += [Delay(_signature("pause", passed_over, w), _paused(passed_over, w, self.now)) for w in timed]
        chosen = self.schedule.choose(delays) if delays else 0
        return default if chosen == 0 else [*others, *timed][chosen - 1]

    def _end_wait(self, wait):
        if wait.ready():
            wait.outcome = True
        else:
            self.now = max(self.now, wait.deadline)
            wait.outcome = False

    def _hand_turn(self, thread):
        if thread is not None and thread is not self._last_to_run:
            self.turns += 1
            self._last_to_run = thread
        self.running = thread
        self.changed.notify_all()

    def runs_first(self, thread, where=None):
        """At start(): does `thread` run first, as in the clock's own order, or does a schedule let
        the thread that started it go on while it waits for its first turn?"""
        if self.schedule is None:
            return True

        def describe():
            at = f" at\n    {where}" if where else ""
            return f"start(){at}\n  returned before {thread.name} began to run"

        return self.schedule.choose([Delay(("start", where and where.line), describe)]) == 0

    def decide(self, where=None):
        """A point where another thread could go first (a lock about to be taken, a question asked,
        a thread started): in the clock's own order the running thread goes on; a schedule may
        pause it here, ready to go on, while another thread runs or the clock moves."""
        me = threading.current_thread()
        if self.schedule is None or self.running is not me or me not in self._threads:
            return
        with self.changed:
            ready, timed, _ = self._candidates()
            here = Wait(me, Waiting.DELAYED, None, _always, None, self._seq, where)
            chosen = self._choose(ready, timed[:1], default=None, delayed=[here])
            if chosen is None:
                return
            self._end_wait(chosen)
            self.wait(Waiting.DELAYED, None, _always, None, where, hand_to=chosen.thread)

    def poll(self, about, where=None):
        """The running thread asks what only another thread can change (is_alive(), done(), ...):
        those that can go on go first, and a thread that asks the same again, without a wait of its
        own or another thread's turn since, lets the clock move to the next wake-up, as time passes
        while it spins. True if it asked again so."""
        me = threading.current_thread()
        if self.running is not me or me not in self._threads:
            return False
        turns, asked = self._asked_at.get(me, (None, set()))
        if turns != self.turns:
            asked = set()
        question = (where, id(about))
        again = question in asked  # asked before, with no wait of its own and no other thread's turn since
        self.wait(Waiting.POLL, about, _always, None, where, again=again)
        self._asked_at[me] = (self.turns, asked | {question})
        return again

    def follow(self, real_seconds):
        """In the test's own thread: wait until the learner's threads have all ended ("done"), every
        one of them waits for another ("deadlock"), or `real_seconds` have passed ("stuck")."""
        end = time.monotonic() + real_seconds
        with self.changed:
            while True:
                if not self._threads:
                    return "done"
                if self.deadlock is not None:
                    return "deadlock"
                if time.monotonic() >= end:
                    return "stuck"
                self.changed.wait(min(POLL, max(end - time.monotonic(), 0)))

    def stop(self):
        """End the run: a learner thread still inside one of the clock's waits raises SystemExit."""
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def learner_made(self, frame):
        """Is a lock or condition made at `frame` the learner's, to be run on the clock?

        Not when `threading` makes it for a Thread of its own, nor when a module the learner's code
        imports makes it at import: those serve every run, not this one."""
        if not self.is_learner():
            return False
        while frame is not None:
            code = frame.f_code
            if code is _THREAD_INIT:
                return False
            if code.co_name == "<module>":
                return code.co_filename == self.learner_file
            frame = frame.f_back
        return True


def _never():
    return False


def _asked(clock, about, question, frame, ask):
    """The learner's code asks `question` of `about`, whose answer only another thread can change: `ask()`."""
    if frame.f_code.co_filename != clock.learner_file or not clock.is_learner():
        return ask()
    again = clock.poll(about, clock.listener.where(frame))
    answer = ask()
    clock.listener.on_polled(question, answer, again)
    return answer


def _signature(kind, passed_over, wait):
    return (kind, *((w.kind, w.where and w.where.line) for w in passed_over), wait.kind, wait.where and wait.where.line)


def _at(wait):
    if wait.kind == Waiting.RUN:
        return " before it began to run"
    return f" at\n    {wait.where}" if wait.where else ""


def _went_first(passed_over, wait):
    def describe():
        names = _listed_names(passed_over)
        return f"{names} paused{_at(passed_over[0])}\n  and {wait.thread.name} went first{_at(wait)}"

    return describe


def _paused(passed_over, wait, now):
    def describe():
        late = passed_over[0]
        if late.deadline is not None:
            return (
                f"{late.thread.name}'s {_what(late)}{_at(late)}\n  took longer than that:"
                f" it had not ended at {wait.deadline:g} s, when {wait.thread.name}'s {_what(wait)} ended{_at(wait)}"
            )
        return (
            f"{_listed_names(passed_over)} paused{_at(late)}\n  from {now:g} s until {wait.deadline:g} s,"
            f" while {wait.thread.name}'s {_what(wait)} ended{_at(wait)}"
        )

    return describe


def _what(wait):
    if wait.kind == Waiting.SLEEP:
        return f"sleep({wait.on:g})"
    if wait.kind == Waiting.TASK:
        return f"{wait.on} ({wait.deadline - wait.began:g} s)"
    return f"{wait.kind} wait"


def _listed_names(waits):
    return " and ".join(wait.thread.name for wait in waits) + (" was" if len(waits) == 1 else " were")


def _always():
    return True


class LockOrder:
    """Which lock each thread took while it held another, as Linux's lockdep records it: two threads
    that take the same locks in opposite orders can deadlock, whether or not this run did. Only the
    kata file's own Lock and RLock count; Condition, Event and queue waits do not (lockdep's tracking
    of those raised false alarms)."""

    def __init__(self):
        self.holding = {}  # thread -> the locks it holds, in the order it took them
        self.after = {}  # (first, then) -> {thread: (where it took first, where it took then)}

    def taken(self, lock, thread):
        held = self.holding.setdefault(thread, [])
        for first in held:
            self.after.setdefault((first, lock), {}).setdefault(thread, (first.taken_at, lock.taken_at))
        held.append(lock)

    def released(self, lock, thread):
        held = self.holding.get(thread, [])
        if lock in held:
            held.remove(lock)

    def inversion(self):
        """Two locks that one thread took in one order and another thread in the other, if any:
        (first, then, thread, where it took first, where it took then), and the same the other way round."""
        for (first, then), threads in self.after.items():
            for thread, (where_first, where_then) in threads.items():
                others = self.after.get((then, first), {})
                other = next((t for t in others if t is not thread), None)
                if other is not None:
                    return (first, then, thread, where_first, where_then), (then, first, other, *others[other])
        return None


class WatchedLock:
    """A Lock whose waits run on the clock. Whoever waits longest gets it next, so the order of
    turns is the same on every run."""

    kind = "Lock"

    def __init__(self, clock, made_at=None):
        self._clock = clock
        self.made_at = made_at
        self.owner = None
        self.taken_at = None  # (code, line) where the owner took it
        self._locked = False
        self._queue = deque()  # requests waiting, first come first served
        self.taken = 0
        self.refused = []  # where acquire(blocking=False) came back empty-handed
        self.ordered = False  # made by the kata file itself: its place in the order of locks is watched

    def acquire(self, blocking=True, timeout=-1):
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        caller = sys._getframe(1)
        if blocking and self.ordered:  # the kata file's own lock: a lock inside a library is its own business
            self._clock.decide(self._clock.listener.where(caller))
        if self._free_for_me():
            self._take(threading.current_thread(), caller)
            return True
        if not blocking:
            self.refused.append(self._clock.listener.where(caller))
            return False
        request = _Request(threading.current_thread(), caller)
        self._queue.append(request)
        where = self._clock.listener.where(caller)
        got = self._clock.wait(Waiting.LOCK, self, lambda: request.granted, None if timeout == -1 else timeout, where)
        if not got and not request.granted:
            self._queue.remove(request)
        return bool(got or request.granted)

    def _free_for_me(self):
        return not self._locked

    def _take(self, thread, frame):
        self._locked = True
        self.owner = thread
        self.taken_at = self._clock.listener.where(frame)
        self.taken += 1
        if self.ordered:
            self._clock.lock_order.taken(self, thread)

    def release(self):
        self._let_go()
        if self.ordered:  # the kata file's own lock: another thread may take it before this one goes on
            self._clock.decide(self._clock.listener.where(sys._getframe(1)))

    def _let_go(self):
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        self._hand_on()

    def _hand_on(self):
        if self.ordered:
            self._clock.lock_order.released(self, self.owner)
        if self._queue:
            request = self._queue.popleft()
            self._take(request.thread, request.frame)
            request.granted = True
        else:
            self._locked, self.owner = False, None

    def locked(self):
        return _asked(self._clock, self, "locked()", sys._getframe(1), lambda: self._locked)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    # What a Condition made on this lock needs of it.
    def _is_owned(self):
        return self._locked and self.owner is threading.current_thread()

    def _release_save(self):
        self._let_go()

    def _acquire_restore(self, saved):
        self.acquire()

    def __repr__(self):
        return f"<{'locked' if self._locked else 'unlocked'} {self.kind} on the virtual clock>"


class WatchedRLock(WatchedLock):
    """An RLock on the clock: its owner may take it again, and must give it back as often."""

    kind = "RLock"

    def __init__(self, clock, made_at=None):
        super().__init__(clock, made_at)
        self._count = 0

    def _free_for_me(self):
        return not self._locked or self.owner is threading.current_thread()

    def _take(self, thread, frame):
        if self.owner is thread:
            self._count += 1
            return
        super()._take(thread, frame)
        self._count = 1

    def _let_go(self):
        if self.owner is not threading.current_thread():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._hand_on()

    def _release_save(self):
        count, self._count = self._count, 1
        self._let_go()
        return count

    def _acquire_restore(self, count):
        self.acquire()
        self._count = count


@dataclass(eq=False)
class _Request:
    thread: threading.Thread
    frame: object
    granted: bool = False


@dataclass(eq=False)
class _Token:
    notified: bool = False


class WatchedCondition:
    """A Condition on the clock. Semaphore, Event, Barrier and the queues are built on Condition,
    so they run on the clock too."""

    kind = "Condition"

    def __init__(self, clock, lock=None, made_at=None, made_for="Condition"):
        self._clock = clock
        self._lock = lock if lock is not None else WatchedRLock(clock, made_at)
        self.made_at = made_at
        self.made_for = made_for
        self.owner = None
        self._waiters = deque()
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)

    def _is_owned(self):
        if hasattr(self._lock, "_is_owned"):
            return self._lock._is_owned()
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        token = _Token()
        self._waiters.append(token)
        saved = self._lock._release_save() if hasattr(self._lock, "_release_save") else self._lock.release()
        where = self._clock.listener.where(sys._getframe(1))
        try:
            return bool(self._clock.wait(Waiting.CONDITION, self, lambda: token.notified, timeout, where))
        finally:
            if hasattr(self._lock, "_acquire_restore"):
                self._lock._acquire_restore(saved)
            else:
                self._lock.acquire()
            if not token.notified:
                self._waiters.remove(token)

    def wait_for(self, predicate, timeout=None):
        end = None
        result = predicate()
        while not result:
            if timeout is not None:
                if end is None:
                    end = self._clock.now + timeout
                else:
                    timeout = end - self._clock.now
                    if timeout <= 0:
                        break
            self.wait(timeout)
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        for _ in range(min(n, len(self._waiters))):
            self._waiters.popleft().notified = True

    def notify_all(self):
        self.notify(len(self._waiters))

    notifyAll = notify_all  # noqa: N815 - threading's own old name


@contextlib.contextmanager
def on_the_clock(clock):
    """Patch `threading`, `time` and `queue` so that the learner's threads run on `clock`."""
    listener = clock.listener
    original_init, original_start, original_join, original_is_alive = (
        threading.Thread.__init__,
        threading.Thread.start,
        threading.Thread.join,
        threading.Thread.is_alive,
    )
    originals = {
        "Lock": threading.Lock,
        "RLock": threading.RLock,
        "Condition": threading.Condition,
        "_time": threading._time,
        "_newname": threading._newname,
        "sleep": time.sleep,
    }

    def init(thread, *args, **kwargs):
        original_init(thread, *args, **kwargs)
        listener.on_create(thread, (args, kwargs), sys._getframe(1))

    def start(thread):
        if not clock.is_learner() or thread.ident is not None:  # a second start() fails as Thread's own does
            return original_start(thread)
        listener.on_start(thread)
        if listener.daemon_threads:
            # A thread left running must not keep pytest (and ptw's run, or VS Code's) from ending.
            thread.daemon = True
        thread.run = _in_turns(clock, thread, thread.run)
        clock.adopt(thread)
        clock.expect_first_turn(thread)
        original_start(thread)
        where = listener.where(sys._getframe(1))
        if clock.runs_first(thread, where):
            clock.wait(Waiting.START, thread, _always, where=where, priority=0, hand_to=thread)
        if thread in clock.finished:
            original_join(thread)  # it ended before start() returned: is_alive() says so from here on

    def join(thread, timeout=None):
        if not clock.is_learner() or not clock.knows(thread):
            return original_join(thread, timeout)
        original_join(thread, 0)  # raises as Thread.join does, for a thread never started or the current one
        listener.on_join(thread, timeout)
        where = listener.where(sys._getframe(1))
        ended = clock.wait(Waiting.JOIN, thread, lambda: thread in clock.finished, timeout, where)
        if ended:
            original_join(thread)  # its last steps, in C, so that is_alive() is False from here on
        listener.on_joined(thread, ended)
        return None

    def is_alive(thread):
        if not clock.is_learner() or thread is threading.current_thread():
            return original_is_alive(thread)
        # Asked before start() too: what it said then is what the learner's code saw.
        again = clock.poll(thread, listener.where(sys._getframe(1))) if clock.knows(thread) else False
        if thread in clock.finished:
            original_join(thread)  # its last steps, in C: the answer is the clock's, not the machine's timing
        alive = original_is_alive(thread)
        listener.on_asked(thread, alive, again)
        return alive

    def polled(owner, name):
        original = getattr(owner, name)

        def ask(self, *args, **kwargs):
            return _asked(clock, self, f"{name}()", sys._getframe(1), lambda: original(self, *args, **kwargs))

        return owner, name, ask

    def sleep(seconds):
        if not clock.is_learner():
            return originals["sleep"](seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        listener.on_sleep(seconds)
        clock.wait(Waiting.SLEEP, seconds, None, seconds, listener.where(sys._getframe(1)))
        return None

    names = {}

    def new_name(name_template="Thread-%d"):
        # The learner's threads are numbered from 1 in every run, so lessons name the same threads on every run.
        if not clock.is_learner():
            return originals["_newname"](name_template)
        if names.get("run") is not clock.run_number:
            names.update(run=clock.run_number, count=0)
        names["count"] += 1
        return name_template % names["count"]

    def virtual_time():
        return clock.now if clock.is_learner() else originals["_time"]()

    def made(kind, make_own, make_original):
        def make(*args, **kwargs):
            frame = sys._getframe(1)
            if not clock.learner_made(frame):
                return make_original(*args, **kwargs)
            primitive = make_own(frame, *args, **kwargs)
            listener.on_made(primitive, frame)
            return primitive

        make.__name__ = kind
        return make

    def made_for(frame):
        owner = frame.f_locals.get("self")
        return type(owner).__name__ if owner is not None and frame.f_code.co_filename != clock.learner_file else None

    def condition(frame, lock=None):
        where = listener.where(frame)
        made = WatchedCondition(clock, lock, where, made_for(frame) or "Condition")
        if made.made_for != "Condition":
            made.owner = frame.f_locals["self"]  # the Queue, Event, ... it serves: which of its conditions it is
        return made

    hooks = {
        "threading.Thread.__init__": (threading.Thread, "__init__", init),
        "threading.Thread.start": (threading.Thread, "start", start),
        "threading.Thread.join": (threading.Thread, "join", join),
        "threading.Thread.is_alive": (threading.Thread, "is_alive", is_alive),
        "threading.Lock": (
            threading,
            "Lock",
            made("Lock", lambda f: WatchedLock(clock, listener.where(f)), originals["Lock"]),
        ),
        "threading.RLock": (
            threading,
            "RLock",
            made("RLock", lambda f: WatchedRLock(clock, listener.where(f)), originals["RLock"]),
        ),
        "threading.Condition": (threading, "Condition", made("Condition", condition, originals["Condition"])),
        "threading._time": (threading, "_time", virtual_time),
        # The queues time their get(timeout=...) and put(timeout=...) with a monotonic() of their own.
        "queue.time": (queue, "time", virtual_time),
        "threading._newname": (threading, "_newname", new_name),
        "time.sleep": (time, "sleep", sleep),
        # The C SimpleQueue blocks where the clock cannot see it (a ThreadPoolExecutor's idle workers do).
        "queue.SimpleQueue": (queue, "SimpleQueue", queue._PySimpleQueue),
        # Questions that only another thread can change the answer to: asking is a chance for it to run.
        "concurrent.futures.Future.done": polled(concurrent.futures.Future, "done"),
        "threading.Event.is_set": polled(threading.Event, "is_set"),
        "queue.Queue.empty": polled(queue.Queue, "empty"),
        "queue.Queue.qsize": polled(queue.Queue, "qsize"),
        "queue.Queue.full": polled(queue.Queue, "full"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for owner, attribute, hook in hooks.values():
            patch.setattr(owner, attribute, hook)
        yield hooks


def _in_turns(clock, thread, run):
    """`run`, taking its turns on the clock in `thread`, and telling the clock when it has ended."""

    def run_in_turns():
        if threading.current_thread() is not thread:  # t.run() called by the learner: no new thread
            return run()
        try:
            clock.enter()
            run()
        except SystemExit:
            pass
        except BaseException as error:  # noqa: BLE001 - an exception ends the thread it happens in, whatever it is
            clock.listener.on_crash(thread, error)
        finally:
            if not clock.stopping:
                clock.listener.on_end(thread)
            clock.leave(thread)
        return None

    run_in_turns.__wrapped__ = run
    return run_in_turns


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    clock = Clock(learner_file=str(Path(argv[0]).resolve()))
    me = threading.current_thread()
    sys.argv = argv
    with on_the_clock(clock):
        clock.begin(me)
        try:
            runpy.run_path(clock.learner_file, run_name="__main__")
        finally:
            clock.leave(me)
        # The program ends once its other threads have: they run on the clock, so wait for them here.
        clock.follow(real_seconds=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
