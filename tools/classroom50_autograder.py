"""The threading katas' autograder for Classroom 50 (written into a bundle as autograder.py).

Classroom 50's runner starts it with the runner's Python, in the student's checkout, with
CLASSROOM50_BUNDLE_DIR naming the bundle. Nothing of the katas is installed there, so this file uses
the standard library only: it makes a Python of its own in a temporary folder, installs the bundle's
requirements.txt into it with pip, and runs the bundle's judge (`python -m tools.classroom50 grade`
in judge/), which judges only the checkout's katas/*/kata.py files and writes result.json and
release-body.md. It exits 0 when those are written, whatever the score, and 1 when it could not grade
(the runner then records an error).

KATAS_JUDGE_PYTHON, when set, names a Python that already has the requirements: no Python is made
and nothing is installed (for a teacher's trial run, and the repository's own tests).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUNDLE = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)
JUDGE = BUNDLE / "judge"
REQUIREMENTS = BUNDLE / "requirements.txt"
# Seconds. The runner's job stops after 15 minutes; each kata's tests end stuck code within seconds.
INSTALL_TIMEOUT = 300
GRADE_TIMEOUT = 540


def say(text):
    print(f"threading katas: {text}", flush=True)


def judge_python(scratch):
    """A Python with the judge's packages: the one KATAS_JUDGE_PYTHON names, or a new one in `scratch`."""
    given = os.environ.get("KATAS_JUDGE_PYTHON")
    if given:
        say(f"judging with {given} (KATAS_JUDGE_PYTHON), installing nothing")
        return given
    started = time.monotonic()
    # Readable by all, as an installed Python is: the judge may run the kata's tests as another user.
    os.chmod(scratch, 0o755)
    folder = Path(scratch) / "python"
    # Both run in the scratch folder, isolated: `python -m` imports from the folder it runs in first,
    # and in the student's checkout a venv.py or pip/ of theirs would run instead.
    subprocess.run([sys.executable, "-I", "-m", "venv", folder], cwd=scratch, check=True, timeout=INSTALL_TIMEOUT)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = [python, "-I", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*install, "--requirement", REQUIREMENTS], cwd=scratch, check=True, timeout=INSTALL_TIMEOUT)
    say(f"installed the judge's packages in {time.monotonic() - started:.1f} s")
    return python


def main():
    if not (JUDGE / "tools" / "classroom50.py").is_file():
        say(f"no judge in {BUNDLE}: write the bundle again with python -m tools classroom50-bundle")
        return 1
    checkout = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="threading-katas-") as scratch:
        try:
            python = judge_python(scratch)
        except (OSError, subprocess.SubprocessError) as error:
            say(f"could not install the judge's packages: {error}")
            return 1
        started = time.monotonic()
        # The judge runs from the bundle: its own tools/, never the student's, come first on the path.
        environment = {**os.environ, "PYTHONPATH": str(JUDGE), "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            graded = subprocess.run(
                [python, "-m", "tools.classroom50", "grade", "--checkout", checkout, "--results", checkout],
                cwd=JUDGE,
                env=environment,
                stdin=subprocess.DEVNULL,
                timeout=GRADE_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            say(f"the judge did not finish in {GRADE_TIMEOUT} s")
            return 1
        say(f"judged in {time.monotonic() - started:.1f} s")
    return 0 if graded.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
