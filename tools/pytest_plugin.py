"""The pytest plugin behind the katas: fixtures that load and watch the learner's code,
failure reports that read as lessons, and a focused view of the learner's progress."""

import contextlib
import hashlib
import hmac
import importlib.util
import json
import multiprocessing
import os
import re
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path

import _pytest.config
import pytest

from tools import lessons, progress, review, starters, submission
from tools.failures import KataFailure, display_path, fail, with_the_path_once
from tools.judge_guard import JudgeSnapshot, Replacement, lesson, workflow_command_lesson, workflow_commands
from tools.probes import ThreadWatch
from tools.registry import KATA_FILE, KATAS_DIR, katas, learner_file
from tools.schedules import Explorer

SHOW_HINT_AFTER = 3  # failing runs in a row at the same check
STREAK = "katas/failing-streak"  # in pytest's cache: the check that failed last, and for how many runs
FOCUS = "katas/focus"  # in pytest's cache: the kata in focus after the last focused run
HINTS_SHOWN = "katas/hints-shown"  # in pytest's cache: "<kata>::<check>" -> how many of its hints were asked for
CAPTURED_LINES = 20
# With more katas than this, the focused view's progress block shows a run of solved, or of later, katas as one line.
FOLD_AFTER = 8


def pytest_addoption(parser):
    group = parser.getgroup("katas")
    group.addoption(
        "--kata-file",
        type=Path,
        help="judge this file instead of the kata's own kata.py (run one kata with it)",
    )
    group.addoption(
        "--solutions",
        type=Path,
        help="judge DIR/<kata>.py instead of each kata's kata.py, e.g. tests/solutions",
    )
    group.addoption(
        "--kata-results",
        type=Path,
        help="write each kata's passed and failed tests to this JSON file (for python -m tools progress)",
    )
    group.addoption(
        "--kata-results-key",
        type=Path,
        help="sign the --kata-results with the key in this file, which is removed at once (for the judge)",
    )
    group.addoption(
        "--orders",
        action="store_true",
        help="after the run, list how many orders of the threads each every_order check tried",
    )
    group.addoption(
        "--next-hint",
        type=Path,
        metavar="PATH",
        help="for python -m tools hint: count one more hint asked for the check that fails first,"
        " and write the kata, the check and the count to this JSON file",
    )
    group.addoption(
        "--all-katas",
        action="store_true",
        default=os.environ.get("KATAS_ALL", "") not in ("", "0"),
        help="show every failing kata in full, not just the first unsolved one (or set KATAS_ALL=1)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "every_order: the check must hold in every order the threads could run in (tools/schedules.py)"
    )
    config.pluginmanager.register(KataSession(config), "kata-session")


def kata_file_for(request):
    kata_dir = request.path.parent
    if request.config.getoption("kata_file"):
        return request.config.getoption("kata_file")
    if request.config.getoption("solutions"):
        return request.config.getoption("solutions") / f"{kata_dir.name}.py"
    return kata_dir / KATA_FILE


@pytest.fixture
def watch(request):
    """Runs learner code and records what its threads do."""
    watch = ThreadWatch(kata_file_for(request))
    request.config.stash[_learner_code_ran] = request.session
    stuck = request.config.stash.setdefault(_stuck_files, {})
    if watch.kata_file in stuck:
        fail(f"Not run: {display_path(watch.kata_file)} got stuck in {stuck[watch.kata_file]} above.")
    yield watch
    watch.stop_leftover_threads()
    if watch.got_stuck:
        stuck[watch.kata_file] = request.node.name


@pytest.fixture
def kata(watch):
    """The learner's kata.py, freshly loaded for each test."""
    yield _load(watch)
    sys.modules.pop(_module_name(watch), None)


def _module_name(watch):
    return f"kata_under_test_{abs(hash(watch.kata_file))}"


