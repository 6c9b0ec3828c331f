"""The pytest plugin behind the katas: fixtures that load and watch the learner's code,
and failure reports that read as lessons instead of tracebacks."""

import importlib.util
import os
import sys
import threading
from pathlib import Path

import pytest

from tools.probes import KataFailure, ThreadWatch, display_path


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


def kata_file_for(request):
    kata_dir = request.path.parent
    if request.config.getoption("kata_file"):
        return request.config.getoption("kata_file")
    if request.config.getoption("solutions"):
        return request.config.getoption("solutions") / f"{kata_dir.name}.py"
    return kata_dir / "kata.py"


@pytest.fixture
def watch(request):
    """Runs learner code and records what its threads do."""
    watch = ThreadWatch(kata_file_for(request))
    stuck = request.config.stash.setdefault(_stuck_files, {})
    if watch.kata_file in stuck:
        pytest.fail(
            f"Not run: {display_path(watch.kata_file)} got stuck in {stuck[watch.kata_file]} above.", pytrace=False
        )
    yield watch
    watch.stop_leftover_threads()
    if watch.got_stuck:
        stuck[watch.kata_file] = request.node.name


@pytest.fixture
def kata(watch):
    """The learner's kata.py, freshly loaded for each test."""
    name = f"kata_under_test_{abs(hash(watch.kata_file))}"
    spec = importlib.util.spec_from_file_location(name, watch.kata_file)
    module = importlib.util.module_from_spec(spec)
    watch.load(module)
    return module


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(KataFailure):
        report.longrepr = str(call.excinfo.value)
    return report


def pytest_sessionfinish(session, exitstatus):
    session.config.stash[_exit_status] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # A thread the learner made non-daemon and left running would keep pytest (and so ptw's
    # run) from ever ending; the report is already printed, so end the process here.
    left_running = [
        thread for thread in threading.enumerate() if thread is not threading.main_thread() and not thread.daemon
    ]
    if left_running:
        names = ", ".join(thread.name for thread in left_running)
        print(f"\nStopped threads your code left running: {names}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash.get(_exit_status, 1))


_exit_status = pytest.StashKey[int]()
_stuck_files = pytest.StashKey[dict]()
