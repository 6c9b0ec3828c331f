import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tools.registry import ROOT, katas
from tools.runner import fresh_pytest
from tools.terminal import copy_of_repository, environment_for


def pytest_addoption(parser):
    parser.addoption(
        "--update-lessons",
        action="store_true",
        help="write each tests/mistakes/<kata>/<case>.txt from the lesson its case gets now (review the diff)",
    )


def run_pytest(*args, cwd=ROOT, **env):
    """Run pytest in a fresh process, as a learner or ptw would, in `cwd` with its own code importable."""
    return subprocess.run(
        fresh_pytest("--color=no", *args, cache=True),
        cwd=cwd,
        env={**os.environ, **environment_for(cwd), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_tools(*args, cwd=ROOT):
    """python -m tools in a fresh process, in `cwd`; what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=cwd,
        env={**os.environ, **environment_for(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


@pytest.fixture
def run_katas():
    """pytest on this repository's katas, without leaving a cache behind."""
    return lambda *args: run_pytest("-p", "no:cacheprovider", *args)


@pytest.fixture(scope="session")
def starters(tmp_path_factory):
    """What the starters give, read from a run rather than written into tests, so that a new kata is
    one folder and one registry entry: how many katas and kata tests there are, and how many of
    those tests the starters already pass, in all and kata by kata (`by_kata[name].tests`)."""
    results_file = tmp_path_factory.mktemp("starters") / "results.json"
    run_pytest("-p", "no:cacheprovider", "--all-katas", f"--kata-results={results_file}")
    by_kata = {
        name: SimpleNamespace(tests=result["passed"] + len(result["failed"]), passed=result["passed"])
        for name, result in json.loads(results_file.read_text()).items()
    }
    return SimpleNamespace(
        katas=len(katas()),
        tests=sum(kata.tests for kata in by_kata.values()),
        passed=sum(kata.passed for kata in by_kata.values()),
        by_kata=by_kata,
    )


@pytest.fixture
def learner_copy(tmp_path):
    """A copy of this working tree, as a learner's checkout with its own git history."""
    copy = copy_of_repository(tmp_path / "katas-copy")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "starters"]):
        subprocess.run(["git", *command], cwd=copy, check=True, env={**os.environ, **GIT_IDENTITY})
    return copy


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Learner",
    "GIT_AUTHOR_EMAIL": "learner@example.com",
    "GIT_COMMITTER_NAME": "Learner",
    "GIT_COMMITTER_EMAIL": "learner@example.com",
}