def _load(watch):
    spec = importlib.util.spec_from_file_location(_module_name(watch), watch.kata_file)
    module = importlib.util.module_from_spec(spec)
    # Importable by its name while the test runs, as a program's own module is: a process pool
    # pickles the functions it hands to other processes by module and name.
    sys.modules[spec.name] = module
    watch.load(module)
    if type(module) is not types.ModuleType:  # its class swapped: every name the tests read would run its code
        fail(
            f"Your code in {display_path(watch.kata_file)} changed the judge: it changed the class of its own"
            f" module to {type(module).__name__}, so every name the tests read from it runs your code.\n"
            "A kata.py defines the functions its task asks for, and leaves its module as it is."
        )
    module.__getattr__ = _missing_from(watch.kata_file)  # asked only for names the file does not define
    return module


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """A check marked `every_order` runs in the clock's own order, then in the other orders
    tools/schedules.py tries, each with the kata file loaded afresh; the first order that fails
    the check is its verdict, told as an order a real machine can run the threads in."""
    if pyfuncitem.get_closest_marker("every_order") is None or "watch" not in pyfuncitem.funcargs:
        return None
    watched = pyfuncitem.funcargs["watch"]
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    explorer = Explorer()
    for schedule in explorer:
        watch = watched if schedule.delays == {} else ThreadWatch(watched.kata_file)
        watch.clock.schedule = schedule
        try:
            if watch is not watched:
                arguments.update(watch=watch, kata=_load(watch))
            pyfuncitem.obj(**arguments)
        except KataFailure as failure:
            if not schedule.told:
                raise
            raise KataFailure(lessons.order_lesson(schedule.told) + str(failure), failure.where) from None
        finally:
            watch.clock.schedule = None
            if watch is not watched:
                watch.stop_leftover_threads()
                watched.got_stuck |= watch.got_stuck
                watched.replaced_hooks += watch.replaced_hooks
    pyfuncitem.stash[orders_tried] = explorer
    if watched.lock_inversion is not None:
        fail(*watched.lock_inversion)
    return True


def _missing_from(kata_file):
    def missing(name):
        fail(
            f"The test looks for `{name}` in {display_path(kata_file)}, but the file defines no such name."
            f"\nKeep the names the task at the top of the file gives (git diff {display_path(kata_file)}"
            " shows what you changed)."
        )

    return missing


def kata_name(item_or_report):
    """The kata folder a test belongs to, or None for tests that are not kata tests."""
    return _kata_of(item_or_report.nodeid)


def _kata_of(nodeid):
    parts = nodeid.split("::")[0].split("/")
    return parts[1] if len(parts) == 3 and parts[0] == KATAS_DIR.name else None


