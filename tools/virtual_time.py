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

    def on_asked(self, thread):
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

    def __post_init__(self):
        self.changed = threading.Condition()
        self._threads = set()  # the learner's threads that are still running their code
        self.finished = set()
        self.waits = {}
        self.running = None  # the one learner thread allowed to run now
        self._seq = 0

    def begin(self, thread):
        """Start a new run on the clock, with `thread` as the learner's main thread."""
        with self.changed:
            self.now, self.deadlock, self.stopping = 0.0, None, False
            self._threads, self.finished, self.waits = {thread}, set(), {}
            self.running = thread

    def is_learner(self, thread=None):
        return (thread or threading.current_thread()) in self._threads

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

    def wait(self, kind, on=None, ready=None, timeout=None, where=None, priority=1, hand_to=None):
        """Wait until `ready()` or until `timeout` seconds have passed on the clock; True if ready."""
        ready = ready or _never
        me = threading.current_thread()
        if me not in self._threads:
            return self._wait_outside(ready, timeout)
        with self.changed:
            self._seq += 1
            deadline = None if timeout is None else self.now + max(timeout, 0)
            wait = Wait(me, kind, on, ready, deadline, self._seq, where, priority)
            self.waits[me] = wait
            if self.running is me:
                self.running = hand_to
                if hand_to is None:
                    self._dispatch()
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
        """Hand the turn to the next thread: the first whose wait is over, else the first the clock wakes."""
        if self.running is not None:
            return
        pending = [wait for wait in self.waits.values() if wait.outcome is None and wait.thread in self._threads]
        ready = [wait for wait in pending if wait.ready()]
        if ready:
            chosen = min(ready, key=lambda wait: (wait.priority, wait.seq))
            chosen.outcome = True
        else:
            timed = [wait for wait in pending if wait.deadline is not None]
            if not timed:
                if self._threads and all(thread in self.waits for thread in self._threads):
                    self.deadlock = pending
                return
            chosen = min(timed, key=lambda wait: (wait.deadline, wait.seq))
            self.now = max(self.now, chosen.deadline)
            chosen.outcome = False
        self.running = chosen.thread
        self.changed.notify_all()

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


def _always():
    return True


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

    def acquire(self, blocking=True, timeout=-1):
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        caller = sys._getframe(1)
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

    def release(self):
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        self._hand_on()

    def _hand_on(self):
        if self._queue:
            request = self._queue.popleft()
            self._take(request.thread, request.frame)
            request.granted = True
        else:
            self._locked, self.owner = False, None

    def locked(self):
        return self._locked

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    # What a Condition made on this lock needs of it.
    def _is_owned(self):
        return self._locked and self.owner is threading.current_thread()

    def _release_save(self):
        self.release()

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

    def release(self):
        if self.owner is not threading.current_thread():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._hand_on()

    def _release_save(self):
        count, self._count = self._count, 1
        self.release()
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
        original_start(thread)
        clock.wait(Waiting.START, thread, _always, priority=0, hand_to=thread)
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
        if clock.is_learner() and clock.knows(thread) and thread is not threading.current_thread():
            listener.on_asked(thread)
        return original_is_alive(thread)

    def sleep(seconds):
        if not clock.is_learner():
            return originals["sleep"](seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        listener.on_sleep(seconds)
        clock.wait(Waiting.SLEEP, seconds, None, seconds, listener.where(sys._getframe(1)))
        return None

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
        "time.sleep": (time, "sleep", sleep),
        # The C SimpleQueue blocks where the clock cannot see it (a ThreadPoolExecutor's idle workers do).
        "queue.SimpleQueue": (queue, "SimpleQueue", queue._PySimpleQueue),
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
