"""The check a pull request gets: the learner's kata.py files, judged by the base branch's tests.

Everything but the learner's `katas/*/kata.py` files comes from the base commit: tests, test
helpers, configuration. Each kata is judged in a fresh process, in a fresh copy of the base that
holds only that kata's kata.py from the head, so what one kata's code does, in memory or on disk,
cannot change another kata's verdict. The process is isolated by the operating system (see
tools/isolation.py), the kata.py read first by the static gate (tools/review.py), and nothing the
process reports is trusted: the tests it must report are collected from the base beforehand, its
results must bear the signature of the judge's plugin, and every field is checked and escaped.
After each kata the judge makes sure, by lstat and capped reads only, that the copy, the Python the
tests run on, the check's own files and the runner's files are as they were, and stops judging when not.
The result is told three ways: GitHub annotations on stdout (failures on the learner's lines), a
Markdown summary (to $GITHUB_STEP_SUMMARY when set), and the exit status (1 when a changed kata
fails or a protected file changed; with --kata, 0 exactly when that kata is solved).
In a learner's terminal (outside GitHub Actions) it is plain text in 80 columns instead, naming
the uncommitted kata.py files it does not judge, and ending with the next step.
"""

import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import re
import secrets
import shutil
import site
import stat
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tools import isolation, judge_guard, pytest_plugin, review
from tools.progress import SOLVED, KataResult, states
from tools.registry import ROOT, Kata, katas, learner_file
from tools.runner import fresh_pytest

LEARNER_FILE = re.compile(r"^katas/(?P<kata>[^/]+)/kata\.py$")
COLLECTED_TEST = re.compile(r"^katas/(?P<kata>[^/]+)/test_[^/:]*\.py::(?P<test>.+)$")
PROTECTED_FOLDERS = ("tools/", "tests/", ".github/", ".ci/", ".devcontainer/")
PROTECTED_NAMES = {"conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "katas.toml"}
# Files through which a workflow step talks to the GitHub runner: only the judge may write them.
RUNNER_FILES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")
# What the kata tests run on, besides the standard library: pytest and the plugins it loads.
JUDGE_PACKAGES = ("_pytest", "pytest", "pluggy", "iniconfig", "packaging", "pytest_timeout")
DID_NOT_FINISH = "(the tests did not finish)"
CHANGED_THE_JUDGE = "(changed the judge)"
REPORT_DID_NOT_ADD_UP = "(the tests' report did not add up)"
# The judge reads files the learner's code could have written: never more than this of any of them.
LARGEST_FILE_READ = 1 << 20
LONGEST_MESSAGE = 20_000


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
    isolation: str = ""  # how the katas' processes ran, in a sentence

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
        collecting = _start_collecting(base_tree)  # while the learner's files are read and linted
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
        collected = _collected(collecting)
        surroundings = Surroundings(base_tree, base_files)
        sandbox = isolation.Sandbox(scratch)
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
            results[name] = judge_one_kata(
                name, work, expected, scratch / f"{name}.json", surroundings, collected.get(name, []), sandbox
            )
            shutil.rmtree(work, ignore_errors=True)
    protected = [path for path in changed if is_protected(path)]
    return Verdict(changed_katas, protected, results, lint, registry, judged, sandbox.describe())


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


def collect_tests(base_tree, where="katas"):
    """Kata name -> the names of its tests, as pytest collects them from the base before any learner
    code runs (collecting imports the tests, never a kata.py): what each kata's run must report."""
    return _collected(_start_collecting(base_tree, where))


def _start_collecting(base_tree, where="katas"):
    return subprocess.Popen(
        fresh_pytest("--collect-only", "-q", where),
        cwd=base_tree,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(base_tree), *_python_path()]),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _collected(collecting):
    output, _ = collecting.communicate()
    collected = {}
    for line in output.splitlines():
        if match := COLLECTED_TEST.match(line):
            collected.setdefault(match["kata"], []).append(match["test"])
    if not collected:
        raise RuntimeError(f"the base's kata tests could not be collected:\n{output[-2000:]}")
    return collected


