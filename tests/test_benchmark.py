"""The benchmark runs and reports every figure; what the figures are is its output, never a test."""

import subprocess
import sys

import pytest

from tools.registry import ROOT


@pytest.mark.timeout(300)
def test_the_benchmark_reports_every_measurement():
    result = subprocess.run(
        [sys.executable, "-m", "tools.benchmark", "--rounds", "1"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for measurement in (
        "all katas, starters",
        "all katas, reference solutions",
        "slowest kata, starter",
        "slowest kata, reference solution",
        "a deadlock reported",
        "a lesson-style kata 02",
        "a loop that never ends reported",
        "check-submission of a pull request changing all",
        "Ctrl-C to pytest's exit",
        "a save in ptw to its verdict",
        "python -c 'import pytest', the unit of the ratios",
        "slowest check, reference solutions:",
        "orders of the threads tried per every_order check, reference solutions:",
        "01 test_main_waits_for_both_threads",
    ):
        assert measurement in result.stdout
