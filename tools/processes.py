"""Kata 06's stand-in for work that computes: a module-level function, so that a process pool can
pickle it by name, which tells where it ran."""

import os
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Crunched:
    """What crunch(number) computed, and in which process and thread."""

    number: int
    value: int
    pid: int
    thread: str


def crunch(number):
    return Crunched(number, number * number, os.getpid(), threading.current_thread().name)
