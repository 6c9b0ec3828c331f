"""The check a pull request gets: the learner's kata.py files, judged by the base branch's tests.

Everything but the learner's `katas/*/kata.py` files comes from the base commit: tests, test
helpers, configuration. Each kata is judged in a fresh process, in a fresh copy of the base that
holds only that kata's kata.py from the head, so what one kata's code does, in memory or on disk,
cannot change another kata's verdict. The learner's code runs without the GitHub runner's command
files in its environment; after each kata the judge makes sure that the copy, the Python the tests
run on, the check's own files and the runner's files are as they were, and stops judging when not.
The result is told three ways: GitHub annotations on stdout (failures on the learner's lines), a
Markdown summary (to $GITHUB_STEP_SUMMARY when set), and the exit status (1 when a changed kata
fails or a protected file changed; with --kata, 0 exactly when that kata is solved).
"""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools import judge_guard
from tools.progress import SOLVED, KataResult, states
from tools.registry import ROOT, Kata, katas, learner_file
from tools.runner import fresh_pytest

LEARNER_FILE = re.compile(r"^katas/(?P<kata>[^/]+)/kata\.py$")
PROTECTED_FOLDERS = ("tools/", "tests/", ".github/", ".ci/", ".devcontainer/")
PROTECTED_NAMES = {"conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "katas.toml"}
# Files through which a workflow step talks to the GitHub runner: only the judge may write them.
RUNNER_FILES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")
# What the kata tests run on, besides the standard library: pytest and the plugins it loads.
JUDGE_PACKAGES = ("_pytest", "pytest", "pluggy", "iniconfig", "packaging", "pytest_timeout")
# The kata tests end stuck code themselves within seconds; this only ends a judge that hangs.
KATA_TIMEOUT = 120
DID_NOT_FINISH = "(the tests did not finish)"
CHANGED_THE_JUDGE = "(changed the judge)"


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
    registry: list[Kata]
    judged: list[str]  # the katas this check judged, in order

    def failing_changed_katas(self):
        return [name for name in self.changed_katas if self.results.get(name, KataResult()).failed]


def git(repo, *args, binary=False):
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return result.stdout if binary else result.stdout.decode()


def judge(repo, base, head, only=None):
    """Run the base's kata tests on the head's kata.py files, one kata at a time, each in a fresh copy."""
    changed = [path for path in git(repo, "diff", "--name-only", "-z", f"{base}...{head}").split("\0") if path]
    archive = git(repo, "archive", "--format=tar", base, binary=True)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        base_tree = unpack(archive, scratch / "base")
        base_files = file_hashes(base_tree)
        registry = katas(base_tree / "katas")
        # Only the kata.py files of katas the base has come from the pull request; nothing else does.
        changed_katas = [
            match["kata"]
            for path in changed
            if (match := LEARNER_FILE.match(path)) and (base_tree / "katas" / match["kata"]).is_dir()
        ]
        # Everything is read from git, and linted, before any learner code runs.
        learner_files = {name: _file_at(repo, head, learner_file(name)) for name in changed_katas}
        lint = ruff_findings(_copy_with(base_tree, learner_files, scratch / "lint"), learner_files)
        surroundings = Surroundings(base_tree, base_files)
        judged = [only] if only else [kata.name for kata in registry]
        results = {}
        for name in judged:
            if surroundings.broken:
                break  # what would judge the next kata can no longer be trusted
            mine = {name: learner_files[name]} if name in learner_files else {}
            work = _copy_with(base_tree, mine, scratch / name)
            expected = {path: digest for path, digest in {**base_files, **_hashes_of(mine)}.items() if digest}
            if file_hashes(work) != expected:
                raise RuntimeError(f"the copy made to judge {name} is not the base commit")
            results[name] = judge_one_kata(name, work, expected, scratch / f"{name}.json", surroundings)
            shutil.rmtree(work, ignore_errors=True)
    protected = [path for path in changed if is_protected(path)]
    return Verdict(changed_katas, protected, results, lint, registry, judged)


def _copy_with(base_tree, learner_files, folder):
    """A copy of the base with the learner's kata.py files in it."""
    shutil.copytree(base_tree, folder)
    for name, text in learner_files.items():
        path = folder / learner_file(name)
        if text is None:  # the pull request deletes it
            path.unlink()
        else:
            path.write_bytes(text)
    return folder


def judge_one_kata(name, work, before, results_file, surroundings):
    """One kata's tests in a process of their own, then a look at what the learner's code changed."""
    environment = {key: value for key, value in os.environ.items() if key not in RUNNER_FILES}
    environment |= {"PYTHONPATH": os.pathsep.join([str(work), *_python_path()]), "PYTHONDONTWRITEBYTECODE": "1"}
    child = subprocess.Popen(
        fresh_pytest(f"katas/{name}", "--all-katas", "-q", f"--kata-results={results_file}"),
        cwd=work,
        env={
            **environment,
            "PYTHONPATH": os.pathsep.join([str(work), *_python_path()]),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,  # a process group of its own, so that what it leaves running can be ended
    )
    try:
        output, _ = child.communicate(timeout=KATA_TIMEOUT)
    except subprocess.TimeoutExpired:
        output = ""
    finally:
        _end_process_group(child.pid)
        child.wait()
    result = _read_result(name, results_file, child.returncode, output)
    own_file = learner_file(name)
    changed_files = [path for path in _differences(file_hashes(work), before) if path != own_file]
    problems = [judge_guard.files_lesson(changed_files)] if changed_files else []
    problems += surroundings.changes()
    commands = judge_guard.workflow_commands(output)
    if commands and not result.judge_changed:
        problems.append(judge_guard.workflow_command_lesson(commands))
    if problems:
        said_already = [result.message] if result.judge_changed else []
        result.message = "\n\n".join(problems + said_already)
        result.judge_changed = True
    if result.judge_changed:
        result.failed = [CHANGED_THE_JUDGE, *[test for test in result.failed if test != CHANGED_THE_JUDGE]]
    return result


def _read_result(name, results_file, exit_status, output):
    """The kata's result as its tests wrote it, unless the process ended before pytest could finish."""
    try:
        result = KataResult(**json.loads(results_file.read_text())[name])
    except (OSError, ValueError, TypeError, KeyError):  # none written, or not by the judge
        result = None
    # pytest ends with 0 when every test passed and 1 when some failed; anything else, or a
    # status that disagrees with the results, means the tests were cut short.
    if result is not None and exit_status == (1 if result.failed else 0):
        return result
    return KataResult(failed=[DID_NOT_FINISH], message=judge_guard.ended_early_lesson(exit_status, output))


def _python_path():
    """The folders this Python was told to import from, after the copy's own."""
    return [folder for folder in os.environ.get("PYTHONPATH", "").split(os.pathsep) if folder]


def _end_process_group(group):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


class Surroundings:
    """What the learner's code could change outside its own copy of the base, and must not: the
    check's own files, the Python the kata tests run on, and the GitHub runner's files."""

    def __init__(self, base_tree, base_files):
        self.base_tree, self.base_files = base_tree, base_files  # the copy each kata's copy is made from
        self.runner_files = {
            variable: (Path(os.environ[variable]), _content(Path(os.environ[variable])))
            for variable in RUNNER_FILES
            if os.environ.get(variable)
        }
        self.installation = self._installation()
        self.broken = False

    def changes(self):
        """What changed since the check began, in words for the learner; the runner's files are put back."""
        found = []
        for variable, (path, content) in self.runner_files.items():
            if _content(path) != content:
                found.append(judge_guard.runner_file_lesson(variable))
                # The runner reads these files only when the step ends: put back what was there.
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(content)
        base_now = file_hashes(self.base_tree)
        if base_now != self.base_files:
            found.append(judge_guard.files_lesson(_differences(base_now, self.base_files)))
            self.broken = True
        now = self._installation()
        if now != self.installation:
            found.append(judge_guard.installation_lesson(_differences(now, self.installation)))
            self.broken = True
        return found

    @staticmethod
    def _installation():
        """Every file the judge runs from, by size, times and inode: the check's own protected files,
        pytest and its plugins with their caches, the standard library, and what is at the top of
        site-packages (a new .pth file there would run in every later Python process)."""
        skip = {".git", ".venv", "venv", "node_modules", "__pycache__"}
        found = {
            path: signature
            for path, signature in _signatures(ROOT, skip).items()
            if is_protected(Path(path).relative_to(ROOT).as_posix())
        }
        paths = sysconfig.get_paths()
        for folder in {paths["purelib"], paths["platlib"]}:
            found.update(_signatures(folder, recurse=False))
        for package in JUDGE_PACKAGES:
            spec = importlib.util.find_spec(package)
            for location in (spec.submodule_search_locations or [spec.origin]) if spec else []:
                found.update(_signatures(location) if os.path.isdir(location) else _signatures_of([location]))
        found.update(_signatures(paths["stdlib"], skip={"site-packages", "test"}))
        return found


def _signatures(folder, skip=frozenset(), recurse=True):
    """Path -> size, times and inode of every file below `folder` (ctime cannot be set back the way mtime can)."""
    found, folders = {}, [folder]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if recurse and entry.is_dir(follow_symlinks=False):
                    if entry.name not in skip:
                        folders.append(entry.path)
                    continue
                status = entry.stat(follow_symlinks=False)
                found[entry.path] = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    return found


def _signatures_of(paths):
    found = {}
    for path in paths:
        status = os.lstat(path)
        found[path] = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    return found


def _differences(now, before):
    """The keys whose values differ, or that only one of the two has."""
    return sorted({key for key, _ in now.items() ^ before.items()})


def _content(path):
    return path.read_bytes() if path.exists() else None


def unpack(archive, folder):
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def file_hashes(folder):
    return {
        Path(path).relative_to(folder).as_posix(): hashlib.sha256(Path(path).read_bytes()).hexdigest()
        for path in _signatures(folder)
    }


def _hashes_of(learner_files):
    return {
        learner_file(name): None if text is None else hashlib.sha256(text).hexdigest()
        for name, text in learner_files.items()
    }


def _file_at(repo, commit, path):
    try:
        return git(repo, "show", f"{commit}:{path}", binary=True)
    except subprocess.CalledProcessError:
        return None


def ruff_findings(work, learner_files):
    existing = [learner_file(name) for name, text in learner_files.items() if text is not None]
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
        line = f",line={result.line}" if result.line else ""
        yield f"::error file={learner_file(name)}{line},title={result.failed[0]}::{escape(result.message.strip())}"
    for finding in verdict.lint:
        place = f"file={finding['filename']},line={finding['location']['row']},col={finding['location']['column']}"
        yield f"::{lint_level} {place},title=ruff {finding['code']}::{escape(finding['message'])}"


def protected_message(path):
    return (
        f"Your submission changes {path}. The check always takes the tests, their helpers and the"
        " settings from the starting point (the base branch, or the assignment's starter), so changing them"
        " cannot make a kata pass: undo this change"
        " and change only your katas/*/kata.py files."
    )


def summary(verdict, lint_level):
    rows = [row for row in states(verdict.results, verdict.registry) if row[0].name in verdict.judged]
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
    part = None
    for kata, state, result in rows:
        if kata.part != part:
            part = kata.part
            lines.append(f"| **{part}** | | | |")
        verdict_text = _verdict_text(state, result)
        first = f"`{result.failed[0]}`: {_first_line(result.message)}" if result.failed else ""
        changed = "yes" if kata.name in verdict.changed_katas else ""
        cell = first.replace("|", "\\|")
        lines.append(f"| {kata.number} {kata.title} | {changed} | {verdict_text} | {cell} |")
    if verdict.protected:
        lines += ["", "### Protected files changed", ""]
        lines += [
            f"- `{_one_line(path)}`: the check uses the base branch's version; undo this change."
            for path in verdict.protected
        ]
    if verdict.lint:
        lines += ["", f"### ruff ({'fails the check' if lint_level == 'error' else 'a warning only'})", ""]
        lines += [f"- `{f['filename']}:{f['location']['row']}` {f['code']}: {f['message']}" for f in verdict.lint]
    if not verdict.changed_katas and not verdict.protected:
        lines += ["", "This submission changes no kata.py file, so no kata was judged as changed."]
    return "\n".join(lines) + "\n", passed


def _verdict_text(state, result):
    if state == SOLVED:
        return "✅ solved"
    if result.judge_changed:
        return "❌ changed the judge"
    if result.failed == [DID_NOT_FINISH]:
        return "❌ did not finish"
    return "❌ not yet" if result.failed else "⏳ not run"


def _one_line(text):
    return " ".join(text.split())


def _first_line(text):
    """The first paragraph of a failure message, on one line."""
    paragraph = text.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def check(repo, base, head, lint_level="warning", only=None):
    # Nothing the learner's code writes to this process's output while it is judged is read by the
    # runner as a workflow command: the token that turns commands back on is known to this process only.
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", flush=True)
    verdict = judge(repo, base, head, only=only)
    print(f"::{token}::", flush=True)
    for line in annotations(verdict, lint_level):
        print(line)
    text, passed = summary(verdict, lint_level)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(text)
    print(f"::stop-commands::{token}")
    print(text)
    print(f"::{token}::")
    if only:
        result = verdict.results.get(only, KataResult())
        return 0 if result.ran and not result.failed else 1
    return 0 if passed else 1
