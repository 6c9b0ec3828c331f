import subprocess
import sys

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
