"""Every example.py prints what its README says it prints (with a virtual clock, so no waiting)."""

import re
import subprocess
import sys

import pytest

from tools.registry import ROOT, katas

KATAS = katas()


@pytest.mark.parametrize("kata", KATAS, ids=[kata.name for kata in KATAS])
def test_the_example_prints_what_the_lesson_says(kata):
    readme = (kata.folder / "README.md").read_text()
    expected = re.search(r"```output\n(.*?)```", readme, re.S).group(1)
    result = subprocess.run(
        [sys.executable, "-m", "tools.virtual_time", kata.folder / "example.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
