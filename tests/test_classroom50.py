"""Classroom 50 grades a student's repository with the bundle `python -m tools classroom50-bundle`
writes: Classroom 50's own runner (tests/data/classroom50/runner.py, run as a program of its own, as
its workflow runs it) downloads the bundle and starts its autograder in a repository made as
`gh student accept` makes one."""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import GIT_IDENTITY
from tests.readme import commands_under
from tools.registry import ROOT, SOLUTIONS_DIR, katas, learner_file

DATA = ROOT / "tests" / "data" / "classroom50"
ORG, CLASSROOM, ASSIGNMENT, STUDENT, STUDENT_ID = "threading-school", "threads-2026", "katas", "ada", "4242"
REPOSITORY = f"{ORG}/{CLASSROOM}-{ASSIGNMENT}-{STUDENT}"  # the name gh student accept gives it
ACCEPT_MESSAGE = "[Classroom 50] Initialize .classroom50.yaml and autograde workflow (gh student accept)"
# .classroom50.yaml as gh student accept renders it (classroomcfg.Render: strings double-quoted).
CLASSROOM50_YAML = f"""\
schema: "classroom50/repo-config/v1"
classroom: "{CLASSROOM}"
assignment: "{ASSIGNMENT}"
owner:
  username: "{STUDENT}"
  id: {STUDENT_ID}
  accepted_at: "2026-09-01T09:00:00Z"
source:
  owner: "{ORG}"
  repo: "python-threading-katas"
  branch: "main"
"""
# What the student pushes: three katas solved, and two changes that would pass the rest if the
# grader took them from the student: a test file that tests nothing, and a pytest plugin that
# turns every failure into a pass. Kata 05's code kills its own process.
SOLVED = ("01_start_and_join", "02_many_tasks", "04_lock")
CHEATS = {
    "katas/03_race_condition/test_kata.py": "def test_nothing():\n    pass\n",
    "tools/pytest_plugin.py": (
        "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n"
    ),
}
KILLS_ITSELF = ("05_lifecycle", ROOT / "tests" / "tampering" / "05_lifecycle" / "exits_after_faking_a_pass.py")


def git(repo, *args):
    return subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_IDENTITY}, capture_output=True, text=True, check=True
    ).stdout.strip()


