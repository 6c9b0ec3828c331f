"""python -m tools check-submission on real git repositories: a base commit, then a pull request."""

import os
import subprocess
import sys

import pytest

from tests.conftest import GIT_IDENTITY
from tools.registry import SOLUTIONS_DIR, katas, learner_file, parts
from tools.terminal import environment_for

HERE = SOLUTIONS_DIR.parent


def commit(repo, message):
    env = {**os.environ, **GIT_IDENTITY}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=repo, check=True, env=env)
    return _head(repo)


@pytest.fixture
def pull_request(learner_copy, tmp_path):
    """Make the changes, commit them on a branch, and run the check as the workflow does."""
    base = _head(learner_copy)
    subprocess.run(["git", "checkout", "-q", "-b", "learner"], cwd=learner_copy, check=True)

    def check(changes, lint="warning", kata=None):
        for path, text in changes.items():
            (learner_copy / path).write_text(text)
        head = commit(learner_copy, "my solution")
        summary = tmp_path / "summary.md"
        only = ["--kata", kata] if kata else []
        result = subprocess.run(
            [sys.executable, "-m", "tools", "check-submission", "--base", base, "--head", head, "--lint", lint, *only],
            cwd=learner_copy,
            env={**os.environ, **environment_for(learner_copy), "GITHUB_STEP_SUMMARY": str(summary)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        return result.returncode, summary.read_text(), commands_the_runner_reads(result.stdout)

    return check


def commands_the_runner_reads(output):
    """The workflow commands in a step's output, as GitHub's runner takes them: none between
    `::stop-commands::TOKEN` and `::TOKEN::`, and neither of those two lines."""
    commands, resume = [], None
    for line in output.splitlines():
        if resume is not None:
            resume = None if line == resume else resume
        elif line.startswith("::stop-commands::"):
            resume = f"::{line.removeprefix('::stop-commands::')}::"
        elif line.startswith("::"):
            commands.append(line)
    return commands


def _head(repo):
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def solution(name):
    return (SOLUTIONS_DIR / f"{name}.py").read_text()


def tampering(case):
    return (HERE / "tampering" / f"{case}.py").read_text()


def row(summary, number):
    """The summary table's row for kata `number`."""
    return next(line for line in summary.splitlines() if line.startswith(f"| {number} "))


KATAS = len(katas())


def test_a_correct_kata_passes(pull_request):
    status, summary, annotations = pull_request({learner_file("01_start_and_join"): solution("01_start_and_join")})
    assert status == 0
    assert f"✅ **The check passes.** Progress: **1/{KATAS} solved**." in summary
    assert "| 01 Start two threads, then join them | yes | ✅ solved |  |" in summary
    assert "| 02 One thread per task, for any number of tasks |  | ❌ not yet |" in summary
    assert [line for line in summary.splitlines() if line.startswith("| **Part ")] == [
        f"| **{part}** | | | |" for part, _ in parts()
    ]
    assert [line for line in annotations if line.startswith("::error")] == []


def test_a_wrong_kata_fails_with_the_lesson_on_the_learners_line(pull_request):
    wrong = (HERE / "mistakes" / "02_many_tasks" / "join_inside_the_start_loop.py").read_text()
    status, summary, annotations = pull_request({learner_file("02_many_tasks"): wrong})
    assert status == 1
    assert f"❌ **The check fails.** Progress: **0/{KATAS} solved**." in summary
    assert "| 02 One thread per task, for any number of tasks | yes | ❌ not yet | " in summary
    assert "file2.txt started only after file1.txt had finished (it began at 1 s" in summary
    errors = [line for line in annotations if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=katas/02_many_tasks/kata.py,line=17,title=test_all_downloads_run")


def test_changing_a_kata_test_fails_and_names_the_file(pull_request):
    cheat = "def test_nothing():\n    pass\n"
    wrong = (HERE / "mistakes" / "02_many_tasks" / "no_join.py").read_text()
    status, summary, annotations = pull_request(
        {"katas/02_many_tasks/test_kata.py": cheat, learner_file("02_many_tasks"): wrong}
    )
    assert status == 1
    assert "- `katas/02_many_tasks/test_kata.py`: the check uses the base branch's version" in summary
    assert any(
        line.startswith("::error file=katas/02_many_tasks/test_kata.py,title=Protected file changed::")
        for line in annotations
    )
    assert any(line.startswith("::error file=katas/02_many_tasks/kata.py") for line in annotations)


def test_a_readme_change_alone_passes_and_says_no_kata_changed(pull_request):
    status, summary, annotations = pull_request({"katas/01_start_and_join/README.md": "My notes.\n"})
    assert status == 0
    assert "This submission changes no kata.py file" in summary
    assert annotations == []


def test_ruff_findings_are_warnings_unless_the_teacher_turns_them_up(pull_request):
    messy = solution("01_start_and_join") + "import os\n"
    status, _, annotations = pull_request({learner_file("01_start_and_join"): messy}, lint="error")
    assert status == 1
    assert any(
        line.startswith("::error file=katas/01_start_and_join/kata.py,line=") and "ruff F401" in line
        for line in annotations
    )


def test_ruff_findings_are_warnings_by_default(pull_request):
    messy = solution("01_start_and_join") + "import os\n"
    status, _, annotations = pull_request({learner_file("01_start_and_join"): messy})
    assert status == 0
    assert any(line.startswith("::warning file=katas/01_start_and_join/kata.py,line=") for line in annotations)


def test_every_kata_solved_honestly_passes_each_judged_in_a_process_of_its_own(pull_request):
    status, summary, annotations = pull_request({learner_file(kata.name): solution(kata.name) for kata in katas()})
    assert status == 0, summary
    assert f"✅ **The check passes.** Progress: **{KATAS}/{KATAS} solved**." in summary
    assert annotations == []


def test_one_kata_is_judged_alone_for_a_point_of_its_own(pull_request):
    changes = {learner_file("01_start_and_join"): solution("01_start_and_join")}
    status, summary, _ = pull_request(changes, kata="01")
    assert status == 0
    assert "Progress: **1/1 solved**." in summary
    assert [line for line in summary.splitlines() if line.startswith("| 0")] == [row(summary, "01")]
    status, summary, _ = pull_request({}, kata="02_many_tasks")
    assert status == 1
    assert "| 02 One thread per task, for any number of tasks |  | ❌ not yet |" in summary


def test_code_that_changes_the_judge_fails_with_a_row_that_says_how(pull_request):
    status, summary, annotations = pull_request(
        {
            learner_file("01_start_and_join"): tampering("01_start_and_join/replaces_the_check_helpers"),
            learner_file("02_many_tasks"): solution("02_many_tasks"),
            learner_file("03_race_condition"): tampering("03_race_condition/writes_the_step_summary"),
            learner_file("04_lock"): tampering("04_lock/prints_workflow_commands"),
            learner_file("05_lifecycle"): tampering("05_lifecycle/exits_after_faking_a_pass"),
        }
    )
    assert status == 1
    assert f"❌ **The check fails.** Progress: **1/{KATAS} solved**." in summary
    assert "| ❌ changed the judge |" in row(summary, "01")
    assert "tools.lessons.fail was replaced by a lambda at katas/01_start_and_join/kata.py:5" in row(summary, "01")
    assert "| ✅ solved |" in row(summary, "02")
    assert "| ❌ changed the judge |" in row(summary, "03")
    assert "it wrote to the GitHub runner's file $GITHUB_STEP_SUMMARY" in row(summary, "03")
    assert f"Progress: **{KATAS}/{KATAS} solved**" not in summary
    assert "| ❌ changed the judge |" in row(summary, "04")
    assert "printed a line that GitHub reads as a workflow command" in row(summary, "04")
    assert "| ❌ did not finish |" in row(summary, "05")
    assert "ended (exit status -9) before pytest could give its verdict" in row(summary, "05")
    assert "::error::forged from the kata" not in annotations
    assert "::error file=katas/04_lock/kata.py::all good" not in annotations
    assert [line.split("::")[1] for line in annotations if line.startswith("::error")] == [
        "error file=katas/01_start_and_join/kata.py,line=5,title=(changed the judge)",
        "error file=katas/03_race_condition/kata.py,title=(changed the judge)",
        "error file=katas/04_lock/kata.py,title=(changed the judge)",
        "error file=katas/05_lifecycle/kata.py,title=(the tests did not finish)",
    ]


def test_patching_pytests_reports_fails(pull_request):
    status, summary, _ = pull_request(
        {learner_file("01_start_and_join"): tampering("01_start_and_join/patches_pytest_reports")}
    )
    assert status == 1
    assert "| ❌ changed the judge |" in row(summary, "01")
    assert "_pytest.reports.TestReport.from_item_and_call was replaced by a classmethod" in row(summary, "01")


def test_rewriting_another_katas_tests_fails_and_cannot_reach_that_katas_verdict(pull_request):
    wrong = (HERE / "mistakes" / "02_many_tasks" / "no_join.py").read_text()
    status, summary, _ = pull_request(
        {
            learner_file("01_start_and_join"): tampering("01_start_and_join/rewrites_another_katas_tests"),
            learner_file("02_many_tasks"): wrong,
        }
    )
    assert status == 1
    assert "| ❌ changed the judge |" in row(summary, "01")
    assert "it changed files the check runs from. katas/02_many_tasks/test_kata.py" in row(summary, "01")
    assert "| ❌ not yet |" in row(summary, "02")
    assert "download_all() returned while photo1.jpg was still running" in row(summary, "02")


def test_changing_the_checks_own_files_stops_the_judging(pull_request):
    status, summary, _ = pull_request(
        {
            learner_file("01_start_and_join"): tampering("01_start_and_join/changes_the_checks_own_files"),
            learner_file("02_many_tasks"): solution("02_many_tasks"),
        }
    )
    assert status == 1
    assert "| ❌ changed the judge |" in row(summary, "01")
    assert "tools/lessons.py" in row(summary, "01")
    assert "| ⏳ not run |" in row(summary, "02")
