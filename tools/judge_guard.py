"""Notices learner code that changes the judge while it runs inside it.

The learner's kata.py runs in the same process as the tests that judge it, so it could replace a
check, pytest's reports or `threading` itself, and pass. `JudgeSnapshot` remembers, before any
learner code is loaded, every module the verdict depends on: the objects their names point to,
the attributes of the classes they define, and the code of every function. After each test the
plugin compares; what was replaced is put back, and the test fails as "changed the judge". The
probes add the hooks they patch into `threading` while learner code runs. Learner code is free
to change its own module and the objects it makes.

No check inside the judged process is airtight (code that forges the judge's own records, found
through the garbage collector, is not seen); the README says what is and is not guaranteed.
"""

import functools
import re
import sys
import threading
import types
from dataclasses import dataclass
from operator import is_  # taken by value: learner code may replace operator.is_

from tools.failures import defined_in, display_path

# The verdict depends on these modules and on every module below them (json writes the results).
WATCHED_PACKAGES = ("tools", "_pytest", "pytest", "pluggy", "threading", "time", "builtins", "json")
# pytest sets these around every test itself; they shape how a failed assert is worded, never
# whether a test passes.
SET_BY_PYTEST_PER_TEST = {
    "_pytest.assertion.util._reprcompare",
    "_pytest.assertion.util._config",
    "_pytest.assertion.util._assertion_pass",
    "_pytest.debugging.pytestPDB._wrapped_pdb_cls",
}
# What makes a function do something else while it stays the same object.
CODE_ATTRIBUTES = ("__code__", "__defaults__")
# The GitHub runner reads these at the start of a line of a step's output as commands, after any white space
# (a carriage return included).
WORKFLOW_COMMAND = re.compile(r"^[^\S\n]*(?:::[A-Za-z-]+(?:[ \t][^\n]*)?::|##\[[A-Za-z-]+)[^\n]*", re.MULTILINE)


@dataclass(frozen=True)
class Replacement:
    """One thing of the judge that is no longer what it was."""

    name: str  # e.g. "tools.lessons.fail" or "_pytest.reports.TestReport.from_item_and_call"
    now: object
    restore: types.FunctionType | None  # puts the original back, where nothing else will

    def defined_at(self, kata_file):
        """Where the kata file defines what took the original's place, if it does."""
        return defined_in(self.now, kata_file)

    def describe(self, kata_file):
        where = self.defined_at(kata_file)
        return f"{self.name} was replaced by {_kind(self.now)}" + (f"\n    at {where}" if where else "")


class JudgeSnapshot:
    """What the judge's modules are before any learner code runs."""

    def __init__(self, extra_modules=()):
        modules = [module for name, module in list(sys.modules.items()) if _watched(name)] + list(extra_modules)
        self._modules = {module.__name__: module for module in modules}
        self._namespaces = []  # (name, owner, attributes pytest changes itself, a copy of the others)
        self._functions = []  # (name, function)
        for module in modules:
            self._remember(module.__name__, module)
        self._code_state = _code_state(function for _, function in self._functions)
        self._tracing = _tracing()

    def _remember(self, name, owner):
        skipped = {full.rpartition(".")[2] for full in SET_BY_PYTEST_PER_TEST if full.rpartition(".")[0] == name}
        attributes = _attributes(owner, skipped)
        self._namespaces.append((name, owner, skipped, attributes))
        for key, value in attributes.items():
            function = value.__func__ if isinstance(value, classmethod | staticmethod) else value
            if isinstance(function, types.FunctionType):
                self._functions.append((f"{name}.{key}", function))
            if isinstance(owner, types.ModuleType) and isinstance(value, type) and value.__module__ == name:
                self._remember(f"{name}.{key}", value)

    def replacements(self):
        """Everything changed since the snapshot, each able to put the original back."""
        found = [
            Replacement(f"sys.modules[{name!r}]", sys.modules.get(name), _setter(sys.modules, name, module))
            for name, module in self._modules.items()
            if sys.modules.get(name) is not module
        ]
        for name, owner, skipped, before in self._namespaces:
            now = _attributes(owner, skipped)
            if now.keys() == before.keys() and all(map(is_, now.values(), before.values())):
                continue
            for key in sorted(before.keys() | now.keys()):
                if now.get(key, _MISSING) is not before.get(key, _MISSING):
                    value = now.get(key)
                    found.append(Replacement(f"{name}.{key}", value, _setter(owner, key, before.get(key, _MISSING))))
        for (name, before, restore), (_, now, _) in zip(self._tracing, _tracing(), strict=True):
            if now is not before:
                found.append(Replacement(name, now, restore))
        code_now = _code_state(function for _, function in self._functions)
        if not all(map(is_, code_now, self._code_state)):
            for index, (name, function) in enumerate(self._functions):
                for offset, attribute in enumerate(CODE_ATTRIBUTES):
                    now, original = code_now[2 * index + offset], self._code_state[2 * index + offset]
                    if now is not original:
                        restore = _setter(function, attribute, original)
                        found.append(Replacement(f"the {attribute} of {name}", now, restore))
        return found


