"""Classroom 50: this repository's judge as an assignment's autograder bundle, and the grading it does.

`python -m tools classroom50-bundle DIR` writes the bundle from git's HEAD: `autograder.py`, the
entry point Classroom 50's runner starts with its own Python (standard library only, from
`tools/classroom50_autograder.py`); `requirements.txt`, what the judge runs on, pinned to the
versions installed here; and `judge/`, the katas, `tools/` and the settings. The teacher commits the
folder as `<classroom>/autograders/<assignment>/` in their Classroom 50 config repository.

On each submission the autograder installs the requirements into a Python of its own and runs
`python -m tools.classroom50 grade` from `judge/`: the student's `katas/*/kata.py` files, and
nothing else of their repository, are judged exactly as a pull request is (tools/submission.py),
against the bundle's tests, tools and settings, one kata per process. It writes `result.json`
(Classroom 50's result v1: one test per kata, one point each) and `release-body.md` (the table of
the pull request's summary) into the student's checkout.
"""

import argparse
import importlib.metadata
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools import submission
from tools.progress import NOT_RUN, SOLVED, states
from tools.registry import KATAS_DIR, ROOT, katas, learner_file

# What the judge needs from this repository: the katas (tests, starters, registry), the tools, and
# the settings pytest and ruff read. Nothing else of the repository is in the bundle.
JUDGE_PATHS = ("katas", "tools", "pytest.ini", "pyproject.toml")
AUTOGRADER_SOURCE = "tools/classroom50_autograder.py"
# The bundle's files; a folder holding exactly these is a bundle that may be replaced.
AUTOGRADER, REQUIREMENTS, JUDGE, ABOUT = "autograder.py", "requirements.txt", "judge", "README.md"
BUNDLE_FILES = {AUTOGRADER, REQUIREMENTS, JUDGE, ABOUT}
# The packages the kata tests and the check run on (the standard library aside): pip installs
# their own dependencies.
JUDGE_DISTRIBUTIONS = ("pytest", "pytest-timeout", "ruff")
# Classroom 50's runner downloads at most this much (runner.py, MAX_FETCH_BYTES).
LARGEST_BUNDLE = 10 * 1024 * 1024
RESULT_SCHEMA = "classroom50/result/v1"
RESULT_FILE, RELEASE_BODY = "result.json", "release-body.md"
SOLVED_DETAILS = "Solved: every check of this kata passes."
NOT_JUDGED_DETAILS = "Not judged: an earlier kata changed the judge's own files, so no later kata could be trusted."
# git as the grader runs it: no user or system configuration, an identity of its own.
GIT_ENVIRONMENT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "threading-katas",
    "GIT_AUTHOR_EMAIL": "threading-katas@localhost",
    "GIT_COMMITTER_NAME": "threading-katas",
    "GIT_COMMITTER_EMAIL": "threading-katas@localhost",
}


class BundleError(Exception):
    """The bundle cannot be written; the message says why and what to do."""


def git(repo, *args, binary=False, env=None):
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, env=env)
    if result.returncode != 0:
        raise BundleError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout if binary else result.stdout.decode()


def write_bundle(folder, repo=ROOT, revision="HEAD"):
    """Write the bundle of `revision` into `folder`; return (commit, compressed size, uncommitted changes)."""
    folder = Path(folder).resolve()
    _check_destination(folder)
    try:
        commit = git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except (BundleError, OSError):
        raise BundleError(
            f"the bundle is written from a git commit, and {repo} has no {revision} to write it from: commit first."
        ) from None
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / folder.name
        built.mkdir()
        submission.unpack(git(repo, "archive", "--format=tar", commit, "--", *JUDGE_PATHS, binary=True), built / JUDGE)
        (built / AUTOGRADER).write_bytes(git(repo, "show", f"{commit}:{AUTOGRADER_SOURCE}", binary=True))
        (built / REQUIREMENTS).write_text(requirements())
        (built / ABOUT).write_text(about(commit))
        size = compressed_size(built)
        if size > LARGEST_BUNDLE:
            raise BundleError(
                f"the bundle would be {size // 1024} KiB compressed; Classroom 50 downloads at most"
                f" {LARGEST_BUNDLE // 1024} KiB."
            )
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(built, folder)
    uncommitted = bool(git(repo, "status", "--porcelain", "--", *JUDGE_PATHS).strip())
    return commit, size, uncommitted


def _check_destination(folder):
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BundleError(f"{folder} exists and is not a folder.")
    if folder.is_dir():
        found = {path.name for path in folder.iterdir()}
        if found and found != BUNDLE_FILES:
            raise BundleError(
                f"{folder} is not empty and is not a bundle written by this command; choose an empty or"
                " new folder (an earlier bundle is replaced)."
            )


