import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.registry import ROOT


def run_pytest(*args):
    """Run pytest on the katas in a fresh process, as a learner or ptw would."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def run_katas():
    return run_pytest


@pytest.fixture
def learner_copy(tmp_path):
    """A copy of this working tree, as a learner's checkout with its own git history."""
    copy = tmp_path / "katas-copy"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
    )
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "starters"]):
        subprocess.run(["git", *command], cwd=copy, check=True, env={**os.environ, **GIT_IDENTITY})
    return copy


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Learner",
    "GIT_AUTHOR_EMAIL": "learner@example.com",
    "GIT_COMMITTER_NAME": "Learner",
    "GIT_COMMITTER_EMAIL": "learner@example.com",
}


def environment_for(copy):
    """What a terminal in the learner's copy has: this Python's tools first, the copy's code importable."""
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(copy),
        "HOME": os.environ.get("HOME", str(copy)),
    }