def committed(path):
    """A file's text as this repository's HEAD has it."""
    return subprocess.run(["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def commit_all(repo, message):
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
    return git(repo, "rev-parse", "HEAD")


def write(folder, files):
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The teacher's Pages site, as a folder: the bundle of this commit, packed as publish-pages.yaml
    packs `<classroom>/autograders/<assignment>/` (tar -czf, the folder's name inside)."""
    site, config = tmp_path_factory.mktemp("pages"), tmp_path_factory.mktemp("config")
    bundle = config / CLASSROOM / "autograders" / ASSIGNMENT
    (command,) = [line.split() for line in commands_under("For teachers") if "classroom50-bundle" in line]
    assert command == ["python", "-m", "tools", "classroom50-bundle", "<assignment>"]  # the README's command
    written = subprocess.run([sys.executable, *command[1:-1], bundle], cwd=ROOT, capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    (site / CLASSROOM / "autograders").mkdir(parents=True)
    archive = site / CLASSROOM / "autograders" / f"{ASSIGNMENT}.tar.gz"
    subprocess.run(["tar", "-czf", archive, "-C", bundle.parent, ASSIGNMENT], check=True)
    return site


def student_repository(folder):
    """A repository as Classroom 50 makes one from this template: GitHub's one commit of the template's
    files, then gh student accept's commit of .classroom50.yaml and the autograde shim. Returns the
    accept commit."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    git(folder, "init", "--quiet", "--initial-branch=main")
    commit_all(folder, "Initial commit")
    shim = (DATA / "autograde-shim.yaml").read_text()
    for placeholder, value in {"{{ORG}}": ORG, "{{BRANCH}}": "main", "{{CONFIG_BRANCH}}": "main"}.items():
        shim = shim.replace(placeholder, value)
    write(folder, {".classroom50.yaml": CLASSROOM50_YAML, ".github/workflows/autograde.yaml": shim})
    return commit_all(folder, ACCEPT_MESSAGE)


def runner_environment(tmp_path, workspace, sha, pages_site):
    """What the grade job of autograde-runner.yaml gives runner.py: its job env, GitHub's variables,
    a Python of its own first on PATH (actions/setup-python), and temporary files for the outputs."""
    python = tmp_path / "runner-python"
    venv.create(python)  # nothing of the katas is installed in it
    for name in ("output", "summary"):
        (tmp_path / name).write_text("")
    (tmp_path / "runner-temp").mkdir()
    return {
        "PATH": f"{python / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_REPOSITORY_OWNER": ORG,
        "GITHUB_SHA": sha,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_ACTOR": STUDENT,
        "GITHUB_ACTOR_ID": STUDENT_ID,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "PAGES_BASE_URL": pages_site.as_uri(),
        "CLASSROOM": CLASSROOM,
        "ASSIGNMENT": ASSIGNMENT,
        "SUBMISSION_TAG": f"submit/2026-09-02T10-00-00Z-{sha[:7]}",
        "SECRET": "",
        "MODE": "individual",
        "ALLOWED_FILES": "[]",
        "RELEASE_ASSETS": "[]",
        # The judge's packages are installed here already: the autograder installs nothing (the real
        # path, a new Python and pip, is the same but for those seconds).
        "KATAS_JUDGE_PYTHON": sys.executable,
    }


def run_runner(environment, workspace, *args):
    return subprocess.run(
        [Path(environment["PATH"].split(":")[0]) / "python3", DATA / "runner.py", *args],
        cwd=workspace,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def outputs(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.fixture(scope="module")
def graded(pages, tmp_path_factory):
    """One submission, graded as the runner grades it."""
    tmp_path = tmp_path_factory.mktemp("graded")
    origin = tmp_path / "origin"
    accepted = student_repository(origin)
    write(origin, {learner_file(name): (SOLUTIONS_DIR / f"{name}.py").read_text() for name in SOLVED})
    write(origin, {**CHEATS, learner_file(KILLS_ITSELF[0]): KILLS_ITSELF[1].read_text()})
    head = commit_all(origin, "My katas")
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "--quiet", origin, workspace], check=True)  # actions/checkout, fetch-depth: 0
    environment = runner_environment(tmp_path, workspace, head, pages)
    ran = run_runner(environment, workspace)
    return {
        "ran": ran,
        "result": json.loads((workspace / "result.json").read_text()),
        "body": (workspace / "release-body.md").read_text(),
        "outputs": outputs(tmp_path / "output"),
        "summary": (tmp_path / "summary").read_text(),
        "head": head,
        "accepted": accepted,
    }


@pytest.mark.timeout(600)
def test_the_runner_grades_one_point_per_solved_kata(graded):
    assert graded["ran"].returncode == 0, graded["ran"].stdout + graded["ran"].stderr
    result = graded["result"]
    schema = json.loads((DATA / "result-v1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(result)
    assert [test["test-name"] for test in result["tests"]] == [f"{kata.number} {kata.title}" for kata in katas()]
    assert {test["test-name"][3:]: test["passed"] for test in result["tests"]} == {
        kata.title: kata.name in SOLVED for kata in katas()
    }
    assert result["score"] == len(SOLVED)
    assert result["max-score"] == len(katas())
    assert all(test["max-score"] == 1 and test["score"] == int(test["passed"]) for test in result["tests"])


@pytest.mark.timeout(600)
def test_the_runner_stamps_who_and_when_and_keeps_what_the_autograder_wrote(graded):
    result, head = graded["result"], graded["head"]
    assert result["owner"] == STUDENT
    assert result["assignment_type"] == "individual"
    assert result["submitted_by"] == {"username": STUDENT, "id": int(STUDENT_ID)}
    assert result["submission"] == f"submit/2026-09-02T10-00-00Z-{head[:7]}"
    assert result["commit"] == f"https://github.com/{REPOSITORY}/commit/{head}"
    assert result["review"] == f"https://github.com/{REPOSITORY}/compare/{graded['accepted']}...{head}"
    assert result["release"].startswith(f"https://github.com/{REPOSITORY}/releases/tag/submit%2F")
    assert {"datetime", "graded_at"} <= result.keys()


@pytest.mark.timeout(600)
def test_the_students_tests_and_tools_change_nothing(graded):
    details = {test["test-name"][:2]: test["details"] for test in graded["result"]["tests"]}
    # Kata 03 is judged by the bundle's checks, not the student's test_nothing; kata 06 fails although
    # the student's pytest plugin would have passed every test.
    assert details["03"].startswith("test_two_threads_lose_one_update: ")
    assert details["06"].startswith("test_")
    assert "test_nothing" not in graded["body"]


@pytest.mark.timeout(600)
def test_a_kata_that_ends_its_process_is_a_failure(graded):
    (test,) = [test for test in graded["result"]["tests"] if test["test-name"].startswith("05 ")]
    assert not test["passed"]
    assert "did not finish" in test["details"]
    assert "| 05 The life of a thread: create, start, run, join | yes | ❌ " in graded["body"]


@pytest.mark.timeout(600)
def test_the_release_body_is_the_pull_request_summary_and_the_outputs_the_score(graded):
    body = graded["body"]
    assert body.startswith("## Threading katas: your submission\n")
    assert f"Progress: **{len(SOLVED)}/{len(katas())} solved**" in body
    for kata in katas():
        assert f"| {kata.number} {kata.title} |" in body
    assert graded["summary"] == body  # the runner mirrors it to the run's summary page
    solved, total = len(SOLVED), len(katas())
    assert graded["outputs"]["status"] == "failure"
    assert graded["outputs"]["summary"] == f"classroom50 autograde: {solved}/{total} ({solved}/{total} tests passed)"
    assert graded["outputs"]["head-sha"] == graded["head"]
    assert graded["outputs"]["baseline-sha"] == graded["accepted"]


@pytest.mark.timeout(120)
def test_the_runner_sees_the_accept_commit_as_nothing_to_grade(tmp_path):
    repo = tmp_path / "repo"
    accepted = student_repository(repo)
    environment = runner_environment(tmp_path, repo, accepted, tmp_path)
    ran = run_runner(environment, repo, "--detect-acceptance")
    assert ran.returncode == 0, ran.stderr
    assert outputs(tmp_path / "output") == {"is-acceptance": "true", "is-shim-update": "false"}


@pytest.mark.timeout(300)
def test_the_bundle_is_written_from_the_commit_and_replaces_only_a_bundle(tmp_path):
    bundle = tmp_path / "katas"

    def bundle_command(folder):
        return subprocess.run(
            [sys.executable, "-m", "tools", "classroom50-bundle", folder], cwd=ROOT, capture_output=True, text=True
        )

    assert bundle_command(bundle).returncode == 0
    assert sorted(path.name for path in bundle.iterdir()) == ["README.md", "autograder.py", "judge", "requirements.txt"]
    assert (bundle / "autograder.py").read_text() == committed("tools/classroom50_autograder.py")
    judge = bundle / "judge"
    assert sorted(path.name for path in judge.iterdir()) == ["katas", "pyproject.toml", "pytest.ini", "tools"]
    for kata in katas():
        assert (judge / learner_file(kata.name)).read_text() == committed(learner_file(kata.name))
    assert bundle_command(bundle).returncode == 0  # an earlier bundle is replaced
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep me")
    refused = bundle_command(tmp_path / "notes")
    assert refused.returncode == 2
    assert "is not empty and is not a bundle" in " ".join(refused.stderr.split())
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep me"


@pytest.mark.timeout(600)
def test_the_autograder_installs_the_judge_into_a_python_of_its_own(pages, tmp_path):
    """The path the runner takes: no KATAS_JUDGE_PYTHON, so the autograder makes a Python with venv and
    installs requirements.txt into it with pip (from the package index pip is configured with)."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    archive = pages / CLASSROOM / "autograders" / f"{ASSIGNMENT}.tar.gz"
    subprocess.run(["tar", "-xzf", archive, "-C", bundle], check=True)
    checkout = tmp_path / "checkout"
    student_repository(checkout)
    write(checkout, {learner_file("01_start_and_join"): (SOLUTIONS_DIR / "01_start_and_join.py").read_text()})
    python = tmp_path / "runner-python"
    venv.create(python)
    environment = {
        **{key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")},
        "PATH": f"{python / 'bin'}:/usr/bin:/bin",
        "CLASSROOM50_BUNDLE_DIR": str(bundle / ASSIGNMENT),
        "CLASSROOM": CLASSROOM,
        "ASSIGNMENT": ASSIGNMENT,
        "SUBMISSION_TAG": "submit/2026-09-02T10-00-00Z-0000000",
        "COMMIT_URL": f"https://github.com/{REPOSITORY}/commit/0",
        "RELEASE_URL": f"https://github.com/{REPOSITORY}/releases/tag/submit%2F2026-09-02T10-00-00Z-0000000",
    }
    environment.pop("KATAS_JUDGE_PYTHON", None)
    ran = subprocess.run(
        [python / "bin" / "python3", bundle / ASSIGNMENT / "autograder.py"],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "threading katas: installed the judge's packages in " in ran.stdout
    result = json.loads((checkout / "result.json").read_text())
    assert [test["passed"] for test in result["tests"]] == [kata.name == "01_start_and_join" for kata in katas()]