def requirements():
    """The judge's packages, pinned to the versions the maintainer's set-up installed here."""
    lines = ["# What the threading katas' judge runs on, as installed where the bundle was written."]
    for name in JUDGE_DISTRIBUTIONS:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            raise BundleError(
                f"{name} is not installed in this Python; set up the repository as its README says first."
            ) from None
    return "\n".join(lines) + "\n"


def about(commit):
    return (
        "# Threading katas: Classroom 50 autograder\n\n"
        f"Written by `python -m tools classroom50-bundle` from commit {commit} of the threading katas.\n"
        "Classroom 50's runner starts `autograder.py`, which installs `requirements.txt` into a Python of its own\n"
        "and judges each `katas/*/kata.py` of the student's repository with the tests, tools and settings in\n"
        "`judge/`. To update it, write the bundle again over this folder and commit.\n"
    )


def compressed_size(folder):
    """The size of the .tar.gz Classroom 50's publish-pages workflow makes of the folder."""
    with tempfile.TemporaryFile() as out:
        with tarfile.open(fileobj=out, mode="w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        return out.tell()


def grade(checkout, results, environment=os.environ):
    """Judge the checkout's katas/*/kata.py files with this judge; write result.json and release-body.md
    into `results`. Returns the verdict."""
    checkout, results = Path(checkout), Path(results)
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "submission"
        base, head = submission_commits(checkout, repo)
        verdict = submission.judge(repo, base, head)
    body, _ = submission.summary(verdict, "warning")
    (results / RESULT_FILE).write_text(json.dumps(result(verdict, environment), indent=2) + "\n")
    (results / RELEASE_BODY).write_text(body)
    return verdict


def submission_commits(checkout, repo):
    """A repository of two commits: this judge's files, then the same with the checkout's kata.py files."""
    repo.mkdir()
    for name in JUDGE_PATHS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        else:
            shutil.copy2(ROOT / name, repo / name)
    run = {**os.environ, **GIT_ENVIRONMENT}
    git(repo, "init", "--quiet", env=run)
    git(repo, "add", "--all", env=run)
    git(repo, "commit", "--quiet", "--no-verify", "-m", "The judge", env=run)
    base = git(repo, "rev-parse", "HEAD", env=run).strip()
    for kata in katas(repo / KATAS_DIR.name):
        mine = repo / learner_file(kata.name)
        text = learner_text(checkout / learner_file(kata.name))
        if text is None:
            mine.unlink(missing_ok=True)
        else:
            mine.write_bytes(text)
    git(repo, "add", "--all", env=run)
    git(repo, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", "The submission", env=run)
    return base, git(repo, "rev-parse", "HEAD", env=run).strip()


def learner_text(path):
    """The bytes of a learner's kata.py: a regular file, never followed through a link; None when there is none."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with open(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return file.read()


def result(verdict, environment):
    """Classroom 50's result v1, with what the autograder writes; the runner adds owner, assignment_type,
    datetime, graded_at and submitted_by."""
    tests = [
        {
            "test-name": f"{kata.number} {kata.title}",
            "passed": state == SOLVED,
            "score": int(state == SOLVED),
            "max-score": 1,
            "details": details(state, kata_result),
        }
        for kata, state, kata_result in states(verdict.results, verdict.registry)
    ]
    commit = environment.get("COMMIT_URL", "")
    return {
        "schema": RESULT_SCHEMA,
        "classroom": environment.get("CLASSROOM", ""),
        "assignment": environment.get("ASSIGNMENT", ""),
        "submission": environment.get("SUBMISSION_TAG", ""),
        "commit": commit,
        "release": environment.get("RELEASE_URL", ""),
        "review": environment.get("REVIEW_URL") or commit,
        "score": sum(test["score"] for test in tests),
        "max-score": len(tests),
        "tests": tests,
    }


def details(state, kata_result):
    """The lesson a kata's first failing check gives, as the learner reads it in ptw."""
    if state == SOLVED:
        return SOLVED_DETAILS
    if state == NOT_RUN:
        return NOT_JUDGED_DETAILS
    return f"{kata_result.failed[0]}: {kata_result.message.strip()}"


def main(argv=None):
    """python -m tools.classroom50 grade: what the bundle's autograder.py runs, from the bundle's judge/."""
    commands = argparse.ArgumentParser(prog="python -m tools.classroom50", description=main.__doc__)
    sub = commands.add_subparsers(dest="command", required=True)
    grading = sub.add_parser("grade", help="judge a checkout's katas/*/kata.py files; write the results")
    grading.add_argument("--checkout", type=Path, default=Path.cwd(), help="the student's checkout (default: .)")
    grading.add_argument("--results", type=Path, default=Path.cwd(), help="where result.json goes (default: .)")
    args = commands.parse_args(argv)
    verdict = grade(args.checkout, args.results)
    for kata, state, _ in states(verdict.results, verdict.registry):
        print(f"{kata.number} {kata.title:<52} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
