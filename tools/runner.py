"""How the tools and the repository's tests start pytest: in a fresh process, under this Python."""

import sys


def fresh_pytest(*args, cache=False):
    """The command line of a fresh `python -m pytest *args`, the arguments as strings. Without pytest's cache
    (-p no:cacheprovider) unless `cache` is true: only the learner's own runs keep .pytest_cache, where
    the katas count failing runs for the hints."""
    return [sys.executable, "-m", "pytest", *([] if cache else ["-p", "no:cacheprovider"]), *map(str, args)]
