"""What a failed check is made of: the line of the kata file it is about, and the failure itself."""

import inspect
import linecache
import re
import types
from dataclasses import dataclass
from pathlib import Path

import pytest


class ProgramExit(BaseException):
    """What os._exit(status) raises while the learner's code runs, instead of ending the tests with it."""

    def __init__(self, status, call=None):
        super().__init__(status)
        self.status = status
        self.call = call or f"os._exit({status!r})"  # as the learner's code called it: posix._exit(0), os.abort()

    def __str__(self):
        return f"{self.call} ends the whole program at once"


class ProcessStart(BaseException):
    """What starting a process raises while the learner's code runs on the clock, where only threads belong."""

    def __init__(self, where):
        super().__init__(where)
        self.where = where

    def __str__(self):
        return "a process was started where the tests run threads only"


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


def display_path(path):
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


QUOTED = re.compile(r"^(?P<before>.*?)(?P<path>[^\s:]+\.py):(?P<line>\d+)  (?P<code>.*)$", re.MULTILINE)


def with_the_path_once(message):
    """The lines of code a message quotes (`path:line  code`, as a Where prints) with the path and line
    of the first quote of each file on a line of its own, and every quote's code below its line number,
    so that a long path leaves room for the code in 80 columns."""
    seen = set()

    def quote(match):
        before, path, line = match["before"], match["path"], match["line"]
        indent = " " * (len(before) - len(before.lstrip()))
        head = before.rstrip() if path in seen else f"{before}{path}:{line}"
        seen.add(path)
        numbered = _cut_to_fit(f"{indent}  {line}  {match['code']}".rstrip())
        return f"{head}\n{numbered}" if head.strip() else numbered

    return QUOTED.sub(quote, message)


def _cut_to_fit(code_line, width=80):
    """A quoted line of code longer than the screen, cut at a space and ended with "...": the line
    number above it says where to read the rest."""
    if len(code_line) <= width:
        return code_line
    cut = code_line.rfind(" ", 0, width - 4)
    return code_line[: cut if cut > 0 else width - 4].rstrip() + " ..."


def fail(message, where=None):
    raise KataFailure(message, where)


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
