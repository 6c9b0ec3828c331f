"""The check a pull request gets: the learner's kata.py files, judged by the base branch's tests.

Everything but the learner's `katas/*/kata.py` files comes from the base commit: tests, test
helpers, configuration. The learner's files from the head commit are put into a copy of the
base, the katas run there, and the result is told three ways: GitHub annotations on stdout
(failures on the learner's lines), a Markdown summary (to $GITHUB_STEP_SUMMARY when set), and
the exit status (1 when a changed kata fails or a protected file changed).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools.progress import SOLVED, KataResult, states

LEARNER_FILE = re.compile(r"^katas/(?P<kata>[^/]+)/kata\.py$")
KATA_LINE = re.compile(r"(?P<file>katas/[^/\s]+/kata\.py):(?P<line>\d+)")
PROTECTED_FOLDERS = ("tools/", "tests/", ".github/", ".ci/", ".devcontainer/")
PROTECTED_NAMES = {"conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "katas.toml"}


def is_protected(path):
    """Files that decide or run the check, which a learner's pull request must leave alone."""
    name = PurePosixPath(path).name
    return (
        path.startswith(PROTECTED_FOLDERS)
        or name in PROTECTED_NAMES
        or (path.startswith("katas/") and name.startswith("test_"))
    )


@dataclass
class Verdict:
    changed_katas: list[str]
    protected: list[str]
    results: dict[str, KataResult]
    lint: list[dict]

    def failing_changed_katas(self):
        return [name for name in self.changed_katas if self.results.get(name, KataResult()).failed]


def git(repo, *args, binary=False):
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return result.stdout if binary else result.stdout.decode()


def judge(repo, base, head):
    """Run the base's kata tests on the head's kata.py files, in a scratch copy of the base."""
    changed = [path for path in git(repo, "diff", "--name-only", "-z", f"{base}...{head}").split("\0") if path]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(
            ["tar", "-x", "-C", work], input=git(repo, "archive", "--format=tar", base, binary=True), check=True
        )
        # Only the kata.py files of katas the base has come from the pull request; nothing else does.
        changed_katas = [
            match["kata"]
            for path in changed
            if (match := LEARNER_FILE.match(path)) and (work / "katas" / match["kata"]).is_dir()
        ]
        for name in changed_katas:
            path = f"katas/{name}/kata.py"
            try:
                (work / path).write_bytes(git(repo, "show", f"{head}:{path}", binary=True))
            except subprocess.CalledProcessError:  # the pull request deletes it
                (work / path).unlink()
        results_file = work / ".kata-results.json"
        ran = subprocess.run(
            [sys.executable, "-m", "pytest", "katas", "--all-katas", "-q", "-p", "no:cacheprovider"]
            + [f"--kata-results={results_file}"],
            cwd=work,
            env={**os.environ, "PYTHONPATH": str(work)},
            capture_output=True,
            text=True,
            check=False,
        )
        if not results_file.exists():
            raise RuntimeError(f"the kata tests did not run:\n{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}")
        results = {name: KataResult(**found) for name, found in json.loads(results_file.read_text()).items()}
        lint = ruff_findings(work, [f"katas/{name}/kata.py" for name in changed_katas])
    return Verdict(changed_katas, [path for path in changed if is_protected(path)], results, lint)


def ruff_findings(work, files):
    existing = [name for name in files if (work / name).exists()]
    if not existing:
        return []
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format=json", "--exit-zero", *existing],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        {**finding, "filename": str(Path(finding["filename"]).relative_to(work))}
        for finding in json.loads(found.stdout)
    ]


def escape(text):
    """GitHub workflow-command escaping for a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotations(verdict, lint_level):
    for path in verdict.protected:
        yield (f"::error file={path},title=Protected file changed::{escape(protected_message(path))}")
    for name in verdict.failing_changed_katas():
        result = verdict.results[name]
        where = KATA_LINE.search(result.message)
        line = f",line={where['line']}" if where and where["file"] == f"katas/{name}/kata.py" else ""
        yield f"::error file=katas/{name}/kata.py{line},title={result.failed[0]}::{escape(result.message.strip())}"
    for finding in verdict.lint:
        place = f"file={finding['filename']},line={finding['location']['row']},col={finding['location']['column']}"
        yield f"::{lint_level} {place},title=ruff {finding['code']}::{escape(finding['message'])}"


def protected_message(path):
    return (
        f"This pull request changes {path}. The check always takes the tests, their helpers and the"
        " settings from the base branch, so changing them cannot make a kata pass: undo this change"
        " and change only your katas/*/kata.py files."
    )


def summary(verdict, lint_level):
    rows = list(states(verdict.results))
    solved = sum(state == SOLVED for _, state, _ in rows)
    passed = (
        not verdict.protected and not verdict.failing_changed_katas() and not (lint_level == "error" and verdict.lint)
    )
    lines = [
        "## Threading katas: your submission",
        "",
        ("✅ **The check passes.**" if passed else "❌ **The check fails.**")
        + f" Progress: **{solved}/{len(rows)} solved**.",
        "",
        "| kata | changed here | verdict | the first check that fails |",
        "|---|---|---|---|",
    ]
    for kata, state, result in rows:
        verdict_text = {SOLVED: "✅ solved"}.get(state, "❌ not yet" if result.failed else "⏳ not run")
        first = f"`{result.failed[0]}`: {_first_line(result.message)}" if result.failed else ""
        changed = "yes" if kata.name in verdict.changed_katas else ""
        cell = first.replace("|", "\\|")
        lines.append(f"| {kata.name[:2]} {kata.title} | {changed} | {verdict_text} | {cell} |")
    if verdict.protected:
        lines += ["", "### Protected files changed", ""]
        lines += [
            f"- `{path}`: the check uses the base branch's version; undo this change." for path in verdict.protected
        ]
    if verdict.lint:
        lines += ["", f"### ruff ({'fails the check' if lint_level == 'error' else 'a warning only'})", ""]
        lines += [f"- `{f['filename']}:{f['location']['row']}` {f['code']}: {f['message']}" for f in verdict.lint]
    if not verdict.changed_katas and not verdict.protected:
        lines += ["", "This pull request changes no kata.py file, so no kata was judged as changed."]
    return "\n".join(lines) + "\n", passed


def _first_line(text):
    """The first paragraph of a failure message, on one line."""
    paragraph = text.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def check(repo, base, head, lint_level="warning"):
    verdict = judge(repo, base, head)
    for line in annotations(verdict, lint_level):
        print(line)
    text, passed = summary(verdict, lint_level)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(text)
    print(text)
    return 0 if passed else 1
