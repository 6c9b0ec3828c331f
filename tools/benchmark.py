"""How fast the learner's verdicts come: medians over repeated runs, each a fresh pytest process.

    python -m tools.benchmark [--rounds N]

Measures `pytest` over all katas on the starters and on the reference solutions, each kata on
its own (the slowest is reported), the time for a deadlocking solution to be reported, the time
pytest takes to end after Ctrl-C while a learner's thread spins, the time `check-submission` takes
to judge a pull request that changes every kata.py (one process per kata), and, in a real
terminal (tmux), the time from saving a kata file to ptw showing the new verdict.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.registry import KATAS_DIR, ROOT, SOLUTIONS_DIR, katas, learner_file
from tools.runner import fresh_pytest
from tools.terminal import Terminal, copy_of_repository, environment_for

DEADLOCK = ROOT / "tests" / "mistakes" / "04_lock" / "deadlock.py"
NEVER_ENDS = ROOT / "tests" / "mistakes" / "02_many_tasks" / "thread_never_ends.py"
LESSON_STYLE = ROOT / "tests" / "variants" / "02_many_tasks" / "lesson_code_calls_download_file.py"
KATAS = len(katas())  # in the progress line, "0/5 solved"
# A kata 01 whose thread never ends, and says when it has begun, so Ctrl-C can come while it spins.
SPINS_FOREVER = """import pathlib
import threading


def spin():
    pathlib.Path("spinning").touch()
    while True:
        pass


def main(task=None):
    thread = threading.Thread(target=spin)
    thread.start()
    thread.join()