class KataSession:
    """Follows one pytest run over the katas: which kata is the learner's current one,
    which failures to show in full, and the progress to show at the end."""

    def __init__(self, config):
        self.config = config
        self.order = {kata.name: number for number, kata in enumerate(katas())}
        self.katas = {kata.name: kata for kata in katas()}
        self.results = {}
        self.collected, self.reported = [], set()  # the kata tests' node ids
        self.kata_files = {}  # kata name -> the learner's file its tests ran on
        self.orders = {}  # nodeid -> the Explorer of an every_order check
        self.shown_failure = None  # the one failure shown in full, when focused
        self.judge = None  # what the judge is before any learner code runs
        self.focused = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.getoption("all_katas")
        self.results_key = _take_key(config.getoption("kata_results_key"))

    def pytest_sessionstart(self, session):
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if self.focused and reporter is not None:
            reporter.reportchars = ""  # the one failure shown in full already says it all
            # One line of progress for all the katas, not one per kata: the progress block at the end names
            # them, and the screen keeps its rows for the lesson.
            reporter.showfspath = False

    def pytest_collection_modifyitems(self, items):
        # The registry, not the folder names, decides the order of the katas.
        items.sort(key=lambda item: self.order.get(kata_name(item), -1))

    def pytest_collection_finish(self, session):
        self.collected = [item.nodeid for item in session.items if kata_name(item)]
        # The kata tests are imported now, and no kata.py is loaded before its first test runs.
        kata_tests = {item.module for item in session.items if kata_name(item)}
        if kata_tests:
            self.judge = JudgeSnapshot(extra_modules=kata_tests)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        only_katas = session.items and all(kata_name(item) for item in session.items)
        if only_katas and reporter is not None and self.config.getoption("reportchars") == "fE":
            # Each failure of a kata run is a lesson printed in full above; a list of their test ids, wider
            # than 80 columns, would add nothing. Asked for with -r (pytest's default is fE), it is still shown.
            reporter.reportchars = ""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item):
        if kata_name(item) and not self.config.getoption("solutions"):
            self.kata_files.setdefault(kata_name(item), Path(kata_file_for(item._request)))
        # A kata file that does not load, or a kata stuck in an earlier test, is this test's verdict:
        # report it as the test's failure, not as an error in its set-up, which VS Code's Testing view
        # shows as "Test failed with exception" with the lesson hidden in the traceback.
        try:
            return (yield)
        except KataFailure as failure:
            item.stash[_failed_in_setup] = failure

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item):
        if _failed_in_setup in item.stash:
            raise item.stash[_failed_in_setup]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.excinfo is not None and call.excinfo.errisinstance(KataFailure):
            report.longrepr = _wrapped(with_the_path_once(str(call.excinfo.value)))
            where = call.excinfo.value.where
            if where is not None and where.path == Path(kata_file_for(item._request)).resolve():
                report.kata_line = where.line
        name = kata_name(item)
        if name is None:
            return report
        if orders_tried in item.stash and report.when == "call":
            self.orders[item.nodeid] = item.stash[orders_tried]
        self._guard_the_judge(report, item)
        _shorten_captured_output(report)
        if report.failed:
            self._focus(report, item, name)
        return report

    def _guard_the_judge(self, report, item):
        """Fail the test if the learner's code changed the judge, or printed workflow commands."""
        # After the call, before its verdict is shown; again after teardown, for changes made by a
        # kata.py that failed to load, or by threads it left running.
        replacements = self.judge.replacements() if self.judge and report.when != "setup" else []
        watch = (getattr(item, "funcargs", None) or {}).get("watch")
        if watch is not None:
            replacements += [Replacement(name, now, restore=None) for name, now in watch.replaced_hooks]
            watch.replaced_hooks = []  # said once, in this report
        for replacement in replacements:
            if replacement.restore:
                replacement.restore()
        printed = "".join(text for title, text in report.sections if title.endswith(f" {report.when}"))
        commands = workflow_commands(printed)
        if not replacements and not commands:
            return
        kata_file = watch.kata_file if watch else kata_file_for(item._request)
        report.outcome = "failed"
        report.judge_changed = True
        report.longrepr = _wrapped(
            with_the_path_once(lesson(replacements, kata_file) if replacements else workflow_command_lesson(commands))
        )
        where = next(filter(None, (r.defined_at(Path(kata_file).resolve()) for r in replacements)), None)
        report.kata_line = where.line if where else None

    def _focus(self, report, item, name):
        if not self.focused:
            return
        if self.shown_failure is not None:
            report.kata_waiting = True
            return
        self.shown_failure = item.nodeid
        kata = self.katas[name]
        header = (
            f"You are here: kata {kata.number}, {kata.title}\n"
            f"Edit {learner_file(kata.name)}; the first check that fails is\n{item.name}:\n\n"
        )
        report.longrepr = header + str(report.longrepr) + self._hint_after_repeated_failures(item, name)

    def _hint_after_repeated_failures(self, item, name):
        """A hint for the check that fails, once it has failed SHOW_HINT_AFTER runs in a row: the newest hint
        `python -m tools hint` has shown for it, else its first. Runs of the untouched starter do not count:
        the streak begins with the learner's first save."""
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return ""
        kata = self.katas[name]
        if starters.is_untouched_starter(kata, kata_file_for(item._request)):
            return ""
        check = item.originalname  # the test function, whatever its parameters
        streak = cache.get(STREAK, {})
        count = streak.get("count", 0) + 1 if streak.get("check") == f"{name}::{check}" else 1
        cache.set(STREAK, {"check": f"{name}::{check}", "count": count})
        hints = kata.hints_for(check)
        if count < SHOW_HINT_AFTER or not hints:
            return ""
        shown = min(max(cache.get(HINTS_SHOWN, {}).get(f"{name}::{check}", 0), 1), len(hints))
        return _wrapped(
            f"\n\nHint (this check has failed {count} runs in a row): {hints[shown - 1]}"
            f"\nAnother hint: python -m tools hint"
        )

    def _count_next_hint(self):
        """For python -m tools hint: one more hint of the check that fails first, counted in pytest's cache."""
        found = progress.focus(self.results)
        if found is None:
            return {}
        kata, test = found
        check = progress.check_of(test)
        hints = kata.hints_for(check)
        cache = getattr(self.config, "cache", None)
        shown = cache.get(HINTS_SHOWN, {}) if cache is not None else {}
        count = min(shown.get(f"{kata.name}::{check}", 0) + 1, len(hints))
        if cache is not None:
            cache.set(HINTS_SHOWN, {**shown, f"{kata.name}::{check}": count})
        return {"kata": kata.name, "check": test, "shown": count}

    def _just_solved(self):
        """The kata that was in focus at the last run and is solved now, with the focus moved on; else None."""
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return None
        before = cache.get(FOCUS, None)
        now = progress.focus(self.results)
        cache.set(FOCUS, now[0].name if now else None)
        if before not in self.katas or (now and self.order[now[0].name] <= self.order[before]):
            return None
        result = self.results.get(before)
        return self.katas[before] if result and result.ran and not result.failed else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report):
        if getattr(report, "kata_waiting", False):
            return "waiting", "w", "WAITING"
        if getattr(report, "judge_changed", False):
            return "failed", "F", "FAILED"
        return None

    def pytest_runtest_logreport(self, report):
        name = kata_name(report)
        if name is None or (report.when != "call" and not report.failed):
            return
        result = self.results.setdefault(name, progress.KataResult())
        self.reported.add(report.nodeid)
        if report.failed:
            test = report.nodeid.split("::")[-1]
            judge_changed = getattr(report, "judge_changed", False) and not result.judge_changed
            if judge_changed or not result.failed:
                result.judge_changed |= judge_changed
                result.message, result.line = report.longreprtext, getattr(report, "kata_line", None)
            if test not in result.failed:
                result.failed.append(test)
        else:
            result.passed += 1

    def pytest_sessionfinish(self, session):
        if self._count_what_did_not_report():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # whatever pytest.exit() asked for
        cache = getattr(self.config, "cache", None)
        if self.focused and self.shown_failure is None and cache is not None:
            cache.set(STREAK, {})
        next_hint = self.config.getoption("next_hint")
        if next_hint:
            next_hint.write_text(json.dumps(self._count_next_hint()))
        results_file = self.config.getoption("kata_results")
        if results_file:
            results = json.dumps({name: vars(result) for name, result in self.results.items()})
            if self.results_key is not None:
                results = json.dumps({"results": results, "signature": sign(self.results_key, results)})
            results_file.write_text(results)

    def _show_what_needs_review(self, terminalreporter):
        """The static gate's findings (tools/review.py), as a warning: a pull request fails them."""
        for kata_file in self.kata_files.values():
            try:
                found = review.findings(kata_file.read_text())
            except (OSError, UnicodeDecodeError):
                continue
            if found:
                terminalreporter.write_line("")
                for line in review.warning(found, display_path(kata_file)):
                    terminalreporter.write_line(line, yellow=True)

    def _count_what_did_not_report(self):
        """A test of a kata that ran, whose verdict never came (pytest.exit(), a run cut short), failed;
        whether there was one."""
        unreported = False
        for nodeid in self.collected:
            name = _kata_of(nodeid)
            result = self.results.get(name)
            if result is None or nodeid in self.reported:
                continue
            test = nodeid.split("::")[-1]
            if not result.failed:
                result.message = (
                    f"The run ended before {test} of {name} could give its verdict:"
                    " code that ends the tests (pytest.exit(), a signal) does not make them pass."
                )
            result.failed.append(test)
            unreported = True
        return unreported

    def pytest_terminal_summary(self, terminalreporter):
        self._show_what_needs_review(terminalreporter)
        self._report_orders(terminalreporter)
        self._report_progress(terminalreporter)

    def _report_orders(self, terminalreporter):
        """Orders tried per check, if asked; a check that reached the cap is said always, never a silent pass."""
        listed = self.config.getoption("orders")
        capped = {nodeid: explorer for nodeid, explorer in self.orders.items() if explorer.untried}
        if not (listed and self.orders) and not capped:
            return
        terminalreporter.section("orders of the threads tried")
        for nodeid, explorer in (self.orders if listed else capped).items():
            path, _, check = nodeid.partition("::")
            terminalreporter.write_line(f"{explorer.tried:4}  {Path(path).parent.name[:2]} {check}")
            if explorer.untried:
                terminalreporter.write_line(
                    f"     the first {explorer.tried} only: {explorer.untried} more orders were left untried"
                )

    def _report_progress(self, terminalreporter):
        if not self.results or not (self.focused or self.config.getoption("all_katas")):
            return
        terminalreporter.section("katas")
        unicode = progress.can_print_unicode(sys.__stdout__)
        solved = self._just_solved() if self.focused else None
        if solved is not None:
            terminalreporter.write_line(progress.solved_line(solved, progress.focus(self.results), unicode), green=True)
        # The failure's header already says which file to edit and which check fails first.
        lines = progress.lines(
            self.results, unicode=unicode, next_step=not self.focused, fold_after=FOLD_AFTER if self.focused else None
        )
        for text, markup in lines:
            terminalreporter.write_line(text, **markup)
        if self.focused:
            for line in self._lint_of_the_kata_in_focus():
                terminalreporter.write_line(line, yellow=True)

    def _lint_of_the_kata_in_focus(self):
        """What ruff says about the kata in focus's own kata.py, as the pull request's check would say it."""
        focus = progress.focus(self.results)
        if focus is None or self.config.getoption("kata_file") or self.config.getoption("solutions"):
            return []
        name = focus[0].name
        try:
            kata_file = self.config.rootpath / learner_file(name)
            findings = submission.ruff_findings(self.config.rootpath, {name: kata_file.read_bytes()})
        except (OSError, ValueError, subprocess.CalledProcessError):  # no ruff to run: the check will say it
            return []
        if not findings:
            return []
        said = [f" The pull request's check will also warn about {learner_file(name)} (ruff):"]
        return said + [_cut(f"   line {f['location']['row']}: {f['code']} {f['message']}") for f in findings]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, config):
    # Before pytest prints the failures: when it prints them all (a kata named, KATAS_ALL=1), a lesson
    # that several checks of a kata fail with is printed once. The focused view prints one failure only.
    if not config.pluginmanager.get_plugin("kata-session").focused:
        _one_lesson_per_cause(terminalreporter.stats.get("failed", []))
    return (yield)


