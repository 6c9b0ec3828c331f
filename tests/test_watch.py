"""ptw in a real terminal: the verdict and the progress follow every save, whatever the code does."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.benchmark import SPINS_FOREVER
from tools.registry import SOLUTIONS_DIR, katas, learner_file
from tools.terminal import Terminal, environment_for

KATAS = len(katas())  # in the progress line, "0/5 solved"

SOLUTION_01 = (SOLUTIONS_DIR / "01_start_and_join.py").read_text()

BROKEN = {
    "os._exit": (
        "import os\n\n\ndef main(task=None):\n    os._exit(0)\n",
        "main() called os._exit(0): the whole program would stop right there",
    ),
    "deadlock": (
        "import threading\nlock = threading.Lock()\n\n\ndef main(task=None):\n    lock.acquire()\n    lock.acquire()\n",
        "main() can never finish",
    ),
    "endless thread": (
        "import threading\n\n\ndef spin():\n    while True:\n        pass\n\n\n"
        "def main(task=None):\n    thread = threading.Thread(target=spin)\n    thread.start()\n    thread.join()\n",
        "Thread-1 (spin) is at",
    ),
    "exception in a thread": (
        "import threading\n\n\ndef main(task=None):\n    thread = threading.Thread(target=lambda: 1 / 0)\n"
        "    thread.start()\n    thread.join()\n",
        "crashed with ZeroDivisionError: division by zero",
    ),
    "syntax error": ("def main(task=None)\n    pass\n", "is not valid Python yet."),
    "sys.exit()": ("import sys\n\nsys.exit(3)\n", "called sys.exit(3)"),
    "megabytes of output": (
        "def main(task=None):\n    for number in range(60_000):\n        print('spam ' * 8, number)\n",
        "more lines",
    ),
}


def pytest_processes_in(folder):
    """Processes running pytest with their working directory in `folder`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cwd = os.readlink(proc / "cwd")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if cwd.startswith(str(folder)) and "pytest" in command and "ptw" not in command:
            found.append(command)
    return found


def expect_no_pytest_left(folder):
    deadline = time.monotonic() + 5
    while pytest_processes_in(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pytest_processes_in(folder) == []


@pytest.fixture
def watching(learner_copy):
    with Terminal("ptw", learner_copy, environment_for(learner_copy)) as terminal:
        terminal.wait_for("You are here: kata 01", f"0/{KATAS} solved")
        yield terminal, learner_copy / learner_file("01_start_and_join")
        terminal.press("C-c")


@pytest.mark.timeout(60)
def test_ptw_shows_the_next_kata_and_progress_after_a_save(watching):
    terminal, kata = watching
    screen = terminal.screen()
    # pytest-watch's `runner` in pytest.ini: the `python` on PATH, here the virtual environment's.
    assert "] Running: python -m pytest\n" in screen
    # The katas after the first in its part, folded into one line of the progress block.
    later = [kata for kata in katas() if kata.part == katas()[0].part][1:]
    assert "wwwww" in screen and f"{later[0].number}-{later[-1].number} ({len(later)} katas)" in screen
    kata.write_text(SOLUTION_01)
    terminal.wait_for("You are here: kata 02", f"1/{KATAS} solved", "katas/02_many_tasks/kata.py")
    assert "✔ 01 Start two threads, then join them" in terminal.screen()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(BROKEN))
def test_ptw_reports_broken_code_and_keeps_watching(watching, case):
    terminal, kata = watching
    code, verdict = BROKEN[case]
    kata.write_text(code)
    terminal.wait_for(verdict, f"0/{KATAS} solved", timeout=15)
    expect_no_pytest_left(kata.parent.parent.parent)
    kata.write_text(SOLUTION_01)
    terminal.wait_for(f"1/{KATAS} solved", timeout=15)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("no_color, coloured", [({}, True), ({"NO_COLOR": "1"}, False)])
def test_ptw_colours_the_verdict_unless_no_color_is_set(learner_copy, no_color, coloured):
    with Terminal("ptw", learner_copy, {**environment_for(learner_copy), **no_color}) as terminal:
        terminal.wait_for(f"0/{KATAS} solved")
        progress = terminal.screen(with_colours=True).split(" katas ")[-1]
        assert ("\033[" in progress) is coloured
        terminal.press("C-c")


@pytest.mark.timeout(60)
def test_ctrl_c_during_a_stuck_run_ends_ptw_without_a_traceback(learner_copy):
    kata = learner_copy / learner_file("01_start_and_join")
    spinning = learner_copy / "spinning"
    with Terminal("ptw; echo ptw has ended", learner_copy, environment_for(learner_copy)) as terminal:
        terminal.wait_for(f"0/{KATAS} solved")
        kata.write_text(SPINS_FOREVER)
        while not spinning.exists():
            time.sleep(0.01)
        terminal.press("C-c")  # while the probes wait for the run, long before they call it stuck
        terminal.wait_for("ptw has ended")
        screen = terminal.screen()
    assert "! KeyboardInterrupt !" in screen  # pytest's own short notice
    for noise in ("Traceback", "INTERNALERROR", "Exception ignored", "tools/"):
        assert noise not in screen, screen
    expect_no_pytest_left(learner_copy)


def failing_streak(copy):
    """How many runs in a row the same check has failed, as ptw counts it in pytest's cache."""
    streak = copy / ".pytest_cache" / "v" / "katas" / "failing-streak"
    return json.loads(streak.read_text()).get("count", 0) if streak.exists() else 0


def fits(screen, columns=80):
    """No line the terminal had to wrap, and ptw's own lines still at the top ("Change detected: ...", a blank
    line, "[time] Running: python -m pytest"): nothing scrolled away."""
    lines = screen.splitlines()
    header = any("] Running: python -m pytest" in line for line in lines[:3])
    return header and all(len(line.rstrip()) <= columns for line in lines)


@pytest.mark.timeout(120)
def test_ptw_at_80_by_45_fits_says_solved_and_hints_as_the_hint_command_does(learner_copy):
    kata_01, kata_02 = (learner_copy / learner_file(name) for name in ("01_start_and_join", "02_many_tasks"))
    with Terminal("ptw", learner_copy, environment_for(learner_copy), width=80, height=45) as terminal:
        terminal.wait_for("You are here: kata 01", f"0/{KATAS} solved")
        assert fits(terminal.screen(joined=True)), terminal.screen(joined=True)
        kata_01.write_text(SOLUTION_01)
        terminal.wait_for("Kata 01 is solved! Next, read katas/02_many_tasks/README.md", f"1/{KATAS} solved")
        assert fits(terminal.screen(joined=True)), terminal.screen(joined=True)
        starter = kata_02.read_text()
        for save in range(1, 4):
            kata_02.write_text(f"{starter}# try {save}\n")
            deadline = time.monotonic() + 20
            while failing_streak(learner_copy) < save and time.monotonic() < deadline:
                time.sleep(0.05)
        terminal.wait_for("Hint (this check has failed 3 runs in a row)")
        time.sleep(0.5)  # the rest of the run's output
        screen = terminal.screen(joined=True)
        assert fits(screen), screen
        assert "Kata 01 is solved" not in screen  # said once, when it happened
        shown = " ".join(screen.split("runs in a row): ", 1)[1].split("Another hint:")[0].split())
        hint = subprocess.run(
            [sys.executable, "-m", "tools", "hint"],
            cwd=learner_copy,
            env={**os.environ, **environment_for(learner_copy)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        newest = " ".join(hint.split("\n  1. ", 1)[1].split("\nHint 1 of")[0].split())
        assert shown == newest
        terminal.press("C-c")