"""


def seconds_for(*pytest_args, rounds, command=None):
    """Median wall-clock seconds of `pytest *pytest_args` as ptw would start it (or of `command`)."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(
            command or fresh_pytest("-q", *pytest_args),
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def orders_tried(*pytest_args):
    """The slowest check's line of `--durations`, and the orders each every_order check tried, from one run."""
    run = subprocess.run(
        fresh_pytest("-q", "--orders", "--durations=1", "--durations-min=0", *pytest_args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = run.stdout.splitlines()
    slowest = next((line for line in lines if re.match(r"\d+\.\d+s call", line)), "")
    start = next((n for n, line in enumerate(lines) if "orders of the threads tried" in line), len(lines))
    listed = [line for line in lines[start + 1 :] if line.startswith(" ")]
    return slowest, listed


def measure(rounds):
    # The targets are issue 8's: what a learner should never have to wait longer for.
    yield "all katas, starters (target 1.5)", seconds_for(KATAS_DIR, rounds=rounds)
    yield (
        "all katas, reference solutions (target 1.5)",
        seconds_for(KATAS_DIR, f"--solutions={SOLUTIONS_DIR}", rounds=rounds),
    )
    yield (
        "a lesson-style kata 02, its downloads sleeping 1 s each (target 0.5)",
        seconds_for(KATAS_DIR / "02_many_tasks", f"--kata-file={LESSON_STYLE}", rounds=rounds),
    )
    for label, extra in (("starter", ()), ("reference solution", (f"--solutions={SOLUTIONS_DIR}",))):
        seconds, name = max((seconds_for(kata.folder, *extra, rounds=rounds), kata.name) for kata in katas())
        yield f"slowest kata, {label} ({name})", seconds
    yield (
        "a deadlock reported (04_lock, first failure; target 0.5)",
        seconds_for(KATAS_DIR / "04_lock", f"--kata-file={DEADLOCK}", "-x", rounds=rounds),
    )
    yield (
        "a loop that never ends reported (02_many_tasks, first failure; target 3)",
        seconds_for(KATAS_DIR / "02_many_tasks", f"--kata-file={NEVER_ENDS}", "-x", rounds=rounds),
    )
    yield "Ctrl-C to pytest's exit, a thread spinning", ctrl_c_to_exit(rounds)


def ctrl_c_to_exit(rounds):
    """Median seconds from Ctrl-C (SIGINT) to pytest's exit, while the learner's thread spins."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = copy_of_repository(Path(scratch) / "katas")
        (copy / learner_file("01_start_and_join")).write_text(SPINS_FOREVER)
        spinning = copy / "spinning"
        times = []
        for _ in range(rounds):
            spinning.unlink(missing_ok=True)
            run = subprocess.Popen(
                fresh_pytest("-q", "katas/01_start_and_join"),
                cwd=copy,
                env={**os.environ, **environment_for(copy)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while not spinning.exists():
                if run.poll() is not None:
                    raise RuntimeError("pytest ended before the kata's thread began to spin")
                time.sleep(0.01)
            began = time.perf_counter()
            run.send_signal(signal.SIGINT)
            run.wait()
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def check_a_pull_request(rounds):
    """Median seconds of check-submission on a pull request that puts every reference solution in place."""
    identity = {"GIT_AUTHOR_NAME": "Learner", "GIT_AUTHOR_EMAIL": "learner@example.com"}
    identity |= {"GIT_COMMITTER_NAME": "Learner", "GIT_COMMITTER_EMAIL": "learner@example.com"}
    with tempfile.TemporaryDirectory() as scratch:
        copy = copy_of_repository(Path(scratch) / "katas")

        def git(*args):
            subprocess.run(["git", *args], cwd=copy, check=True, capture_output=True, env={**os.environ, **identity})

        for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "starters"]):
            git(*command)
        git("checkout", "-q", "-b", "solutions")
        for kata in katas():
            shutil.copy(kata.solution, copy / learner_file(kata.name))
        git("commit", "-q", "-am", "solutions")
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "tools", "check-submission", "--base", "main"],
                cwd=copy,
                env={**os.environ, **environment_for(copy)},
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def save_to_verdict(rounds):
    """Median seconds from writing kata 01's file to ptw showing the verdict, in a copy of the repository."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = copy_of_repository(Path(scratch) / "katas")
        kata = copy / learner_file("01_start_and_join")
        versions = [
            ((SOLUTIONS_DIR / "01_start_and_join.py").read_text(), f"1/{KATAS} solved"),
            (kata.read_text(), f"0/{KATAS} solved"),
        ]
        with Terminal("ptw", copy, environment_for(copy)) as terminal:
            terminal.wait_for(f"0/{KATAS} solved")
            times = []
            for number in range(rounds):
                text, verdict = versions[number % 2]
                began = time.perf_counter()
                kata.write_text(text)
                terminal.wait_for(verdict)
                times.append(time.perf_counter() - began)
            terminal.press("C-c")
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs per measurement; the median is shown (default 5)")
    args = parser.parse_args(argv)
    print(f"median of {args.rounds} runs, wall-clock seconds, one fresh pytest process per run")
    baseline = seconds_for(rounds=args.rounds, command=[sys.executable, "-c", "import pytest"])
    print(f"{baseline:6.2f}  python -c 'import pytest', the unit of the ratios (x) below", flush=True)
    for what, seconds in measure(args.rounds):
        print(f"{seconds:6.2f}  {seconds / baseline:4.1f}x  {what}", flush=True)
    for label, extra in (("starters", ()), ("reference solutions", (f"--solutions={SOLUTIONS_DIR}",))):
        slowest, listed = orders_tried(KATAS_DIR, *extra)
        print(f"slowest check, {label}: {slowest.strip()}")
        print(f"orders of the threads tried per every_order check, {label}:")
        print("\n".join(listed), flush=True)
    judged = check_a_pull_request(args.rounds)
    print(f"{judged:6.2f}  check-submission of a pull request changing all {len(katas())} kata.py files", flush=True)
    if shutil.which("tmux"):
        print(f"{save_to_verdict(args.rounds * 2):6.2f}  a save in ptw to its verdict on the screen (tmux)")
    else:
        print("   n/a  a save in ptw to its verdict on the screen: needs tmux")
    return 0


if __name__ == "__main__":
    sys.exit(main())
