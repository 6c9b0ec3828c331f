"""Probes that let kata tests see what the learner's threads did.

A `ThreadWatch` runs the learner's code on the virtual clock (tools/virtual_time.py) and records,
in one ordered list of events, every thread it starts and joins, every call of the tasks a test
hands in, everything printed and every exception raised inside a thread, each with the line of
the kata file it came from and the time on the clock.

Tasks handed in by `ThreadWatch.task` take the lesson's time on the clock (a task 2 seconds), so
"at the same time", "after" and "still running" are read from the clock, the same on every run.

For races, `run(..., switch_threads_often=True)` makes the learner's threads take turns at every
write to shared state: a thread about to write lets every other thread that can go on go first.
So every unlocked read-add-write loses updates on every run, with or without the GIL, while a
locked one stays exact.
"""

import contextlib
import ctypes
import dis
import functools
import inspect
import linecache
import os
import re
import sys
import threading
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tools import virtual_time
from tools.virtual_time import Clock, Listener, WatchedLock, on_the_clock

# Real time, only for code that never waits (a loop that never ends): the clock decides the rest.
STUCK_AFTER = 2.0
TASK_SECONDS = 2  # the lesson's task(name) sleeps 2 seconds

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
    formatting a traceback that nobody reads. `where` is the line of the kata file it is about,
    for the tools that point at it (a pull request's annotation)."""

    def __init__(self, message, where=None):
        super().__init__(message, pytrace=False)
        self.where = where


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
    kind: str  # start, join, joined, sleep, waited, begin, end, print, crash, return, lock, read, wrote
    thread: threading.Thread  # the thread the event happened in
    where: Where | None
    at: float = 0.0  # seconds on the virtual clock
    other: threading.Thread | None = None  # the thread started or joined
    label: str = ""
    text: str = ""
    ended: bool | None = None  # for joined and waited: did the wait end because what it waited for happened?


@dataclass
class TaskCall:
    label: str
    thread: threading.Thread
    begin: Event
    inside_run_method: bool
    end: Event | None = None

    @property
    def ends_at(self):
        return self.end.at if self.end else float("inf")


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
    outcome: str = ""  # how the run ended on the clock: done, deadlock or stuck
    defined: Where | None = None  # where the kata file defines the function the test ran
    unlocked_write: Where | None = None  # the first write to a global by a started thread holding no lock

    @property
    def its_code(self):
        """A line to add to a lesson about what the function did as a whole: where it is defined."""
        return f"\nYour {self.function}:\n  {self.defined}" if self.defined else ""

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


def fail(message, where=None):
    raise KataFailure(message, where)


class ThreadWatch(Listener):
    """Records what threads do while learner code from `kata_file` runs on the virtual clock."""

    daemon_threads = True  # a thread left running must not keep pytest (or ptw's run) from ending

    def __init__(self, kata_file):
        self.kata_file = Path(kata_file).resolve()
        self._kata_filename = str(self.kata_file)
        self.clock = Clock(self, self._kata_filename)
        self._run = None
        self._seq = 0
        self._written_by = {}  # frame -> the global its last instruction wrote
        self._shared_globals = set()  # globals the kata's code writes
        self.got_stuck = False
        self.made = []  # the locks the kata file made, in order
        self.replaced_hooks = []  # (name, what replaced it): learner code that swapped the watch's hooks

    # --- recording -------------------------------------------------------------------------

    def where(self, frame):
        """The innermost line of the kata file on `frame`'s stack."""
        while frame is not None:
            if frame.f_code.co_filename == self._kata_filename:
                return Where(self.kata_file, frame.f_lineno)
            frame = frame.f_back
        return None

    def _record(self, kind, where=None, **details):
        where = where or self.where(sys._getframe(2))
        with self.clock.changed:
            self._seq += 1
            event = Event(self._seq, kind, threading.current_thread(), where, at=self.clock.now, **details)
            self._run.events.append(event)
            return event

    def on_create(self, thread, arguments, frame):
        bound = _THREAD_PARAMETERS.bind(thread, *arguments[0], **arguments[1]).arguments
        self._run.given[thread] = Given(
            bound.get("target"), bound.get("args", ()), bound.get("kwargs"), self.where(frame)
        )

    def on_start(self, thread):
        self._record("start", other=thread)

    def on_join(self, thread, timeout):
        self._record("join", other=thread, text="" if timeout is None else f"{timeout:g}")

    def on_joined(self, thread, ended):
        self._record("joined", other=thread, ended=ended)

    def on_sleep(self, seconds):
        self._record("sleep", text=f"{seconds:g}")

    def on_waited(self, wait):
        if wait.kind in ("lock", "condition"):
            self._record("waited", where=wait.where, label=wait.kind, ended=wait.outcome)

    def on_crash(self, thread, error):
        kind = type(error).__name__
        self._record("crash", where=self._where_in_traceback(error.__traceback__), label=kind, text=f"{kind}: {error}")

    def on_made(self, primitive, frame):
        if frame.f_code.co_filename == self._kata_filename and isinstance(primitive, WatchedLock):
            self.made.append(primitive)
            self._record("lock", where=Where(self.kata_file, frame.f_lineno), text=primitive.kind)

    # --- running learner code --------------------------------------------------------------

    def run(self, function, *args, switch_threads_often=False, title=None, explain_error=None, **kwargs):
        """Run `function(*args, **kwargs)` as the learner's main thread would, and record it.

        Fails with a lesson if the code is stuck or deadlocked, raises, or a thread it started
        crashed; `explain_error(error)` may say what to do about an error the task expects.
        With `switch_threads_often`, the threads take turns at every write to shared state in
        the kata file, so that a race shows on every run.
        """
        run = Run(function=title or f"{function.__name__}()", called=(function, args, kwargs))
        run.defined = defined_in(function, self.kata_file)
        self._run = run

        def as_main_thread():
            try:
                run.value = function(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - the learner's code may raise anything, sys.exit() included
                run.error = error
                run.error_where = self._where_in_traceback(error.__traceback__)
            finally:
                run.returned = self._record("return")
                self.clock.leave()

        caller = threading.Thread(target=as_main_thread, name="MainThread", daemon=True)
        run.caller = caller
        try:
            with _patched(self, switch_threads_often):
                self.clock.begin(caller)
                caller.start()
                run.outcome = self.clock.follow(STUCK_AFTER)
        except KeyboardInterrupt:
            # Ctrl-C: stop the learner's threads at once; a thread spinning in a loop would
            # otherwise slow pytest's goodbye down to seconds.
            self.stop_leftover_threads()
            raise
        if run.returned is None:
            if run.outcome == "deadlock":
                waits = self.clock.deadlock
                report, where = self._deadlock_report(run, waits), next((w.where for w in waits if w.where), None)
            else:
                report, where = self._stuck_report(run), self._where_running(run)
                self.got_stuck = True
            self.stop_leftover_threads()
            fail(report, where)
        crashes = run.of("crash")
        if crashes:
            given = run.given.get(crashes[0].thread)
            fail(self._crash_report(run, crashes[0]), crashes[0].where or (given and given.where))
        if run.error is not None:
            fail(self._error_report(run, explain_error), run.error_where or run.defined)
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
                    f"  line {error.lineno}: {error.msg}\n    {(error.text or '').strip()}",
                    Where(self.kata_file, error.lineno) if error.lineno else None,
                )
            raise

    def stop_leftover_threads(self):
        """End the learner's threads that are still alive, so they cannot slow the next tests.

        CPython has no way to kill a thread. A thread inside one of the clock's waits is told to
        stop, and raises SystemExit (which ends a thread quietly). A thread running the learner's
        Python code gets an asynchronous SystemExit, the next best thing. A thread blocked in C
        gets nothing: it could never take the exception, and on Python 3.11 one left pending slows
        every other thread down for the rest of the run; it is a daemon, and blocks nobody else.
        """
        if self._run is None:
            return
        self.clock.stop()
        frames = sys._current_frames()
        ours = {threading.__file__, virtual_time.__file__}
        for thread in [self._run.caller, *self._run.started_threads]:
            frame = frames.get(thread.ident)
            if thread.is_alive() and frame is not None and frame.f_code.co_filename not in ours:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))

    def _where_in_traceback(self, traceback):
        where = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self._kata_filename:
                where = Where(self.kata_file, traceback.tb_lineno)
            traceback = traceback.tb_next
        return where

    def _error_report(self, run, explain_error=None):
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
        explained = explain_error(error) if explain_error else None
        if explained:
            return f"{report}\n{explained}"
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
                where = self.where(frames.get(thread.ident))
                waiting = " and waits" if thread in self.clock.waits else ""
                lines.append(
                    f"  {thread.name} is at {where}{waiting}" if where else f"  {thread.name} is still running"
                )
        lines.append(
            "A thread caught in a loop that never ends, or waiting for something that never happens,"
            "\nholds up everyone who joins it."
        )
        return "\n".join(lines)

    def _where_running(self, run):
        """The line of the kata file that the thread holding the turn is at, if any."""
        running = self.clock.running or run.caller
        return self.where(sys._current_frames().get(running.ident))

    def _deadlock_report(self, run, waits):
        order = [run.caller, *run.started_threads]
        waits = sorted(waits, key=lambda wait: order.index(wait.thread) if wait.thread in order else len(order))
        lines = [f"{run.function} can never finish: every thread it runs waits, and nothing is left to end a wait."]
        for wait in waits:
            lines.append(f"  {wait.thread.name} waits" + (f" at\n    {wait.where}" if wait.where else ""))
            lines.append(f"  {self._waits_for(wait)}")
        if any(wait.kind == "lock" and self._held_for_good(wait.on) for wait in waits):
            lines.append(
                "A lock that is taken must be given back: every acquire() needs its release()."
                " `with lock:` takes the lock and gives it back at the end of the block, even on an error."
            )
        else:
            lines.append("That is a deadlock: find the wait that nobody can end, and make sure someone does.")
        return "\n".join(lines)

    def _held_for_good(self, lock):
        return lock.owner in self.clock.finished or any(
            wait.thread is lock.owner and wait.on is lock for wait in self.clock.waits.values()
        )

    def _waits_for(self, wait):
        if wait.kind == "join":
            return f"for {wait.on.name} to end."
        made = _named(wait.on)
        if wait.kind == "lock":
            lock = wait.on
            taken = f" at line {lock.taken_at.line}" if lock.taken_at else ""
            if lock.owner is wait.thread:
                return (
                    f"for {made}, which it took itself{taken} and never released:"
                    f" a {lock.kind} cannot be taken twice, not even by the thread that holds it."
                )
            if lock.owner in self.clock.finished:
                return f"for {made}, which {lock.owner.name} took{taken} and never released before it ended."
            return f"for {made}, which {lock.owner.name} took{taken} and holds."
        what = wait.on.made_for
        if what == "Event":
            return f"for {made} to be set, and nothing is left to set it."
        if what in ("Semaphore", "BoundedSemaphore"):
            return f"for {made}, and nothing is left to release it."
        if what == "Barrier":
            return f"at {made}, for threads that will never come."
        return f"on {made}, and nothing is left to notify it."

    # --- patches active while learner code runs ----------------------------------------------

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
            self._note_an_unlocked_write(frame, instruction)
            # Between one thread's read of shared state and its write, every other thread that can
            # go on does, up to its own next write: an unlocked update is lost on every run, while
            # a thread holding a lock goes on alone, because the others wait for that lock.
            self.clock.wait("turn", ready=_always)
            if instruction.opname == "STORE_GLOBAL":
                self._written_by[frame] = instruction.argval
        elif instruction.opname == "LOAD_GLOBAL" and instruction.argval in self._shared_globals:
            self._record("read", label=instruction.argval, text=repr(frame.f_globals.get(instruction.argval)))
        return self._take_turns_at_writes

    def _note_an_unlocked_write(self, frame, instruction):
        me = threading.current_thread()
        if (
            instruction.opname == "STORE_GLOBAL"
            and me is not self._run.caller
            and self._run.unlocked_write is None
            and not any(lock.owner is me for lock in self.made)
        ):
            self._run.unlocked_write = Where(self.kata_file, frame.f_lineno)

    # --- tasks handed to the learner's code -------------------------------------------------

    def task(self, *labels, seconds=TASK_SECONDS):
        """A stand-in for the lesson's task(name): it takes `seconds` on the clock."""

        def task(*args, **kwargs):
            # Whatever the learner calls the argument: task("Task 1") or task(name="Task 1").
            given = [*args, *kwargs.values()]
            if len(given) != 1:
                raise TypeError(f"the task takes 1 argument, its name, but {len(given)} were given")
            return self._perform(str(given[0]), seconds)

        return task

    def calls(self, body, label, seconds=1):
        """Wrap `body` so that each call of it is recorded, and lasts `seconds` on the clock."""

        def perform(*args, **kwargs):
            return self._perform(label, seconds, lambda: body(*args, **kwargs))

        perform.__name__ = getattr(body, "__name__", label)
        perform.__wrapped__ = body
        return perform

    def _perform(self, label, seconds, body=None):
        call = TaskCall(label, threading.current_thread(), self._record("begin", label=label), _inside_run_method())
        self._run.calls.append(call)
        try:
            result = body() if body else None
            if seconds and self.clock.is_learner():
                self.clock.wait("task", label, timeout=seconds, where=call.begin.where)
            return result
        finally:
            call.end = self._record("end", label=label)


def _always():
    return True


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


@contextlib.contextmanager
def _patched(watch, switch_threads_often):
    """The clock, and the watch's hooks in `sys.stdout` and `os`, for as long as the learner's code runs."""

    def _exit(status):  # named as the os._exit it stands in for, which a thread's name shows
        raise ProgramExit(status)

    with on_the_clock(watch.clock) as hooks, pytest.MonkeyPatch.context() as patch:
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
