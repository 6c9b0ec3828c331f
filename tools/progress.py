"""Where a learner stands: which katas are solved, which one is next, what to do now."""

import sys
from dataclasses import dataclass, field

from tools.registry import katas, learner_file

SOLVED, CURRENT, UNSOLVED, NOT_RUN = "solved", "current", "unsolved", "not run"


@dataclass
class KataResult:
    """What one run of pytest found for one kata."""

    passed: int = 0
    failed: list[str] = field(default_factory=list)  # names of the failing tests, in order
    message: str = ""  # what the first failing test said, or how the code changed the judge
    line: int | None = None  # the line of the learner's kata.py that message is about
    judge_changed: bool = False  # the learner's code changed the tests, their helpers or pytest

    @property
    def ran(self):
        return self.passed or self.failed


def states(results, registry=None):
    """Each kata in order with its state; the first kata not solved is the current one."""
    found_current = False
    for kata in registry or katas():
        result = results.get(kata.name, KataResult())
        if not result.ran:
            state = NOT_RUN
        elif not result.failed:
            state = SOLVED
        elif not found_current:
            state, found_current = CURRENT, True
        else:
            state = UNSOLVED
        yield kata, state, result


def lines(results, unicode=True):
    """The progress block, as (text, markup) pairs for a terminal writer; fits in 80 columns."""
    marks = (
        {SOLVED: "✔", CURRENT: "➜", UNSOLVED: "·", NOT_RUN: " "}
        if unicode
        else {SOLVED: "+", CURRENT: ">", UNSOLVED: ".", NOT_RUN: " "}
    )
    colours = {SOLVED: {"green": True}, CURRENT: {"yellow": True, "bold": True}, UNSOLVED: {}, NOT_RUN: {}}
    rows = list(states(results))
    current = next(((kata, result) for kata, state, result in rows if state == CURRENT), None)
    part = None
    for kata, state, _ in rows:
        if kata.part != part:
            part = kata.part
            yield f" {part}", {"bold": True}
        note = {CURRENT: "<- you are here", SOLVED: "solved", UNSOLVED: "to do", NOT_RUN: "not run"}[state]
        yield f" {marks[state]} {kata.number} {kata.title:<48} {note}", colours[state]
    solved = sum(state == SOLVED for _, state, _ in rows)
    full, empty = ("█", "░") if unicode else ("#", "-")
    bar = full * (solved * 20 // len(rows)) + empty * (20 - solved * 20 // len(rows))
    yield f" [{bar}] {solved}/{len(rows)} solved{_by_part(rows)}", {"bold": True}
    if current:
        kata, result = current
        yield f" Next: edit {learner_file(kata.name)}; the check to fix first is", {}
        yield f"       {result.failed[0]}.", {}
        yield f" Stuck? python -m tools hint {kata.number}", {}
    elif solved == len(rows):
        yield " Every kata is solved. Next: open a pull request (see the README).", {"green": True}


def _by_part(rows):
    """How many katas of each part are solved, when there is more than one part: " (part 1: 6/6, ...)"."""
    parts = list(dict.fromkeys(kata.part for kata, _, _ in rows))
    if len(parts) < 2:
        return ""
    counts = [
        f"part {part.number}: {sum(state == SOLVED for kata, state, _ in rows if kata.part == part)}"
        f"/{sum(kata.part == part for kata, _, _ in rows)}"
        for part in parts
    ]
    return f" ({', '.join(counts)})"


def can_print_unicode(stream=None):
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "✔➜█░".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