def judge_one_kata(name, work, before, results_file, surroundings, collected=None, sandbox=None):
    """One kata's tests in a process of their own, isolated by the operating system (tools/isolation.py),
    then a look at what the learner's code changed. `collected` names the kata's tests (collected from
    `work` now, before the learner's code runs, if not given): its run must report each of them."""
    if collected is None:
        collected = collect_tests(work, f"katas/{name}").get(name, [])
    sandbox = sandbox or isolation.default_sandbox()
    try:  # read before the learner's code runs, from the copy only the judge writes to
        findings = review.findings(read_regular_file(work / learner_file(name)).decode(errors="replace"))
    except OSError:
        findings = []
    home = results_file.parent / f"{results_file.stem}-home"  # the one folder the process owns but its kata's
    home.mkdir()
    for path in (work / "katas" / name, work / learner_file(name)):
        if path.exists():
            sandbox.give(path)
    kata_results, key = home / "results.json", secrets.token_bytes(32)
    key_file = home / "key"
    with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(key)
    sandbox.give(key_file)
    sandbox.give(home)
    sandbox.make_reachable(work, home)
    outcome = sandbox.run(
        [
            *("-p", "no:cacheprovider", f"katas/{name}", "--all-katas", "-q"),
            *(f"--kata-results={kata_results}", f"--kata-results-key={key_file}"),
        ],
        cwd=work,
        home=home,
        python_path=[work, *_python_path()],
    )
    if outcome.status is None:
        result = KataResult(failed=[DID_NOT_FINISH], message=judge_guard.out_of_time_lesson(isolation.WALL_SECONDS))
    else:
        result = _read_result(
            name, kata_results, key, outcome.status, outcome.output, collected, work / learner_file(name)
        )
    sandbox.reclaim(work / "katas" / name)
    sandbox.reclaim(home)
    output = outcome.output
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
    if findings:  # the run's own lesson follows the reviewer's note
        result.failed = [review.REVIEW, *result.failed]
        result.message = "\n\n".join(filter(None, [review.lesson(findings, learner_file(name)), result.message]))
        result.line = findings[0].line
    return result


def _read_result(name, results_file, key, exit_status, output, collected, kata_file):
    """The kata's result as its tests wrote it, signed with `key`, if it adds up; nothing in it is taken
    on trust: the process that wrote it ran the learner's code."""
    try:
        signed = json.loads(read_regular_file(results_file))
        if not hmac.compare_digest(str(signed["signature"]), pytest_plugin.sign(key, str(signed["results"]))):
            raise ValueError("not signed by the judge's plugin")
        result = _checked_result(json.loads(signed["results"])[name], collected, kata_file)
    except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):  # none written, or not by the judge
        result = None
    # pytest ends with 0 when every test passed and 1 when some failed; anything else, or a
    # status that disagrees with the results, means the tests were cut short.
    if result is not None and exit_status == (1 if result.failed else 0):
        if result.passed + len(result.failed) == len(collected):
            return result
        return KataResult(
            failed=[REPORT_DID_NOT_ADD_UP],
            message=judge_guard.incomplete_report_lesson(len(collected), result.passed + len(result.failed)),
        )
    return KataResult(failed=[DID_NOT_FINISH], message=judge_guard.ended_early_lesson(exit_status, output))


def _checked_result(raw, collected, kata_file):
    """A KataResult from the results file's entry, if every field has the type and the values a run of
    the kata's `collected` tests can give; ValueError otherwise."""
    fields = {"passed": int, "failed": list, "message": str, "line": (int, type(None)), "judge_changed": bool}
    if not isinstance(raw, dict) or raw.keys() != fields.keys():
        raise ValueError("not the fields of a kata's result")
    for key, kind in fields.items():
        if not isinstance(raw[key], kind) or (kind is int and isinstance(raw[key], bool)):
            raise ValueError(f"{key} is a {type(raw[key]).__name__}")
    failed = raw["failed"]
    if not all(isinstance(test, str) for test in failed) or len(set(failed)) != len(failed):
        raise ValueError("failed is not a list of distinct test names")
    if not set(failed) <= set(collected) or not 0 <= raw["passed"] <= len(collected):
        raise ValueError("tests the base does not have")
    if raw["judge_changed"] and not failed:
        raise ValueError("changed the judge, yet failed no test")
    line = raw["line"]
    if line is not None and not 1 <= line <= _lines_in(kata_file):
        line = None  # a line the learner's file does not have
    return KataResult(raw["passed"], list(failed), raw["message"][:LONGEST_MESSAGE], line, raw["judge_changed"])


def _lines_in(kata_file):
    try:
        return read_regular_file(kata_file).count(b"\n") + 1
    except OSError:
        return 0