def _one_lesson_per_cause(reports):
    """Shorten each failure whose lesson an earlier failure of its kata gave, about the same line, to a
    line that names that failure. Lessons count as the same when only their numbers differ (file1.txt and
    photo1.jpg, 3 threads and 5), and the pictures of the runs are left out of the comparison."""
    first = {}
    for report in reports:
        if not isinstance(report.longrepr, str) or kata_name(report) is None:
            continue
        said = re.sub(r"\S*\d\S*", "#", report.longrepr.split("\n\nWhat your threads did")[0])
        cause = (kata_name(report), getattr(report, "kata_line", None), said)
        if cause not in first:
            first[cause] = report.nodeid.split("::")[-1]
            continue
        said_once = f"Fails for the same reason as {first[cause]}, above."
        report.longrepr = said_once if len(said_once) <= 80 else said_once.replace(" as ", " as\n", 1)
        report.sections = []


def _take_key(path):
    """The judge's key for signing the results, read before any learner code runs, its file removed: code
    that writes a results file of its own (or rewrites this one at exit) cannot sign it."""
    if path is None:
        return None
    key = path.read_bytes()
    path.unlink()
    return key


def sign(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _wrapped(text, width=80):
    """Fold long lines of prose; lines with aligned columns (pictures, code) stay as they are."""
    return "\n".join(
        textwrap.fill(line, width, subsequent_indent="  " if line.startswith("  ") else "")
        if len(line) > width and "  " not in line.strip()
        else line
        for line in text.split("\n")
    )


def _cut(line, width=80):
    return line if len(line) <= width else line[: width - 1] + "…"


def _shorten_captured_output(report):
    """Keep what the learner's code printed readable: the first lines, and how many more there were."""
    shortened = []
    for title, content in report.sections:
        lines = content.splitlines()
        if len(lines) > CAPTURED_LINES or len(content) > 4000:
            kept = "\n".join(line[:200] for line in lines[:CAPTURED_LINES])
            content = f"{kept}\n... and {len(lines) - CAPTURED_LINES} more lines ({len(content):,} characters)\n"
        shortened.append((title, content))
    report.sections = shortened


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    # First of all: what comes after, pytest's own clean-up included (logging closes its handlers, whose
    # lock a learner's thread may hold), could wait for what the learner's code left behind.
    # The learner's threads are daemon threads (see ThreadWatch), so they end with pytest.
    left_running = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    if left_running:
        print(f"\nThreads your code left running end with pytest: {', '.join(left_running)}", file=sys.stderr)
    session = config.stash.get(_learner_code_ran, None)
    # Only where pytest is the program (python -m pytest, ptw, the check), not inside another one that
    # goes on after it (VS Code's test adapter calls pytest.main() and reports on after it returns).
    if session is not None and (_pytest_is_the_program() or config.getoption("kata_results_key")):
        _end_now(session.exitstatus)


def _pytest_is_the_program():
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is _pytest.config.console_main.__code__:
            return True
        frame = frame.f_back
    return False


def _end_now(status):
    """End this process now that pytest has said everything, whatever the learner's code left behind.
    Python's own way out waits for it: for every thread a concurrent.futures executor started (the
    executor joins its workers at exit), for a process pool's processes, for atexit functions, and a
    learner's thread waiting on the virtual clock, a process that ignores signals or an atexit function
    that sleeps would keep pytest (and ptw's screen, and the judge) from ever ending."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    for process in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            process.kill()
    os._exit(int(status))


_stuck_files = pytest.StashKey[dict]()
_learner_code_ran = pytest.StashKey[pytest.Session]()
orders_tried = pytest.StashKey[Explorer]()
_failed_in_setup = pytest.StashKey[KataFailure]()
