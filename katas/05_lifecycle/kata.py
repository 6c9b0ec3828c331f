"""Kata 05: the life of a thread.

A thread is created, then started; it runs its task; join() waits until it has
finished; then the program goes on. is_alive() tells whether it is running.

1. lifecycle(work): create a thread that runs work(), start it and join it.
   Return what thread.is_alive() said at each stage, as a dict:
   {"created": ..., "started": ..., "joined": ...}
2. start_twice(work): start a thread that runs work(), join it, then call
   start() on the same thread again. Catch the error that raises and return it.
3. join_before_start(work): create a thread that runs work() and call join()
   before start(). Catch the error that raises and return it.
"""

import threading  # noqa: F401 - you will need it
import time


def lifecycle(work):
    return {"created": None, "started": None, "joined": None}


def start_twice(work):
    return None


def join_before_start(work):
    return None


def work():
    time.sleep(0.2)


if __name__ == "__main__":
    print("lifecycle(work) returned", lifecycle(work))
    print("start_twice(work) returned", repr(start_twice(work)))
    print("join_before_start(work) returned", repr(join_before_start(work)))