def read_regular_file(path, limit=LARGEST_FILE_READ):
    """The bytes of `path`, if it is a regular file (not a link, a FIFO or a device) of at most `limit` bytes."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{path} is not a regular file")
        if status.st_size > limit:
            raise OSError(f"{path} is larger than {limit} bytes")
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            content = stream.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(content) > limit:
        raise OSError(f"{path} is larger than {limit} bytes")
    return content


def _python_path():
    """The folders this Python was told to import from, after the copy's own."""
    return [folder for folder in os.environ.get("PYTHONPATH", "").split(os.pathsep) if folder]


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
                _put_back(path, content)
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
        """Every file the judge runs from, by lstat: the check's own protected files and their bytecode,
        everything in site-packages (pytest and its plugins, the .pth files every Python process runs,
        the editable install's finder, with their __pycache__), the user's site-packages, whether it
        exists or not, and the standard library."""
        skip = {".git", ".venv", "venv", "node_modules"}
        found = {
            path: signature
            for path, signature in _signatures(ROOT, skip).items()
            if is_protected(Path(path).relative_to(ROOT).as_posix()) or "__pycache__" in Path(path).parts
        }
        paths = sysconfig.get_paths()
        for folder in {paths["purelib"], paths["platlib"], site.getusersitepackages()}:
            found.update(_signatures(folder) if os.path.isdir(folder) else _signatures_of([folder]))
        for package in JUDGE_PACKAGES:
            spec = importlib.util.find_spec(package)
            for location in (spec.submodule_search_locations or [spec.origin]) if spec else []:
                found.update(_signatures(location) if os.path.isdir(location) else _signatures_of([location]))
        found.update(_signatures(paths["stdlib"], skip={"site-packages", "test"}))
        return found


def _signatures(folder, skip=frozenset(), recurse=True):
    """Path -> type, size, times and inode of every file below `folder` (ctime cannot be set back the way
    mtime can), found by lstat alone: no link is followed and no file opened."""
    found, folders = {}, [folder]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError as error:  # a folder made unreadable is a change of its own
            found[error.filename] = ("unreadable",)
            continue
        for entry in entries:
            if recurse and entry.is_dir(follow_symlinks=False):
                if entry.name not in skip:
                    folders.append(entry.path)
                continue
            found.update(_signatures_of([entry.path]))
    return found


def _signatures_of(paths):
    found = {}
    for path in paths:
        try:
            status = os.lstat(path)
        except OSError:
            found[path] = None
            continue
        found[path] = (
            stat.S_IFMT(status.st_mode),
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
            status.st_ino,
        )
    return found


def _differences(now, before):
    """The keys whose values differ, or that only one of the two has."""
    return sorted({key for key, _ in now.items() ^ before.items()})


def _content(path):
    """What a runner file holds, None when there is none; a file the judge will not read (a link, a FIFO,
    one too large) counts as changed."""
    try:
        return read_regular_file(path)
    except FileNotFoundError:
        return None
    except OSError:
        return b"(not a regular file of at most 1 MiB)\0" + secrets.token_bytes(8)


def _put_back(path, content):
    """Put a runner file back as it was, replacing whatever the learner's code left at its path."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    if content is not None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)


def unpack(archive, folder):
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def file_hashes(folder):
    """Relative path -> the SHA-256 of every regular file below `folder`; what is not a regular file, or is
    larger than the judge reads, by its type and size instead: nothing is followed, opened unless regular,
    or read whole."""
    hashes = {}
    for path, signature in _signatures(folder).items():
        relative = Path(path).relative_to(folder).as_posix()
        if signature is None or len(signature) == 1 or not stat.S_ISREG(signature[0]):
            hashes[relative] = f"not a regular file: {signature}"
            continue
        try:
            hashes[relative] = _sha256(path)
        except OSError as error:
            hashes[relative] = f"not read: {error}"
    return hashes


def _sha256(path):
    digest = hashlib.sha256()
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        read = 0
        while chunk := stream.read(1 << 16):
            read += len(chunk)
            if read > LARGEST_FILE_READ * 8:
                raise OSError("larger than the judge reads")
            digest.update(chunk)
    return digest.hexdigest()


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
    """GitHub workflow-command escaping for a message (the runner's escapeData)."""
    return _printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text):
    """GitHub workflow-command escaping for a property's value (the runner's escapeProperty): a value
    with its ':' and ',' escaped cannot end the properties, nor start another one."""
    return escape(text).replace(":", "%3A").replace(",", "%2C")


def markdown_cell(text):
    """`text` on one line of a Markdown table or list, shown as the text it is: no HTML (a comment could
    hide the rest of the summary), no link or image, no column of its own."""
    text = _one_line(_printable(text))
    for character, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(character, escaped)
    for character in "\\|[]":
        text = text.replace(character, "\\" + character)
    return text


