"""Pools the learner's code makes: where each was made, how many workers it has, and when (if
ever) it was shut down. Read by the kata tests through `Run.pools`.

ThreadPoolExecutor, ProcessPoolExecutor and multiprocessing.Pool (ThreadPool too) count as shut
down by shutdown(), close() or terminate(), which is what leaving their `with` block calls.

A ThreadPoolExecutor made without max_workers has min(32, processors + 4) threads. On the clock
the learner's code sees PROCESSORS processors, whatever the machine, so that its verdict and its
lesson are the same on every machine.
"""

import contextlib
import functools
import os
import sys
import weakref
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import Pool

import pytest

from tools.records import Kind
from tools.records import Pool as MadePool

PROCESSORS = 2  # as a basic codespace has

# What each kind of pool is asked for, and where it keeps what it made of that.
_SIZES = {ThreadPoolExecutor: ("max_workers", "_max_workers"), ProcessPoolExecutor: ("max_workers", "_max_workers")}
_SIZES[Pool] = ("processes", "_processes")
_SHUTDOWNS = {ThreadPoolExecutor: ("shutdown",), ProcessPoolExecutor: ("shutdown",), Pool: ("close", "terminate")}


@contextlib.contextmanager
def watching(watch, on_the_clock):
    """Record in `watch`'s run every pool the kata file makes, and every shutdown of one."""

    def made(pool, frame, args, kwargs):
        where = watch.where(frame)
        if where is None:  # made by a module the kata file uses, not by the kata file
            return
        asked, kept = next(sizes for kind, sizes in _SIZES.items() if isinstance(pool, kind))
        workers = kwargs.get(asked, args[0] if args else None)
        event = watch._record(Kind.POOL, where=where, label=type(pool).__name__)
        size = getattr(pool, kept, None)
        watch._run.pools.append(MadePool(type(pool).__name__, event, workers, size, weakref.ref(pool)))

    def shut(pool, frame, args, kwargs):
        for record in watch._run.pools:
            if record.owner() is pool and record.shut_down is None:
                record.shut_down = watch._record(Kind.SHUTDOWN, where=watch.where(frame), label=record.kind)

    with pytest.MonkeyPatch.context() as patch:
        for kind in _SIZES:
            patch.setattr(kind, "__init__", _then(kind.__init__, made))
            for name in _SHUTDOWNS[kind]:
                patch.setattr(kind, name, _then(getattr(kind, name), shut, before=True))
        if on_the_clock:
            patch.setattr(os, "cpu_count", lambda: PROCESSORS)
            if hasattr(os, "process_cpu_count"):  # what ThreadPoolExecutor asks from 3.13
                patch.setattr(os, "process_cpu_count", lambda: PROCESSORS)
        yield


def _then(method, tell, before=False):
    """`method`, telling `tell(self, caller's frame, args, kwargs)` of each call, after it (or before)."""

    @functools.wraps(method)
    def told(self, *args, **kwargs):
        if before:
            tell(self, sys._getframe(1), args, kwargs)
        result = method(self, *args, **kwargs)
        if not before:
            tell(self, sys._getframe(1), args, kwargs)
        return result

    return told


def pool_of_worker(given, pools):
    """The pool in `pools` a thread made with `given` (target and args) works for, if any."""
    for argument in given.args if isinstance(given.args, tuple) else ():
        if isinstance(argument, weakref.ref):
            owner = argument()
            return next((pool for pool in pools if owner is not None and pool.owner() is owner), None)
    return None
