import os
import subprocess
import sys

import pytest

from tools.registry import ROOT
from tools.terminal import copy_of_repository, environment_for


def run_pytest(*args, cwd=ROOT, **env):
    """Run pytest in a fresh process, as a learner or ptw would, in `cwd` with its own code importable."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--color=no", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **environment_for(cwd), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def run_katas():
    """pytest on this repository's katas, without leaving a cache behind."""
    return lambda *args: run_pytest("-p", "no:cacheprovider", *args)


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
