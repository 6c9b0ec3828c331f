"""Probes that let kata tests see what the learner's threads did.

A `ThreadWatch` runs the learner's code and records, in one ordered list of events, every
thread it starts and joins, every call of the tasks a test hands in, everything printed and
every exception raised inside a thread, each with the line of the kata file it came from.

Tasks handed in by `ThreadWatch.task` prove "at the same time" without a clock: each waits
until all of them are running at once, and gives up as soon as nobody is left who could
start the missing ones. Each then holds on until somebody joins its thread, so a missing
join() is seen every time.

For races, `run(..., switch_threads_often=True)` makes the learner's threads take turns at every
write to shared state: a thread about to write waits until every other thread is about to write
too, or is blocked on a lock, or has finished. So every unlocked read-add-write loses updates on
every run, with or without the GIL, while a locked one stays exact.
"""

import contextlib
import ctypes
import dis
import functools
import inspect
import linecache
import os
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# A correct solution never comes near these; they only end waits on code that waits some
# other way than join(), and runs that are stuck for good.
GIVE_UP_WAITING = 1.0
STUCK_AFTER = 2.0
POLL = 0.005
# Only for a thread that waits in a way the watch cannot see (a sleep, say) while others want to write.
TURN_TIMEOUT = 0.2

_STORES = {"STORE_GLOBAL", "STORE_NAME", "STORE_ATTR", "STORE_SUBSCR", "STORE_DEREF"}


class ProgramExit(BaseException):
    """What os._exit(status) raises while the learner's code runs, instead of ending the tests with it."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status

    def __str__(self):
        return f"os._exit({self.status!r}) ends the whole program at once"


class KataFailure(pytest.fail.Exception):
    """A failed check, with a message written for the learner: pytest shows it as it is, without
    formatting a traceback that nobody reads."""

    def __init__(self, message):
        super().__init__(message, pytrace=False)


@dataclass(frozen=True)
class Where:
    """A line of the kata file."""

    path: Path
    line: int

    @property
    def source(self):
        return linecache.getline(str(self.path), self.line).strip()

    def __str__(self):
        return f"{display_path(self.path)}:{self.line}  {self.source}"


@dataclass
class Event:
    seq: int
    kind: str  # start, join, joined, begin, end, print, crash, return, lock, read, wrote
    thread: threading.Thread  # the thread the event happened in
    where: Where | None
    other: threading.Thread | None = None  # the thread started or joined
    label: str = ""
    text: str = ""


@dataclass
class TaskCall:
    label: str
    thread: threading.Thread
    begin: Event
    inside_run_method: bool
    end: Event | None = None
    met_the_others: bool = False


@dataclass(frozen=True)
class Given:
    """What a thread was made with, Thread(target=..., args=..., kwargs=...), and where: read from the
    call itself, because a Thread forgets its target once it has run."""

    target: object
    args: object
    kwargs: object
    where: Where | None


@dataclass
class Run:
    """What happened while the learner's function ran."""

    function: str
    called: tuple = ()  # the function the test ran, its args and its kwargs
    events: list[Event] = field(default_factory=list)
    calls: list[TaskCall] = field(default_factory=list)
    given: dict[threading.Thread, Given] = field(default_factory=dict)
    caller: threading.Thread | None = None
    value: object = None
    error: BaseException | None = None
    error_where: Where | None = None
    returned: Event | None = None

    def of(self, kind):
        return [event for event in self.events if event.kind == kind]

    def calls_of(self, label):
        return [call for call in self.calls if call.label == label]

    @property
    def started_threads(self):
        return [event.other for event in self.of("start")]


def display_path(path):
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def fail(message):
    raise KataFailure(message)


