"""Probes that let kata tests see what the learner's threads did.

A `ThreadWatch` runs the learner's code on the virtual clock (tools/virtual_time.py) and records,
in one ordered list of events, every thread it starts and joins, what is_alive() answered each
time it was asked, every call of the tasks a test hands in, everything printed, every exception
raised inside a thread and every pool made and shut down (tools/pools.py), each with the line of
the kata file it came from and the time on the clock. When a thread starts or ends, the lists and
dicts the calling function holds are copied, so that what each thread wrote into them shows.

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
import multiprocessing
import multiprocessing.process
import os
import posix
import sys
import threading
import warnings
from pathlib import Path

import pytest

from tools import lessons, pools, virtual_time
from tools.failures import KataFailure, ProcessStart, ProgramExit, Where, defined_in, display_path, fail
from tools.records import Event, Given, Kind, Run, TaskCall
from tools.virtual_time import Clock, Listener, Waiting, WatchedLock, on_the_clock

# Real time, only for code that never waits (a loop that never ends): the clock decides the rest.
STUCK_AFTER = 2.0
# Other processes run in real time, off the clock; starting a few takes well under a second.
PROCESSES_STUCK_AFTER = 5.0
TASK_SECONDS = 2  # the lesson's task(name) sleeps 2 seconds

_CONTAINERS_UP_TO = 1000  # items: the results of a run's threads, not the data they work through
_STORES = frozenset({"STORE_GLOBAL", "STORE_NAME", "STORE_ATTR", "STORE_SUBSCR", "STORE_DEREF"})


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
        self.lock_inversion = None  # (lesson, where) once two threads took the same locks in opposite orders
        self.made = []  # the locks the kata file made, in order
        self._daemon_asked = {}  # thread -> (its daemon flag when made, whether daemon=True was passed)
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
        # Whether the learner's code asks for a daemon: daemon=True here, or thread.daemon = True before start().
        # A thread inherits the flag from the one that makes it, and the test's stand-in for the main thread
        # is a daemon, as a program's main thread is not.
        self._daemon_asked[thread] = (thread.daemon, bool(bound.get("daemon")))
        self._run.given[thread] = Given(
            bound.get("target"), bound.get("args", ()), bound.get("kwargs"), self.where(frame)
        )

    def on_start(self, thread):
        # Before the clock makes every thread a daemon: whether the learner's code made it one.
        made, asked = self._daemon_asked.get(thread, (thread.daemon, thread.daemon))
        daemon = thread.daemon if thread.daemon != made else asked
        self._record(Kind.START, other=thread, label="daemon" if daemon else "", contents=self._callers_containers())
        given = self._run.given.get(thread)
        pool = pools.pool_of_worker(given, self._run.pools) if given else None
        if pool is not None:
            pool.threads.append(thread)

    def on_end(self, thread):
        self._record(Kind.ENDED, where=None, contents=self._callers_containers())

    def on_join(self, thread, timeout):
        self._record(Kind.JOIN, other=thread, text="" if timeout is None else f"{timeout:g}")

    def on_joined(self, thread, ended):
        self._record(Kind.JOINED, other=thread, ended=ended)

    def on_asked(self, thread, alive, again):
        self._record(Kind.ASKED, other=thread, answer=alive, again=again)

    def on_polled(self, question, answer, again):
        self._record(Kind.POLLED, text=question, label=repr(answer), again=again)

    def on_sleep(self, seconds):
        self._record(Kind.SLEEP, text=f"{seconds:g}")

    def on_waited(self, wait):
        if wait.kind in (Waiting.LOCK, Waiting.CONDITION):
            self._record(Kind.WAITED, where=wait.where, label=wait.kind, ended=wait.outcome)

    def on_crash(self, thread, error):
        kind = type(error).__name__
        self._record(
            Kind.CRASH, where=self._where_in_traceback(error.__traceback__), label=kind, text=f"{kind}: {error}"
        )

    def on_made(self, primitive, frame):
        if frame.f_code.co_filename == self._kata_filename and isinstance(primitive, WatchedLock):
            primitive.ordered = True
            self.made.append(primitive)
            self._record(Kind.LOCK, where=Where(self.kata_file, frame.f_lineno), text=primitive.kind)
        elif getattr(primitive, "made_for", None) in ("Semaphore", "BoundedSemaphore") and primitive.made_at:
            # Made inside threading.Semaphore(), which the kata file called at made_at.
            self._run.semaphores.append((primitive.owner, primitive.made_at))
            self._record(Kind.SEMAPHORE, where=primitive.made_at, text=primitive.made_for)

    # --- running learner code --------------------------------------------------------------

    def run(
        self, function, *args, switch_threads_often=False, processes=False, title=None, explain_error=None, **kwargs
    ):
        """Run `function(*args, **kwargs)` as the learner's main thread would, and record it.

        Fails with a lesson if the code is stuck or deadlocked, raises, or a thread it started
        crashed; `explain_error(error)` may say what to do about an error the task expects.
        With `switch_threads_often`, the threads take turns at every write to shared state in
        the kata file, so that a race shows on every run. Starting a process fails with a lesson,
        unless `processes`: then the code runs off the clock, in real time, and only what it
        returns and prints is recorded.
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
                run.returned = self._record(Kind.RETURN)
                self.clock.leave()

        caller = threading.Thread(target=as_main_thread, name="MainThread", daemon=True)
        run.caller = caller
        try:
            with _patched(self, switch_threads_often, processes):
                if processes:
                    # Both in place before the learner's code starts: it may make its pool at once.
                    with _forking(), warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", ResourceWarning)  # a pool thrown away unclosed says so
                        caller.start()
                        caller.join(PROCESSES_STUCK_AFTER)
                    run.warnings = [str(warning.message) for warning in caught]
                    run.outcome = "stuck" if caller.is_alive() else "done"
                else:
                    self.clock.begin(caller)
                    caller.start()
                    run.outcome = self.clock.follow(STUCK_AFTER)
                    if run.outcome == "deadlock":
                        run.left_waiting = list(self.clock.deadlock)
        except KeyboardInterrupt:
            # Ctrl-C: stop the learner's threads at once; a thread spinning in a loop would
            # otherwise slow pytest's goodbye down to seconds.
            self.stop_leftover_threads()
            raise
        run.reordered = bool(self.clock.schedule and self.clock.schedule.told)
        if run.returned is None:
            if run.outcome == "deadlock":
                waits = self.clock.deadlock
                report = lessons.deadlock_lesson(run, waits, self.clock.finished)
                where = next((wait.where for wait in waits if wait.where), None)
            else:
                seconds = PROCESSES_STUCK_AFTER if processes else STUCK_AFTER
                report = lessons.stuck_lesson(run, seconds, self._positions(run), processes=processes)
                where = self._where_running(run)
                self.got_stuck = True
            self.stop_leftover_threads()
            fail(report, where)
        crashes = run.of(Kind.CRASH)
        if crashes:
            given = run.given.get(crashes[0].thread)
            fail(lessons.crash_lesson(run, crashes[0], self.kata_file), crashes[0].where or (given and given.where))
        if run.error is not None:
            fail(lessons.error_lesson(run, self.kata_file, explain_error), run.error_where or run.defined)
        inversion = self.clock.lock_order.inversion()
        if inversion is not None:
            # Exploring, another order may show the deadlock itself: the lesson waits for the last order.
            self.lock_inversion = self.lock_inversion or lessons.lock_order_lesson(run, *inversion)
            if self.clock.schedule is None:
                fail(*self.lock_inversion)
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
        for process in multiprocessing.active_children():  # a process pool's workers, say
            process.terminate()
        self.clock.stop()
        frames = sys._current_frames()
        ours = {threading.__file__, virtual_time.__file__}
        for thread in [self._run.caller, *self._run.started_threads]:
            frame = frames.get(thread.ident)
            if thread.is_alive() and frame is not None and frame.f_code.co_filename not in ours:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))

    def _callers_containers(self):
        """The lists and dicts that the kata code of the run's calling thread holds in its variables, copied."""
        frame = sys._current_frames().get(self._run.caller.ident) if self._run.caller else None
        held = {}
        while frame is not None:
            if frame.f_code.co_filename == self._kata_filename:
                for value in frame.f_locals.values():
                    if isinstance(value, list | dict) and len(value) <= _CONTAINERS_UP_TO:
                        held[id(value)] = value.copy()
            frame = frame.f_back
        return held

    def _where_in_traceback(self, traceback):
        where = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self._kata_filename:
                where = Where(self.kata_file, traceback.tb_lineno)
            traceback = traceback.tb_next
        return where

    def _positions(self, run):
        """(thread, the kata line it is at, whether it holds the clock's turn) for each of the run's live threads."""
        frames = sys._current_frames()
        return [
            (
                thread,
                self.where(frames.get(thread.ident)),
                self.clock.is_learner(thread) and thread is self.clock.running,
            )
            for thread in [run.caller, *run.started_threads]
            if thread.is_alive()
        ]

    def _where_running(self, run):
        """The line of the kata file that the thread holding the turn is at, if any."""
        running = self.clock.running or run.caller
        return self.where(sys._current_frames().get(running.ident))

    # --- patches active while learner code runs ----------------------------------------------

    def _trace_kata_frames(self, frame, event, arg):
        if frame.f_code.co_filename != self._kata_filename:
            return None
        frame.f_trace_opcodes = True
        # Python 3.13 sends this frame's opcode events only to a tracer set on the frame itself.
        frame.f_trace = self._take_turns_at_writes
        return self._take_turns_at_writes

    def _take_turns_at_writes(self, frame, event, arg):
        if event != "opcode":
            return self._take_turns_at_writes
        written = self._written_by.pop(frame, None)
        if written is not None:
            self._record(Kind.WROTE, label=written, text=repr(frame.f_globals.get(written)))
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
            self.clock.wait(Waiting.TURN, ready=_always, where=Where(self.kata_file, frame.f_lineno))
            if instruction.opname == "STORE_GLOBAL":
                self._written_by[frame] = instruction.argval
        elif instruction.opname == "LOAD_GLOBAL" and instruction.argval in self._shared_globals:
            self._record(Kind.READ, label=instruction.argval, text=repr(frame.f_globals.get(instruction.argval)))
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

    def task(self, *labels, seconds=TASK_SECONDS, result=None):
        """A stand-in for the lesson's task(name): it takes `seconds` on the clock (or `seconds[name]`),
        and returns `result(name)` if a `result` is given."""

        def task(*args, **kwargs):
            # Whatever the learner calls the argument: task("Task 1") or task(name="Task 1").
            given = [*args, *kwargs.values()]
            if len(given) != 1:
                raise TypeError(f"the task takes 1 argument, its name, but {len(given)} were given")
            name = str(given[0])
            takes = seconds.get(name, 0) if isinstance(seconds, dict) else seconds
            return self._perform(name, takes, (lambda: result(name)) if result else None)

        return task

    def arriving(self, items, every):
        """`items` one by one, each `every` seconds on the clock after the one before, as jobs come
        from a network: a generator for the learner's code to loop over."""
        for item in items:
            if self.clock.is_learner():
                self.clock.wait(Waiting.TASK, "arrival", timeout=every, where=self.where(sys._getframe(1)))
            self._record(Kind.CAME, label=str(item))
            yield item

    def calls(self, body, label, seconds=1):
        """Wrap `body` so that each call of it is recorded, and lasts `seconds` on the clock."""

        def perform(*args, **kwargs):
            return self._perform(label, seconds, lambda: body(*args, **kwargs))

        perform.__name__ = getattr(body, "__name__", label)
        perform.__wrapped__ = body
        return perform

    def _perform(self, label, seconds, body=None):
        call = TaskCall(label, threading.current_thread(), self._record(Kind.BEGIN, label=label), _inside_run_method())
        self._run.calls.append(call)
        try:
            result = body() if body else None
            if seconds and self.clock.is_learner():
                self.clock.wait(Waiting.TASK, label, timeout=seconds, where=call.begin.where)
            return result
        finally:
            call.end = self._record(Kind.END, label=label)


