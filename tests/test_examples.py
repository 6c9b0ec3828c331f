"""Every example.py prints what its README says it prints: on the virtual clock, so without waiting,
word for word; or, for an example that measures real time (its README's block is ```measured),
line for line with other numbers."""

import re
import subprocess
import sys

import pytest

from tools.registry import ROOT, katas

KATAS = katas()


def numbers_as_n(text):
    return re.sub(r"\d+(\.\d+)?", "N", text)


@pytest.mark.timeout(60)  # an example that measures takes its real seconds (kata 06's, about six)
@pytest.mark.parametrize("kata", KATAS, ids=[kata.name for kata in KATAS])
def test_the_example_prints_what_the_lesson_says(kata):
    readme = (kata.folder / "README.md").read_text()
    block = re.search(r"```(output|measured)\n(.*?)```", readme, re.S)
    measured = block.group(1) == "measured"
    clock = [] if measured else ["-m", "tools.virtual_time"]
    result = subprocess.run(
        [sys.executable, *clock, kata.folder / "example.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    if measured:
        assert numbers_as_n(result.stdout.replace("GIL off", "GIL on")) == numbers_as_n(block.group(2))
    else:
        assert result.stdout == block.group(2)


def test_on_the_clock_a_threads_error_is_printed_as_python_prints_it(tmp_path):
    """An example that shows an exception lost in a thread must show it on the clock too."""
    program = tmp_path / "crash.py"
    program.write_text(
        "import threading\n\n\ndef fail():\n    raise ValueError('lost')\n\n\n"
        "thread = threading.Thread(target=fail)\nthread.start()\nthread.join()\nprint('joined')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "tools.virtual_time", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout == "joined\n"
    assert "Exception in thread" in result.stderr and "ValueError: lost" in result.stderr