class ThreadWatch:
    """Records what threads do while learner code from `kata_file` runs."""

    def __init__(self, kata_file):
        self.kata_file = Path(kata_file).resolve()
        self._kata_filename = str(self.kata_file)
        self._changed = threading.Condition()
        self._run = None
        self._seq = 0
        self._waiting = set()  # threads inside one of our waits
        self._blocked = set()  # threads waiting to acquire a lock the kata made
        self._parked = {}  # thread -> its ticket, for threads waiting for their turn to write
        self._tickets = 0
        self._written_by = {}  # frame -> the global its last instruction wrote
        self._shared_globals = set()  # globals the kata's code writes
        self._joining = {}  # thread -> the thread it is joining
        self._running_labels = []
        self._meeting_size = 0
        self._met = False
        self.got_stuck = False
        self._stopping = False  # set once the run is over: the watch's waits end its leftover threads
        self.replaced_hooks = []  # (name, what replaced it): learner code that swapped the watch's hooks

    # --- recording -------------------------------------------------------------------------

    def _where(self, frame):
        """The innermost line of the kata file on `frame`'s stack."""
        while frame is not None:
            if frame.f_code.co_filename == self._kata_filename:
                return Where(self.kata_file, frame.f_lineno)
            frame = frame.f_back
        return None

    def _record(self, kind, where=None, **details):
        where = where or self._where(sys._getframe(2))
        with self._changed:
            self._seq += 1
            event = Event(self._seq, kind, threading.current_thread(), where, **details)
            self._run.events.append(event)
            self._changed.notify_all()
            return event

    # --- running learner code --------------------------------------------------------------

    def run(self, function, *args, switch_threads_often=False, title=None, **kwargs):
        """Run `function(*args, **kwargs)` as the learner's main thread would, and record it.

        Fails with a lesson if the code is stuck, raises, or a thread it started crashed.
        With `switch_threads_often`, the threads take turns at every write to shared state
        in the kata file, so that a race shows on every run.
        """
        run = Run(function=title or f"{function.__name__}()", called=(function, args, kwargs))
        self._run = run
        self._waiting, self._joining, self._running_labels = set(), {}, []
        self._blocked, self._parked = set(), {}
        self._met = False
        self._meeting_size = 0

        def as_main_thread():
            try:
                run.value = function(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - the learner's code may raise anything, sys.exit() included
                run.error = error
                run.error_where = self._where_in_traceback(error.__traceback__)
            finally:
                run.returned = self._record("return")

        caller = threading.Thread(target=as_main_thread, name="MainThread", daemon=True)
        run.caller = caller
        # The learner's code may replace Thread.join; the watch's own wait must not depend on it.
        join = threading.Thread.join
        try:
            with _patched(self, switch_threads_often):
                caller.start()
                join(caller, STUCK_AFTER)
        except KeyboardInterrupt:
            # Ctrl-C: stop the learner's threads at once; a thread spinning in a loop would
            # otherwise slow pytest's goodbye down to seconds.
            self.stop_leftover_threads()
            raise
        if caller.is_alive():
            report = self._stuck_report(run)
            self.got_stuck = True
            self.stop_leftover_threads()
            fail(report)
        self._wait_for_calls_to_end()
        crashes = run.of("crash")
        if crashes:
            fail(self._crash_report(run, crashes[0]))
        if run.error is not None:
            fail(self._error_report(run))
        return run

    def load(self, module):
        """Execute the kata file into `module`, failing with a lesson if that goes wrong."""
        try:
            self.run(module.__loader__.exec_module, module, title=f"importing {display_path(self.kata_file)}")
        except KataFailure:
            error = self._run.error
            if isinstance(error, SyntaxError):
                fail(
                    f"{display_path(self.kata_file)} is not valid Python yet.\n"
                    f"  line {error.lineno}: {error.msg}\n    {(error.text or '').strip()}"
                )
            raise

    def stop_leftover_threads(self):
        """End the learner's threads that are still alive, so they cannot slow the next tests.

        CPython has no way to kill a thread. A thread inside one of the watch's own waits is told
        to stop, and raises SystemExit (which ends a thread quietly) once it has let go of the
        watch's lock. A thread running the learner's Python code gets an asynchronous SystemExit,
        the next best thing. A thread blocked in a lock or wait of `threading` gets nothing: it
        could never take the exception, and on Python 3.11 one left pending slows every other
        thread down for the rest of the run; it is a daemon, and blocks nobody else.
        """
        if self._run is None:
            return
        self._stopping = True
        if self._changed.acquire(timeout=POLL):  # a thread stopped while holding it never lets go
            self._changed.notify_all()
            self._changed.release()
        frames = sys._current_frames()
        for thread in [self._run.caller, *self._run.started_threads]:
            frame = frames.get(thread.ident)
            if (
                thread.is_alive()
                and thread not in self._blocked | self._waiting | self._parked.keys()
                and not (frame is not None and frame.f_code.co_filename == threading.__file__)
            ):
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))

    def _wait_for_lock(self, lock, timeout):
        me = threading.current_thread()
        with self._changed:
            self._blocked.add(me)
            self._changed.notify_all()
        try:
            return lock.acquire(True, timeout)
        finally:
            with self._changed:
                self._blocked.discard(me)
                self._changed.notify_all()

    def _wait_for_calls_to_end(self):
        # Once the caller is gone the tasks stop holding on; let them record their ends.
        deadline = time.monotonic() + GIVE_UP_WAITING
        with self._changed:
            while any(call.end is None for call in self._run.calls) and time.monotonic() < deadline:
                self._changed.wait(POLL)

    def _where_in_traceback(self, traceback):
        where = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self._kata_filename:
                where = Where(self.kata_file, traceback.tb_lineno)
            traceback = traceback.tb_next
        return where

    def _error_report(self, run):
        error = run.error
        at = f"\n  at {run.error_where}" if run.error_where else ""
        if isinstance(error, ProgramExit):
            return (
                f"{run.function} called os._exit({error.status!r}):"
                f" the whole program would stop right there, its threads with it.{at}"
            )
        if isinstance(error, SystemExit):
            what = f"called sys.exit({error.code!r})" if error.code is not None else "called sys.exit()"
            return f"{run.function} {what}: the program would end right there.{at}"
        report = f"{run.function} raised {type(error).__name__}: {error}"
        if run.error_where:
            report += f"\n  at {run.error_where}"
        function, args, kwargs = run.called
        defined = defined_in(function, self.kata_file)
        if isinstance(error, TypeError) and run.error_where is None and defined:  # the call itself failed
            shown = ", ".join([*map(repr, args), *(f"{key}={value!r}" for key, value in kwargs.items())])
            report += (
                f"\nThe test calls {function.__name__}({shown}), but\n  {defined}\ntakes other arguments."
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

    def _crash_report(self, run, crash):
        given = run.given.get(crash.thread)
        report = f"{crash.thread.name} crashed with {crash.text}"
        if crash.where:
            report += f"\n  at {crash.where}"
        elif given and given.where:
            report += f"\nThe thread was made at\n  {given.where}"
        if crash.label == ProgramExit.__name__:
            return report + "\nThe tests stopped it there: os._exit() ends every thread at once, without a word."
        if given and isinstance(given.args, str):
            return report + (
                f"\nargs={given.args!r} is a string, not a tuple: brackets alone do not make a tuple,"
                " so the thread hands its target every character as an argument of its own."
                f"\nWrite args=({given.args!r},), with a comma."
            )
        defined = defined_in(given.target, self.kata_file) if given else None
        if defined and crash.where is None:  # the thread could not even call its target
            handed = f"args={given.args!r}" + (f" and kwargs={given.kwargs!r}" if given.kwargs else "")
            return report + (
                f"\nThe thread calls {given.target.__name__}() with {handed}, but\n  {defined}\ntakes other"
                " arguments. Make the function take what the thread hands it."
            )
        return report + (
            "\nAn exception ends the thread it happens in, and nobody else hears of it:"
            " fix its cause, or catch it inside the thread."
        )

    def _stuck_report(self, run):
        frames = sys._current_frames()
        lines = [f"{run.function} is still running after {STUCK_AFTER:g} seconds: your code is stuck."]
        for thread in [run.caller, *run.started_threads]:
            if thread.is_alive():
                where = self._where(frames.get(thread.ident))
                lines.append(f"  {thread.name} is at {where}" if where else f"  {thread.name} is still running")
        lines.append(
            "A thread caught in a loop that never ends, or waiting for something that never happens,"
            "\nholds up everyone who joins it."
        )
        return "\n".join(lines)

    # --- patches active while learner code runs ----------------------------------------------

    def _on_start(self, original, thread):
        if thread is not self._run.caller:
            self._record("start", other=thread)
            if thread.ident is None:  # not started yet: a second start() must fail as Thread's own does
                # A thread left running must not keep pytest (and ptw's run, or VS Code's) from ending.
                thread.daemon = True
        return original(thread)

    def _on_join(self, original, thread, timeout):
        me = threading.current_thread()
        if me is not self._run.caller and me not in self._run.started_threads:
            return original(thread, timeout)  # the test itself, waiting for the learner's code
        with self._changed:
            self._joining[me] = thread
        self._record("join", other=thread)
        try:
            return original(thread, timeout)
        finally:
            with self._changed:
                self._joining.pop(me, None)
            self._record("joined", other=thread)

    def _on_create(self, thread, arguments):
        self._run.given[thread] = Given(
            arguments.get("target"), arguments.get("args", ()), arguments.get("kwargs"), self._where(sys._getframe(2))
        )

    def _on_crash(self, hook_args):
        # threading calls its excepthook in the thread that crashed.
        where = self._where_in_traceback(hook_args.exc_traceback)
        kind = hook_args.exc_type.__name__
        self._record("crash", where=where, label=kind, text=f"{kind}: {hook_args.exc_value}")

    def _trace_kata_frames(self, frame, event, arg):
        if frame.f_code.co_filename != self._kata_filename:
            return None
        frame.f_trace_opcodes = True
        return self._take_turns_at_writes

    def _take_turns_at_writes(self, frame, event, arg):
        if event != "opcode":
            return self._take_turns_at_writes
        written = self._written_by.pop(frame, None)
        if written is not None:
            self._record("wrote", label=written, text=repr(frame.f_globals.get(written)))
        instructions = _instructions(frame.f_code)
        self._shared_globals.update(i.argval for i in instructions.values() if i.opname == "STORE_GLOBAL")
        instruction = instructions.get(frame.f_lasti)
        if instruction is None:
            return self._take_turns_at_writes
        if instruction.opname in _STORES:
            self._take_turn_to_write()
            if instruction.opname == "STORE_GLOBAL":
                self._written_by[frame] = instruction.argval
        elif instruction.opname == "LOAD_GLOBAL" and instruction.argval in self._shared_globals:
            self._record("read", label=instruction.argval, text=repr(frame.f_globals.get(instruction.argval)))
        return self._take_turns_at_writes

    def _take_turn_to_write(self):
        """Wait until every other thread is also about to write, or cannot move; then go in turn.

        So between one thread's read of shared state and its write, every other thread that can
        run gets as far as its own next write: an unlocked update is lost on every run, while a
        thread holding a lock goes on alone, because the others are blocked on that lock.
        """
        me = threading.current_thread()
        deadline = time.monotonic() + TURN_TIMEOUT
        with self._changed:
            self._tickets += 1
            self._parked[me] = self._tickets
            self._changed.notify_all()
            try:
                while not self._my_turn(me) and not self._stopping and time.monotonic() < deadline:
                    self._changed.wait(POLL / 5)
            finally:
                del self._parked[me]
                self._changed.notify_all()
        if self._stopping:
            raise SystemExit

    def _my_turn(self, me):
        others_can_move = any(
            thread is not me and thread not in self._parked and thread not in self._blocked
            for thread in self._free_threads()
        )
        return not others_can_move and min(self._parked, key=self._parked.get) is me

    # --- tasks handed to the learner's code -------------------------------------------------

    def task(self, *labels):
        """A stand-in for a task function: task(label) for each label, all at the same time."""
        expected = len(labels)

        def task(*args, **kwargs):
            # Whatever the learner calls the argument: task("Task 1") or task(name="Task 1").
            given = [*args, *kwargs.values()]
            if len(given) != 1:
                raise TypeError(f"the task takes 1 argument, its name, but {len(given)} were given")
            return self._attend(str(given[0]), expected)

        return task

    def calls(self, count, body, label):
        """Wrap `body` so that `count` calls of it are expected to run at the same time."""

        def attend(*args, **kwargs):
            return self._attend(label, count, lambda: body(*args, **kwargs))

        attend.__name__ = getattr(body, "__name__", label)
        attend.__wrapped__ = body
        return attend

    def _attend(self, label, expected, body=None):
        me = threading.current_thread()
        call = TaskCall(label, me, self._record("begin", label=label), _inside_run_method())
        with self._changed:
            self._run.calls.append(call)
            self._running_labels.append(label)
            self._meeting_size = max(self._meeting_size, expected)
            if len(self._running_labels) >= self._meeting_size:
                self._met = True
        if me is not self._run.caller:
            self._wait_while(lambda: not self._met and not self._meeting_impossible())
        call.met_the_others = self._met
        try:
            return body() if body else None
        finally:
            if me is not self._run.caller:
                self._wait_while(lambda: not self._joined_or_caller_gone(me))
            with self._changed:
                self._running_labels.remove(label)
                call.end = self._record("end", label=label)

    def _wait_while(self, condition):
        me = threading.current_thread()
        deadline = time.monotonic() + GIVE_UP_WAITING
        with self._changed:
            self._waiting.add(me)
            self._changed.notify_all()
            try:
                while condition() and not self._stopping and time.monotonic() < deadline:
                    self._changed.wait(POLL)
            finally:
                self._waiting.discard(me)
        if self._stopping:
            raise SystemExit

    def _meeting_impossible(self):
        return any(call.end for call in self._run.calls) or not self._anyone_free()

    def _joined_or_caller_gone(self, me):
        return me in self._joining.values() or self._run.returned is not None

    def _anyone_free(self):
        """Is any of the learner's threads running, free to start or call another task?"""
        return any(self._free_threads())

    def _free_threads(self):
        """The learner's threads that are alive and not waiting in one of our waits or a join."""
        for thread in [self._run.caller, *self._run.started_threads]:
            joined = self._joining.get(thread)
            if thread.is_alive() and thread not in self._waiting and not (joined and joined.is_alive()):
                yield thread


_THREAD_PARAMETERS = inspect.signature(threading.Thread.__init__)


def defined_in(value, kata_file):
    """Where the kata file defines `value` (a function, a wrapper of one, a class or static method,
    or code), if it does."""
    if isinstance(value, classmethod | staticmethod):
        value = value.__func__
    if callable(value):
        value = getattr(inspect.unwrap(value), "__code__", None)
    if not isinstance(value, types.CodeType) or value.co_filename != str(kata_file):
        return None
    return Where(kata_file, value.co_firstlineno)


@functools.lru_cache(maxsize=256)
def _instructions(code):
    return {instruction.offset: instruction for instruction in dis.get_instructions(code)}


def _inside_run_method():
    """Is this call inside the run() method of a thread other than the current one?"""
    me = threading.current_thread()
    frame = sys._getframe(2)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if frame.f_code.co_name == "run" and isinstance(owner, threading.Thread) and owner is not me:
            return True
        frame = frame.f_back
    return False


class WatchedLock:
    """A lock made by the kata's code: behaves as the lock it wraps, tells the watch while a
    thread waits for it, and counts how often it was taken."""

    def __init__(self, watch, lock):
        self._watch = watch
        self._lock = lock
        self.taken = 0

    def acquire(self, blocking=True, timeout=-1):
        got = self._lock.acquire(False)
        if not got and blocking:
            got = self._watch._wait_for_lock(self._lock, timeout)
        if got:
            self.taken += 1
        return got

    def release(self):
        return self._lock.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __getattr__(self, name):
        return getattr(self._lock, name)


@contextlib.contextmanager
def _patched(watch, switch_threads_often):
    """The watch's hooks in `threading` and `sys.stdout`, for as long as the learner's code runs."""
    original_init, original_start, original_join = (
        threading.Thread.__init__,
        threading.Thread.start,
        threading.Thread.join,
    )

    def _exit(status):  # named as the os._exit it stands in for, which a thread's name shows
        raise ProgramExit(status)

    def init(thread, *args, **kwargs):
        original_init(thread, *args, **kwargs)
        watch._on_create(thread, _THREAD_PARAMETERS.bind(thread, *args, **kwargs).arguments)

    def start(thread):
        return watch._on_start(original_start, thread)

    def join(thread, timeout=None):
        return watch._on_join(original_join, thread, timeout)

    hooks = {
        "threading.Thread.__init__": (threading.Thread, "__init__", init),
        "threading.Thread.start": (threading.Thread, "start", start),
        "threading.Thread.join": (threading.Thread, "join", join),
        "threading.excepthook": (threading, "excepthook", watch._on_crash),
        "threading.Lock": (threading, "Lock", _noting_creation(watch, threading.Lock)),
        "threading.RLock": (threading, "RLock", _noting_creation(watch, threading.RLock)),
    }
    with pytest.MonkeyPatch.context() as patch:
        for owner, attribute, hook in hooks.values():
            patch.setattr(owner, attribute, hook)
        patch.setattr(sys, "stdout", _RecordingStdout(watch, sys.stdout))
        patch.setattr(os, "_exit", _exit)
        if switch_threads_often:
            threading.settrace(watch._trace_kata_frames)
        try:
            yield
        finally:
            if switch_threads_often:
                threading.settrace(None)
            # What the learner's code put in place of the watch's own hooks, before they are undone.
            watch.replaced_hooks += [
                (name, getattr(owner, attribute))
                for name, (owner, attribute, hook) in hooks.items()
                if getattr(owner, attribute) is not hook
            ]


def _noting_creation(watch, make_lock):
    def make_and_note(*args, **kwargs):
        lock = make_lock(*args, **kwargs)
        if sys._getframe(1).f_code.co_filename != watch._kata_filename:  # made by Thread() or a library
            return lock
        watch._record("lock", text=type(lock).__name__)
        return WatchedLock(watch, lock)

    return make_and_note


class _RecordingStdout:
    """Passes prints on, and records each printed line as an event."""

    def __init__(self, watch, stream):
        self.watch = watch
        self.stream = stream

    def write(self, text):
        if text.strip():
            self.watch._record("print", text=text.strip()[:200])
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)
