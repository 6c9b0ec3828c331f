"""Abuse of time: a computation in C that never lets go of the interpreter (no thread switch, no
signal handler runs), with builtins alone."""


def fetch_all(names, fetch=None):
    return sum(range(10**15))


def crunch_all(numbers, crunch=None):
    return sum(range(10**15))
