"""python -m tools check-submission on real git repositories: a base commit, then a pull request."""

import os
import subprocess
import sys

import pytest

from tests.conftest import GIT_IDENTITY
from tools.registry import SOLUTIONS_DIR
from tools.terminal import environment_for

HERE = SOLUTIONS_DIR.parent


def commit(repo, message):
    env = {**os.environ, **GIT_IDENTITY}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, check=True, env=env)
    return _head(repo)


@pytest.fixture
def pull_request(learner_copy, tmp_path):
    """Make the changes, commit them on a branch, and run the check as the workflow does."""
    base = _head(learner_copy)
    subprocess.run(["git", "checkout", "-q", "-b", "learner"], cwd=learner_copy, check=True)

    def check(changes, lint="warning"):
        for path, text in changes.items():
            (learner_copy / path).write_text(text)
        head = commit(learner_copy, "my solution")
        summary = tmp_path / "summary.md"
        result = subprocess.run(
            [sys.executable, "-m", "tools", "check-submission", "--base", base, "--head", head, "--lint", lint],
            cwd=learner_copy,
            env={**os.environ, **environment_for(learner_copy), "GITHUB_STEP_SUMMARY": str(summary)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
        return result.returncode, summary.read_text(), annotations

    return check


def _head(repo):
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def solution(name):
    return (SOLUTIONS_DIR / f"{name}.py").read_text()


def test_a_correct_kata_passes(pull_request):
    status, summary, annotations = pull_request({"katas/01_start_and_join/kata.py": solution("01_start_and_join")})
    assert status == 0
    assert "✅ **The check passes.** Progress: **1/5 solved**." in summary
    assert "| 01 Start two threads, then join them | yes | ✅ solved |  |" in summary
    assert "| 02 One thread per task, for any number of tasks |  | ❌ not yet |" in summary
    assert [line for line in annotations if line.startswith("::error")] == []


def test_a_wrong_kata_fails_with_the_lesson_on_the_learners_line(pull_request):
    wrong = (HERE / "mistakes" / "02_many_tasks" / "join_inside_the_start_loop.py").read_text()
    status, summary, annotations = pull_request({"katas/02_many_tasks/kata.py": wrong})
    assert status == 1
    assert "❌ **The check fails.** Progress: **0/5 solved**." in summary
    assert "| 02 One thread per task, for any number of tasks | yes | ❌ not yet | " in summary
    assert "file2.txt started only after file1.txt had finished." in summary
    errors = [line for line in annotations if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=katas/02_many_tasks/kata.py,line=17,title=test_all_downloads_run")


def test_changing_a_kata_test_fails_and_names_the_file(pull_request):
    cheat = "def test_nothing():\n    pass\n"
    wrong = (HERE / "mistakes" / "02_many_tasks" / "no_join.py").read_text()
    status, summary, annotations = pull_request(
        {"katas/02_many_tasks/test_kata.py": cheat, "katas/02_many_tasks/kata.py": wrong}
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
    assert "This pull request changes no kata.py file" in summary
    assert annotations == []


def test_ruff_findings_are_warnings_unless_the_teacher_turns_them_up(pull_request):
    messy = solution("01_start_and_join") + "import os\n"
    status, _, annotations = pull_request({"katas/01_start_and_join/kata.py": messy}, lint="error")
    assert status == 1
    assert any(
        line.startswith("::error file=katas/01_start_and_join/kata.py,line=") and "ruff F401" in line
        for line in annotations
    )


def test_ruff_findings_are_warnings_by_default(pull_request):
    messy = solution("01_start_and_join") + "import os\n"
    status, _, annotations = pull_request({"katas/01_start_and_join/kata.py": messy})
    assert status == 0
    assert any(line.startswith("::warning file=katas/01_start_and_join/kata.py,line=") for line in annotations)
