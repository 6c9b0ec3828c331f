"""How fast the learner's verdicts come: medians over repeated runs, each a fresh pytest process.

    python -m tools.benchmark [--rounds N]

Measures `pytest` over all katas on the starters and on the reference solutions, each kata on
its own (the slowest is reported), and the time for a deadlocking solution to be reported.
"""

import argparse
import statistics
import subprocess
import sys
import time

from tools.registry import KATAS_DIR, ROOT, SOLUTIONS_DIR, katas

DEADLOCK = ROOT / "tests" / "mistakes" / "04_lock" / "deadlock.py"


def seconds_for(*pytest_args, rounds):
    """Median wall-clock seconds of `pytest *pytest_args`, as ptw would start it."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, pytest_args)],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(rounds):
    yield "all katas, starters", seconds_for(KATAS_DIR, rounds=rounds)
    yield "all katas, reference solutions", seconds_for(KATAS_DIR, f"--solutions={SOLUTIONS_DIR}", rounds=rounds)
    for label, extra in (("starter", ()), ("reference solution", (f"--solutions={SOLUTIONS_DIR}",))):
        seconds, name = max((seconds_for(kata.folder, *extra, rounds=rounds), kata.name) for kata in katas())
        yield f"slowest kata, {label} ({name})", seconds
    yield (
        "a deadlock reported (04_lock, first failure)",
        seconds_for(KATAS_DIR / "04_lock", f"--kata-file={DEADLOCK}", "-x", rounds=rounds),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs per measurement; the median is shown (default 5)")
    args = parser.parse_args(argv)
    print(f"median of {args.rounds} runs, wall-clock seconds, one fresh pytest process per run")
    for what, seconds in measure(args.rounds):
        print(f"{seconds:6.2f}  {what}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