def lesson(replacements, kata_file):
    """What the learner reads when their code changed the judge."""
    shown = [f"  {replacement.describe(kata_file)}" for replacement in replacements[:5]]
    if len(replacements) > 5:
        shown.append(f"  ... and {len(replacements) - 5} more")
    return (
        f"Your code in {display_path(kata_file)} changed the judge: the tests can no longer say whether it works.\n"
        + "\n".join(shown)
        + "\nA kata.py does its task with threads; it leaves the tests, tools/ and pytest as they are."
        " What was replaced is put back, and this kata counts as failed."
    )


def files_lesson(paths):
    shown = "\n".join(f"  {path}" for path in paths[:5]) + (
        f"\n  ... and {len(paths) - 5} more" if len(paths) > 5 else ""
    )
    return (
        f"Your code changed the judge: it changed files the check runs from.\n{shown}\n"
        "A kata.py does its task with threads; it leaves the tests, tools/ and the settings as they are."
        " Each kata is judged in a fresh copy, so the change cannot reach another kata's verdict."
    )


def installation_lesson(paths):
    return (
        "Your code changed the judge: it changed files the check itself runs from, outside the copy"
        f" it was given ({len(paths)} file{'s' if len(paths) != 1 else ''}; the first: {paths[0]}).\n"
        "The katas after this one are not judged, because their tests would run on what your code left behind."
    )


def runner_file_lesson(variable):
    return (
        f"Your code changed the judge: it wrote to the GitHub runner's file ${variable}, where only the"
        " check may write. What it wrote is removed."
    )


def ended_early_lesson(exit_status, output):
    last = [line for line in output.strip().splitlines() if line.strip()][-3:]
    printed = "".join(f"\n  {line[:100]}" for line in last)
    return (
        f"The tests of this kata did not finish: the process that ran them ended (exit status {exit_status})"
        " before pytest could give its verdict.\n"
        "If your code calls os._exit(), or ends its own process some other way, it ends the tests with it;"
        " let your functions return instead." + (f"\nThe last lines it printed:{printed}" if printed else "")
    )


def out_of_time_lesson(seconds):
    return (
        f"The tests of this kata did not finish: they were ended after {seconds} seconds, the most a kata's"
        " tests may take (they take about one second). Your code, or what it left running (a thread, a process,"
        " an atexit function), kept them from ending: let your functions return, and join what you start."
    )


def incomplete_report_lesson(collected, reported):
    return (
        f"The tests of this kata did not all report: pytest gave the verdict of {reported} of its"
        f" {collected} checks. A run that stops early (pytest.exit(), a signal, an exit at the end)"
        " does not pass; let your functions return instead."
    )


def workflow_commands(text):
    """Lines of `text` that GitHub's runner would take as workflow commands."""
    return [match.group(0).strip() for match in WORKFLOW_COMMAND.finditer(text)]


def workflow_command_lesson(commands):
    return (
        f"Your code printed a line that GitHub reads as a workflow command:\n  {commands[0][:100]}\n"
        "A kata prints only what its task asks for; a line that starts with :: can change what a"
        " pull request's check reports, so it fails the check."
    )


_MISSING = object()


def _watched(name):
    return any(name == package or name.startswith(f"{package}.") for package in WATCHED_PACKAGES)


def _attributes(owner, skipped):
    attributes = dict(vars(owner))
    for key in skipped:
        attributes.pop(key, None)
    return attributes


def _code_state(functions):
    """What a learner would swap to change a function in place, for every function, in one flat list."""
    return [getattr(function, attribute) for function in functions for attribute in CODE_ATTRIBUTES]


def _tracing():
    """(name, what is set, a function that puts it back) for each hook through which code watches or changes
    the tests as they run: the tracer and profiler of this thread and of new threads, and on Python 3.12+
    the tools of sys.monitoring."""
    hooks = [
        ("the tracer of pytest's thread (sys.settrace)", sys.gettrace(), sys.settrace),
        ("the profiler of pytest's thread (sys.setprofile)", sys.getprofile(), sys.setprofile),
        ("the tracer of new threads (threading.settrace)", threading.gettrace(), threading.settrace),
        ("the profiler of new threads (threading.setprofile)", threading.getprofile(), threading.setprofile),
    ]
    found = [(name, now, functools.partial(setter, now)) for name, now, setter in hooks]
    monitoring = getattr(sys, "monitoring", None)
    for tool in range(6) if monitoring else ():
        now = monitoring.get_tool(tool)
        found.append((f"the sys.monitoring tool {tool}", now, functools.partial(_free_tool, monitoring, tool, now)))
    return found


def _free_tool(monitoring, tool, original):
    if original is None and monitoring.get_tool(tool) is not None:
        monitoring.set_events(tool, 0)
        monitoring.free_tool_id(tool)


def _setter(owner, attribute, original):
    if owner is sys.modules:
        return lambda: sys.modules.__setitem__(attribute, original)
    if original is _MISSING:
        return lambda: delattr(owner, attribute)
    return lambda: setattr(owner, attribute, original)


def _kind(value):
    if value is None:
        return "nothing (deleted)"
    if isinstance(value, types.CodeType):
        return f"the code of {value.co_name}()"
    if getattr(value, "__name__", None) == "<lambda>":
        return "a lambda"
    if callable(value):
        return f"{getattr(value, '__qualname__', type(value).__name__)}()"
    return f"a {type(value).__name__}"
