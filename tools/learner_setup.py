"""What the learner's set-up costs: the README's command in a fresh virtual environment, measured.

    python -m tools.learner_setup [--python PYTHON ...] [--no-wheels]

For each Python (default: this one) it copies the repository as a learner has it, makes a fresh
virtual environment, runs the Quick start's set-up command there with pip's cache off (as on a
new machine), and prints the seconds it took and the megabytes and packages it added. Then, for
every package that command installed, it asks pip whether a wheel exists for CPython 3.11 to 3.14,
with and without the GIL, on Linux, macOS and Windows. A package that publishes no wheel at all is
built from its source distribution to show that it is pure Python; where a package that has wheels
elsewhere has none, the table says "source": there pip builds it, and may need a compiler.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.terminal import copy_of_repository

PYTHONS = ("3.11", "3.12", "3.13", "3.13t", "3.14", "3.14t")
PLATFORMS = {
    "Linux x86-64": "manylinux_2_17_x86_64",
    "Linux arm64": "manylinux_2_17_aarch64",
    "macOS arm64": "macosx_11_0_arm64",
    "Windows x86-64": "win_amd64",
}
# "3.13.5t" for a free-threaded build, as python.org names them.
PYTHON_LABEL = (
    "import sys, sysconfig;"
    " print(sys.version.split()[0] + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''))"
)
MISSING = re.compile(r"No matching distribution found for (\S+)")


def learner_setup_command():
    from tests.readme import setup_command  # the README is read where the repository is, as the tests do

    return setup_command()


def megabytes(folder):
    """Apparent size of every file below `folder`, in MB (10**6 bytes)."""
    return sum(path.lstat().st_size for path in Path(folder).rglob("*") if not path.is_dir()) / 1e6


def installed(venv):
    listed = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return {package["name"].lower(): package["version"] for package in json.loads(listed.stdout)}


def measure(python, command):
    """Seconds, MB added, MB in all, and the packages (name -> version) the set-up added, in a fresh venv."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = copy_of_repository(Path(scratch) / "katas")
        venv = Path(scratch) / "venv"
        subprocess.run([python, "-m", "venv", venv], check=True)
        size_before, before = megabytes(venv), installed(venv)
        environment = {
            **os.environ,
            "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
            "VIRTUAL_ENV": str(venv),
            "PIP_NO_CACHE_DIR": "1",
        }
        environment.pop("PYTHONPATH", None)
        began = time.perf_counter()
        subprocess.run(command, shell=True, cwd=copy, env=environment, check=True, capture_output=True)
        seconds = time.perf_counter() - began
        size_after, after = megabytes(venv), installed(venv)
    added = {name: version for name, version in after.items() if name not in before}
    return seconds, size_after - size_before, size_after, added


def pip_download(requirements, destination, *options):
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", destination, *options]
        + requirements,
        capture_output=True,
        text=True,
    )


def without_wheel(requirements, python, platform, destination):
    """The requirements pip finds no wheel for, for CPython `python` ("3.13t": free-threaded) on `platform`."""
    version = python.rstrip("t")
    abi = f"cp{version.replace('.', '')}{'t' if python.endswith('t') else ''}"
    options = ["--only-binary=:all:", "--implementation=cp", f"--python-version={version}", f"--abi={abi}"]
    options += [f"--platform={platform}"]
    left, missing = list(requirements), []
    while left:
        result = pip_download(left, destination, *options)
        if result.returncode == 0:
            break
        found = MISSING.search(result.stderr)
        if not found:
            raise RuntimeError(result.stderr)
        name = re.split(r"[=<>!~ ]", found.group(1))[0].lower()
        missing += [requirement for requirement in left if requirement.split("==")[0] == name]
        left = [requirement for requirement in left if requirement.split("==")[0] != name]
    return missing


def pure_python(requirement, scratch):
    """Builds the requirement's sdist into a wheel; true when that wheel is for any platform and Python."""
    out = Path(scratch) / "built"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-binary=:all:", "--quiet", "-w", out, requirement],
        check=True,
        capture_output=True,
    )
    name = requirement.split("==")[0].replace("-", "_")
    wheel = next(path.name for path in out.glob("*.whl") if path.name.lower().startswith(name))
    return wheel.endswith("-none-any.whl"), wheel


def check_wheels(packages):
    pip_version = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True).stdout
    if tuple(int(part) for part in pip_version.split()[1].split(".")[:2]) < (24, 1):
        print("  (needs pip 24.1 or newer to know free-threaded wheel tags: python -m pip install -U pip)")
        return
    requirements = [f"{name}=={version}" for name, version in sorted(packages.items())]
    with tempfile.TemporaryDirectory() as scratch:
        missing = {
            (python, label): without_wheel(requirements, python, platform, scratch)
            for label, platform in PLATFORMS.items()
            for python in PYTHONS
        }
        # A package that publishes no wheel at all is fine when its source builds a wheel for any platform.
        never = sorted(set.intersection(*(set(found) for found in missing.values())))
        pure = {requirement: pure_python(requirement, scratch) for requirement in never}
    print(f"  {'':<16}" + "".join(f"{python:>7}" for python in PYTHONS))
    built_here = {}
    for label in PLATFORMS:
        cells = []
        for python in PYTHONS:
            needs_build = [name for name in missing[python, label] if not pure.get(name, (False,))[0]]
            cells.append("source" if needs_build else "ok")
            if needs_build:
                built_here[python, label] = needs_build
        print(f"  {label:<16}" + "".join(f"{cell:>7}" for cell in cells))
    print("  ok: a wheel for every package, or a pure-Python source distribution:")
    for requirement, (is_pure, wheel) in pure.items():
        print(f"    {requirement} publishes no wheel; its source builds {wheel}{'' if is_pure else ' (NOT pure)'}")
    for (python, label), names in built_here.items():
        print(
            f"  source: on {label} with {python}, pip builds from source (a compiler may be needed): {', '.join(names)}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.learner_setup", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python", action="append", metavar="PYTHON", help="a Python to measure with (repeatable; default: this one)"
    )
    parser.add_argument("--no-wheels", action="store_true", help="skip asking pip about wheels for other Pythons")
    args = parser.parse_args(argv)
    command = learner_setup_command()
    print(f"the learner's set-up: {command}  (in a fresh virtual environment, pip's cache off)")
    packages = {}
    for python in args.python or [sys.executable]:
        label = subprocess.run([python, "-c", PYTHON_LABEL], capture_output=True, text=True, check=True).stdout.strip()
        seconds, added_mb, total_mb, added = measure(python, command)
        project = {name: version for name, version in added.items() if name == "python-threading-katas"}
        dependencies = {name: version for name, version in added.items() if name not in project}
        packages |= dependencies
        print(
            f"Python {label}: {seconds:.1f} s, {added_mb:.1f} MB added ({total_mb:.1f} MB in the environment),"
            f" {len(dependencies)} packages and the project itself:"
        )
        print("  " + ", ".join(f"{name} {version}" for name, version in sorted(dependencies.items())))
    if not args.no_wheels:
        print("a wheel for every package it installed, by Python and platform (pip download --only-binary=:all:):")
        check_wheels(packages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