def _always():
    return True


_THREAD_PARAMETERS = inspect.signature(threading.Thread.__init__)


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
def _forking():
    """Processes started by fork, whatever this Python's default: a forked child has the kata module the
    test loaded, so a function the learner defines at its top level reaches the pool as it would in their
    own program. (Forkserver, the default from 3.14, and spawn import it anew, by a name only the tests know.)"""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield
        return
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("fork", force=True)
    try:
        yield
    finally:
        multiprocessing.set_start_method(before, force=True)


@contextlib.contextmanager
def _patched(watch, switch_threads_often, processes):
    """The clock, and the watch's hooks in `sys.stdout`, `os` and `multiprocessing`, for as long as
    the learner's code runs; off the clock if it is to start `processes`."""
    tests_process, real_exit, real_abort = os.getpid(), os._exit, os.abort
    real_start = multiprocessing.process.BaseProcess.start

    def _exit(status):  # named as the os._exit it stands in for, which a thread's name shows
        if os.getpid() != tests_process:  # a forked child ends as it should
            real_exit(status)
        raise ProgramExit(status, call=f"{_called_as(sys._getframe(1), '_exit')}({status!r})")

    def abort():
        if os.getpid() != tests_process:
            real_abort()
        raise ProgramExit(134, call="os.abort()")

    def refuse(name, real):
        """A stand-in for a function that sets the tracing or profiling the tests rely on: the learner's
        code that calls it changes nothing, and is named as having changed the judge."""

        def stand_in(function, *args):
            if sys._getframe(1).f_code.co_filename != watch._kata_filename:
                return real(function, *args)  # threading starting a thread with the tests' tracer, say
            if (f"the tests' {name}", function) not in watch.replaced_hooks:
                watch.replaced_hooks.append((f"the tests' {name}", function))
            return None

        return stand_in

    def start(process):
        if watch.clock.is_learner():
            raise ProcessStart(watch.where(sys._getframe(1)))
        return real_start(process)

    clock = contextlib.nullcontext({}) if processes else on_the_clock(watch.clock)
    with clock as hooks, pools.watching(watch, on_the_clock=not processes), pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdout", _RecordingStdout(watch, sys.stdout))
        patch.setattr(os, "_exit", _exit)
        patch.setattr(posix, "_exit", _exit)
        patch.setattr(os, "abort", abort)
        patch.setattr(posix, "abort", abort)
        for owner, name in ((sys, "settrace"), (sys, "setprofile"), (threading, "settrace"), (threading, "setprofile")):
            patch.setattr(owner, name, refuse(f"{owner.__name__}.{name}", getattr(owner, name)))
        if not processes:
            patch.setattr(multiprocessing.process.BaseProcess, "start", start)
        if switch_threads_often:
            threading.settrace(watch._trace_kata_frames)
        watch.clock.every_write_a_turn = switch_threads_often
        try:
            yield
        finally:
            watch.clock.every_write_a_turn = False
            if switch_threads_often:
                threading.settrace(None)
            # What the learner's code put in place of the watch's own hooks, before they are undone.
            watch.replaced_hooks += [
                (name, getattr(owner, attribute))
                for name, (owner, attribute, hook) in hooks.items()
                if getattr(owner, attribute) is not hook
            ]


def _called_as(frame, name):
    """How the learner's code named the function it called: os._exit or posix._exit."""
    module = "posix" if "posix" in frame.f_code.co_names and "os" not in frame.f_code.co_names else "os"
    return f"{module}.{name}"


class _RecordingStdout:
    """Passes prints on, and records each printed line as an event."""

    def __init__(self, watch, stream):
        self.watch = watch
        self.stream = stream

    def write(self, text):
        if text.strip():
            self.watch._record(Kind.PRINT, text=text.strip()[:200])
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)
