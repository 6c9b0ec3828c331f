"""Run a script with a virtual clock: time.sleep() returns as soon as no thread can do
anything else, so a lesson's example that sleeps for seconds runs in milliseconds, and its
threads take turns in one fixed order: a started thread runs until it sleeps, joins or ends,
then start() returns.

    python -m tools.virtual_time katas/01_start_and_join/example.py
"""

import runpy
import sys
import threading
import time

POLL = 0.002


class VirtualClock:
    """Time stands still while any thread is busy; when all are asleep or joining, the
    clock jumps to the earliest wake-up and wakes that one thread."""

    def __init__(self):
        self.now = 0.0
        self._order = 0
        self._sleepers = {}  # thread -> (wake-up time, order of falling asleep)
        self._joining = {}  # thread -> the thread it waits for
        self._changed = threading.Condition()

    def install(self):
        original_start, original_join = threading.Thread.start, threading.Thread.join

        def start(thread):
            original_start(thread)
            with self._changed:
                while thread.is_alive() and not self._waits(thread):
                    self._changed.wait(POLL)

        def join(thread, timeout=None):
            me = threading.current_thread()
            with self._changed:
                self._joining[me] = thread
            try:
                return original_join(thread, timeout)
            finally:
                with self._changed:
                    self._joining.pop(me, None)

        threading.Thread.start = start
        threading.Thread.join = join
        time.sleep = self.sleep

    def sleep(self, seconds):
        me = threading.current_thread()
        with self._changed:
            self._order += 1
            self._sleepers[me] = (self.now + seconds, self._order)
            while me in self._sleepers:
                if self._everyone_waits():
                    first = min(self._sleepers, key=self._sleepers.get)
                    self.now = self._sleepers.pop(first)[0]
                    self._changed.notify_all()
                else:
                    self._changed.wait(POLL)

    def _waits(self, thread):
        return thread in self._sleepers or (thread in self._joining and self._joining[thread].is_alive())

    def _everyone_waits(self):
        return all(self._waits(thread) for thread in threading.enumerate() if not thread.daemon)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    VirtualClock().install()
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