def markdown_code(text):
    """`text` as code on one line of a Markdown table or list: no backtick to end it early, no column of its own."""
    return "`" + _one_line(_printable(text)).replace("`", "'").replace("|", "\\|") + "`"


def _printable(text):
    """`text` without control characters other than new lines and tabs (no \\r, no escape sequences)."""
    return "".join(
        character if character in "\n\t" or unicodedata.category(character)[0] != "C" else " " for character in text
    )


def annotations(verdict, lint_level):
    for path in verdict.protected:
        yield (f"::error file={escape_property(path)},title=Protected file changed::{escape(protected_message(path))}")
    for name in verdict.failing_changed_katas():
        result = verdict.results[name]
        line = f",line={result.line}" if result.line else ""
        title = escape_property(result.failed[0])
        yield f"::error file={learner_file(name)}{line},title={title}::{escape(result.message.strip())}"
    for finding in verdict.lint:
        row, column = int(finding["location"]["row"]), int(finding["location"]["column"])
        place = f"file={escape_property(finding['filename'])},line={row},col={column}"
        yield f"::{lint_level} {place},title={escape_property('ruff ' + finding['code'])}::{escape(finding['message'])}"


def protected_message(path):
    return (
        f"Your submission changes {_one_line(_printable(path))}. The check always takes the tests, their helpers"
        " and the settings from the starting point (the base branch, or the assignment's starter), so changing"
        " them cannot make a kata pass: undo this change and change only your katas/*/kata.py files."
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
        first = (
            f"`{markdown_cell(result.failed[0])}`: {markdown_cell(_first_line(result.message))}"
            if result.failed
            else ""
        )
        changed = "yes" if kata.name in verdict.changed_katas else ""
        lines.append(f"| {kata.number} {kata.title} | {changed} | {verdict_text} | {first} |")
    if verdict.protected:
        lines += ["", "### Protected files changed", ""]
        lines += [
            f"- {markdown_code(path)}: the check uses the base branch's version; undo this change."
            for path in verdict.protected
        ]
    if verdict.lint:
        lines += ["", f"### ruff ({'fails the check' if lint_level == 'error' else 'a warning only'})", ""]
        lines += [
            f"- {markdown_code(_place(f))} {markdown_cell(f['code'])}: {markdown_cell(f['message'])}"
            for f in verdict.lint
        ]
    if not verdict.changed_katas and not verdict.protected:
        lines += ["", "This submission changes no kata.py file, so no kata was judged as changed."]
    if verdict.isolation:
        lines += ["", verdict.isolation]
    return "\n".join(lines) + "\n", passed


def _place(finding):
    return f"{finding['filename']}:{int(finding['location']['row'])}"


def _verdict_text(state, result, marks=True):
    if state == SOLVED:
        text = "✅ solved"
    elif result.judge_changed:
        text = "❌ changed the judge"
    elif result.failed[:1] == [review.REVIEW]:
        text = "❌ needs a teacher's review"
    elif result.failed in ([DID_NOT_FINISH], [REPORT_DID_NOT_ADD_UP]):
        text = "❌ did not finish"
    else:
        text = "❌ not yet" if result.failed else "⏳ not run"
    return text if marks else text.split(" ", 1)[1]


def _one_line(text):
    return " ".join(text.split())


def _first_line(text):
    """The first paragraph of a failure message, on one line."""
    paragraph = text.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def in_github_actions():
    """Whether this runs as a step of a GitHub Actions workflow, whose runner reads workflow commands."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


JUDGE_FAILED = (
    "## Threading katas: your submission\n\n❌ **The check fails.** The judge itself could not finish"
    " (the job's log says why), so no kata was judged. Tell your teacher.\n"
)


def check(repo, base, head, lint_level="warning", only=None):
    if not in_github_actions():
        return check_in_a_terminal(repo, base, head, lint_level, only)
    # Nothing the learner's code writes to this process's output while it is judged is read by the
    # runner as a workflow command: the token that turns commands back on is known to this process only.
    # Learner text is printed only escaped once commands are back on: in annotations' data, never a line of its own.
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", flush=True)
    text, status, lines = JUDGE_FAILED, 1, []
    try:
        verdict = judge(repo, base, head, only=only)
        lines = list(annotations(verdict, lint_level))
        text, passed = summary(verdict, lint_level)
        status = _exit_status(verdict, passed, only)
    except Exception:  # noqa: BLE001 - said in the log, while the runner takes no commands from it
        traceback.print_exc(file=sys.stdout)
    finally:  # a verdict always, even when the judge fails
        print(f"::{token}::", flush=True)
        for line in lines:
            print(line)
        _append_summary(text)
        print(f"::stop-commands::{token}")
        print(text)
        print(f"::{token}::", flush=True)
    return status


def _append_summary(text):
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    # The judge put the file back after each kata; still, it follows no link to write it.
    descriptor = os.open(summary_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.write(text)


def _exit_status(verdict, passed, only):
    if only:
        result = verdict.results.get(only, KataResult())
        return 0 if result.ran and not result.failed else 1
    return 0 if passed else 1


# --- the same check in a learner's terminal: plain text in 80 columns, and what to do next ---------------------

WIDTH = 80


def check_in_a_terminal(repo, base, head, lint_level="warning", only=None):
    uncommitted = uncommitted_kata_files(repo)
    print(
        _folded(
            f"Judging {_commit_name(repo, head)} against {base}: the kata.py files as committed, with {base}'s tests."
        )
    )
    if uncommitted:
        print(f"Not judged: uncommitted changes to {', '.join(uncommitted)}.")
        print(_folded("The check judges commits only. Commit these changes to have them judged, then run it again."))
    print(flush=True)
    verdict = judge(repo, base, head, only=only)
    text, passed = terminal_summary(verdict, lint_level, base, uncommitted)
    print(text)
    return _exit_status(verdict, passed, only)


def uncommitted_kata_files(repo):
    """The learner's kata.py files that differ from the commit checked out, as git names them."""
    changed = git(repo, "status", "--porcelain", "-z", "--untracked-files=no", "--", "katas/*/kata.py").split("\0")
    return [entry[3:] for entry in changed if LEARNER_FILE.match(entry[3:])]


def _commit_name(repo, head):
    short = git(repo, "rev-parse", "--short", head).strip()
    return f"your commit {short}" if head == "HEAD" else f"{head} ({short})"


def terminal_summary(verdict, lint_level, base, uncommitted=()):
    """The verdict as plain text for a terminal: a table of the katas, what fails, what to do next."""
    rows = [row for row in states(verdict.results, verdict.registry) if row[0].name in verdict.judged]
    solved = sum(state == SOLVED for _, state, _ in rows)
    passed = (
        not verdict.protected and not verdict.failing_changed_katas() and not (lint_level == "error" and verdict.lint)
    )
    title_width = min(46, max(len(kata.title) for kata, _, _ in rows))
    lines = [f"   {'kata':<{title_width}}  changed  verdict"]
    for kata, state, result in rows:
        title = kata.title if len(kata.title) <= title_width else kata.title[: title_width - 1] + "…"
        changed = "yes" if kata.name in verdict.changed_katas else ""
        lines.append(f"{kata.number} {title:<{title_width}}  {changed:<7}  {_verdict_text(state, result, marks=False)}")
    lines += ["", f"The check {'passes' if passed else 'fails'}. Progress: {solved}/{len(rows)} solved."]
    for name in verdict.failing_changed_katas():
        result = verdict.results[name]
        # The lesson as ptw shows it, already folded to 80 columns; its first paragraph, without the picture.
        number = name.partition("_")[0]
        lines += ["", f"Kata {number} fails {result.failed[0]}:", _first_paragraph(result.message)]
    for path in verdict.protected:
        lines += ["", _folded(protected_message(path))]
    if verdict.lint:
        lines += ["", f"ruff ({'fails the check' if lint_level == 'error' else 'a warning only'}):"]
        lines += [_cut(f"  {_lint_line(finding)}") for finding in verdict.lint]
    if not verdict.changed_katas and not verdict.protected:
        lines += ["", f"Your commits change no kata.py file since {base}, so no kata was judged as changed."]
    lines += ["", _folded(_next_step(passed, base, uncommitted))]
    return "\n".join(lines), passed


def _next_step(passed, base, uncommitted):
    if uncommitted:
        return (
            'Next: commit your kata.py files (git commit -am "my solutions") and run this again;'
            f" then push your branch (git push -u origin HEAD) and open a pull request into {base}."
        )
    if passed:
        return (
            f"Next: push your branch (git push -u origin HEAD) and open a pull request into {base}."
            " Its Check submission job judges it the same way."
        )
    return (
        "Next: fix what fails (ptw shows the whole lesson), commit, and run this again;"
        f" then push your branch (git push -u origin HEAD) and open a pull request into {base}."
    )


def _lint_line(finding):
    return f"{finding['filename']}:{finding['location']['row']} {finding['code']} {finding['message']}"


def _folded(text):
    return textwrap.fill(text, WIDTH, break_on_hyphens=False)


def _first_paragraph(text):
    return text.strip().split("\n\n")[0]


def _cut(line):
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"
