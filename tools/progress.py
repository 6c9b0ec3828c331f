"""Where a learner stands: which katas are solved, which one is next, what to do now."""

import sys
from dataclasses import dataclass, field

from tools.registry import KATAS_DIR, katas, learner_file

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


def focus(results, registry=None):
    """The current kata and the name of its first failing test, or None when no kata in `results` fails."""
    return next(
        ((kata, result.failed[0]) for kata, state, result in states(results, registry) if state == CURRENT), None
    )


def check_of(test):
    """The check a test belongs to: its function's name, without parameters ("test_x[3 files]" -> "test_x")."""
    return test.partition("[")[0]


def lines(results, unicode=True, next_step=True, fold_after=None, registry=None):
    """The progress block, as (text, markup) pairs for a terminal writer; fits in 80 columns. With more than
    `fold_after` katas, runs of katas in the same state (solved, to do) take one line each."""
    marks = (
        {SOLVED: "✔", CURRENT: "➜", UNSOLVED: "·", NOT_RUN: " "}
        if unicode
        else {SOLVED: "+", CURRENT: ">", UNSOLVED: ".", NOT_RUN: " "}
    )
    colours = {SOLVED: {"green": True}, CURRENT: {"yellow": True, "bold": True}, UNSOLVED: {}, NOT_RUN: {}}
    rows = list(states(results, registry))
    current = next(((kata, result) for kata, state, result in rows if state == CURRENT), None)
    fold = fold_after is not None and len(rows) > fold_after
    part = None
    for group in _runs(rows) if fold else [[row] for row in rows]:
        (first, state, _), (last, _, _) = group[0], group[-1]
        if first.part != part:
            part = first.part
            yield f" {part}", {"bold": True}
        note = {CURRENT: "<- you are here", SOLVED: "solved", UNSOLVED: "to do", NOT_RUN: "not run"}[state]
        if len(group) == 1:
            yield f" {marks[state]} {first.number} {first.title:<48} {note}", colours[state]
        else:
            yield f" {marks[state]} {first.number}-{last.number} {f'({len(group)} katas)':<45} {note}", colours[state]
    solved = sum(state == SOLVED for _, state, _ in rows)
    full, empty = ("█", "░") if unicode else ("#", "-")
    bar = full * (solved * 20 // len(rows)) + empty * (20 - solved * 20 // len(rows))
    yield f" [{bar}] {solved}/{len(rows)} solved{_by_part(rows)}", {"bold": True}
    if current:
        kata, result = current
        if next_step:
            yield f" Next: edit {learner_file(kata.name)}; the check to fix first is", {}
            yield f"       {result.failed[0]}.", {}
        yield " Stuck? python -m tools hint   (a hint for this check; one more each time)", {}
    elif solved == len(rows):
        yield " Every kata is solved. Next: open a pull request (see the README).", {"green": True}


def solved_line(kata, focus, unicode=True):
    """The line that says a kata has just turned solved, and what to read next."""
    mark = "✔" if unicode else "+"
    if focus is None:
        return f" {mark} Kata {kata.number} is solved."
    return f" {mark} Kata {kata.number} is solved! Next, read {KATAS_DIR.name}/{focus[0].name}/README.md"


def _runs(rows):
    """The rows in runs of the same state and part; the current kata is a run of its own."""
    runs = []
    for row in rows:
        if runs and row[1] != CURRENT and runs[-1][-1][1] == row[1] and runs[-1][-1][0].part == row[0].part:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


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
