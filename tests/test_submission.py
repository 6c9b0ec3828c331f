"""python -m tools check-submission on real git repositories: a base commit, then a pull request."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GIT_IDENTITY
from tools.isolation import UNPRIVILEGED_USER
from tools.pytest_plugin import sign
from tools.registry import SOLUTIONS_DIR, katas, learner_file, parts
from tools.submission import _read_result, escape, escape_property, markdown_cell, markdown_code
from tools.terminal import environment_for

HERE = SOLUTIONS_DIR.parent
# Each test runs the whole check, a few pytest processes, on a machine that may be busy.
pytestmark = pytest.mark.timeout(120)


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

    def check(changes, lint="warning", kata=None, env=None):
        for path, text in changes.items():
            (learner_copy / path).write_text(text)
        head = commit(learner_copy, "my solution")
        summary = tmp_path / "summary.md"
        only = ["--kata", kata] if kata else []
        result = subprocess.run(
            [sys.executable, "-m", "tools", "check-submission", "--base", base, "--head", head, "--lint", lint, *only],
            cwd=learner_copy,
            env={
                **os.environ,
                **environment_for(learner_copy),
                "GITHUB_ACTIONS": "true",  # as on GitHub's runners, where the workflow runs it
                "GITHUB_STEP_SUMMARY": str(summary),
                **(env or {}),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        check.stdout = result.stdout
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


def message(annotations, kata):
    """The whole message of the error annotation on kata's kata.py, unescaped."""
    line = next(line for line in annotations if line.startswith(f"::error file=katas/{kata}/kata.py"))
    data = line.split("::", 2)[2]
    return data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


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
    messy = solution("01_start_and_join") + "import itertools\n"
    status, _, annotations = pull_request({learner_file("01_start_and_join"): messy}, lint="error")
    assert status == 1
    assert any(
        line.startswith("::error file=katas/01_start_and_join/kata.py,line=") and "ruff F401" in line
        for line in annotations
    )


def test_ruff_findings_are_warnings_by_default(pull_request):
    messy = solution("01_start_and_join") + "import itertools\n"
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
    assert "line 3 imports tools.lessons, which no kata needs" in row(summary, "01")
    assert "tools.lessons.fail was replaced by a lambda" in message(annotations, "01_start_and_join")
    assert "| ✅ solved |" in row(summary, "02")
    # Its process sees neither the judge's environment nor its files: reading them is not allowed.
    assert "| ❌ needs a teacher's review |" in row(summary, "03")
    assert "PermissionError" in message(annotations, "03_race_condition")
    assert f"Progress: **{KATAS}/{KATAS} solved**" not in summary
    assert "| ❌ changed the judge |" in row(summary, "04")
    assert "printed a line that GitHub reads as a workflow command" in message(annotations, "04_lock")
    assert "| ❌ needs a teacher's review |" in row(summary, "05")
    assert "ended (exit status -9) before pytest could give its verdict" in message(annotations, "05_lifecycle")
    assert "::error::forged from the kata" not in annotations
    assert "::error file=katas/04_lock/kata.py::all good" not in annotations
    assert [line.split("::")[1] for line in annotations if line.startswith("::error")] == [
        "error file=katas/01_start_and_join/kata.py,line=3,title=(needs a teacher's review)",
        "error file=katas/03_race_condition/kata.py,line=4,title=(needs a teacher's review)",
        "error file=katas/04_lock/kata.py,line=4,title=(needs a teacher's review)",
        "error file=katas/05_lifecycle/kata.py,line=4,title=(needs a teacher's review)",
    ]


def test_patching_pytests_reports_fails(pull_request):
    status, summary, annotations = pull_request(
        {learner_file("01_start_and_join"): tampering("01_start_and_join/patches_pytest_reports")}
    )
    assert status == 1
    assert "| ❌ changed the judge |" in row(summary, "01")
    assert "line 3 imports from _pytest.reports, which no kata needs" in row(summary, "01")
    assert "_pytest.reports.TestReport.from_item_and_call was replaced by a classmethod" in message(
        annotations, "01_start_and_join"
    )


def test_rewriting_another_katas_tests_fails_and_cannot_reach_that_katas_verdict(pull_request):
    wrong = (HERE / "mistakes" / "02_many_tasks" / "no_join.py").read_text()
    status, summary, annotations = pull_request(
        {
            learner_file("01_start_and_join"): tampering("01_start_and_join/rewrites_another_katas_tests"),
            learner_file("02_many_tasks"): wrong,
        }
    )
    assert status == 1
    assert "| ❌ needs a teacher's review |" in row(summary, "01")
    # kata 02's tests belong to the judge, not to the user kata 01 runs as
    assert "PermissionError" in message(annotations, "01_start_and_join")
    assert "| ❌ not yet |" in row(summary, "02")
    assert "download_all() returned while photo1.jpg was still running" in row(summary, "02")


def test_changing_the_checks_own_files_is_not_allowed(pull_request):
    status, summary, annotations = pull_request(
        {
            learner_file("01_start_and_join"): tampering("01_start_and_join/changes_the_checks_own_files"),
            learner_file("02_many_tasks"): solution("02_many_tasks"),
        }
    )
    assert status == 1
    assert "| ❌ needs a teacher's review |" in row(summary, "01")
    assert "PermissionError" in message(annotations, "01_start_and_join")
    assert "| ✅ solved |" in row(summary, "02")  # the judge it ran on is as it was


# Pull requests that attack the judge, one case of tests/tampering per kata (a kata without a case gets
# its reference solution): for each kata, what its failing verdict says (in the summary's row or the
# annotation's whole message). The judge runs as root here, as on a runner with sudo, so it isolates.
ATTACKS = {
    "forged results": {
        "01_start_and_join/forges_its_results_and_leaves_by_posix_exit": "called posix._exit(0)",
        # pytest ends before any atexit function runs (a forged file would lack the key's signature)
        "02_many_tasks/rewrites_its_results_at_exit": "Your download_all():",
        "03_race_condition/profiles_pytests_thread": "profiler of pytest's thread (sys.setprofile) was replaced",
        "04_lock/turns_off_forced_switching": "the tests' sys.settrace was replaced by nothing",
        "05_lifecycle/swaps_its_module_class": "it changed the class of its own module to Answers",
        "06_threads_or_processes/hides_its_process_pool": "uses ._children, a private part of another module",
    },
    "the summary, the runner's commands and secrets, the installation": {
        "01_start_and_join/stops_pytest_after_some_checks": "line 6 imports pytest",
        "02_many_tasks/plants_code_in_the_installation": "line 5 imports glob",
        "03_race_condition/puts_commands_in_its_lesson": "printed a line that GitHub reads as a workflow command",
        "04_lock/replaces_operator_is": "tools.lessons.fail was replaced by a lambda",
        "05_lifecycle/leaks_the_runners_secrets": "RuntimeError: FORGED found: nothing",
        "06_threads_or_processes/leaves_a_fifo_a_link_and_a_sparse_file": "katas/06_threads_or_processes/fifo",
    },
    "limits": {
        "01_start_and_join/leaves_a_process_that_rewrites_later_katas": "line 4 imports glob",
        "02_many_tasks/allocates_3_gib": "raised MemoryError",
        "03_race_condition": None,
        "04_lock/forks_200_times": "can't start new thread",
        "05_lifecycle/prints_100_mib": "File too large",
        "06_threads_or_processes/holds_the_interpreter": "they were ended after 15 seconds",
    },
}
SECRETS = {"GITHUB_TOKEN": "ghs_FAKE_TOKEN_19", "ACTIONS_RUNTIME_TOKEN": "FAKE_RUNTIME_19", "RUNNER_TEMP": "/tmp"}
COMMAND_FILES = ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")
OUR_ANNOTATION = re.compile(
    r"^::(error|warning) file=katas/\d\d_[a-z_]+/kata\.py(,line=\d+)?(,col=\d+)?,title=[^:\n]*::"
)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_pull_request_that_attacks_the_judge_fails_kata_by_kata_and_leaves_nothing_behind(
    attack, pull_request, tmp_path
):
    runner_files = {variable: tmp_path / variable.lower() for variable in COMMAND_FILES}
    for path in runner_files.values():
        path.write_text("the runner's own\n")
    (tmp_path / "summary.md").write_text("an earlier step's summary\n")
    changes = {
        learner_file(case.split("/")[0]): (tampering(case) if "/" in case else solution(case))
        for case in ATTACKS[attack]
    }
    env = {**SECRETS, **{variable: str(path) for variable, path in runner_files.items()}}
    status, summary, annotations = pull_request(changes, env=env)

    assert status == 1
    assert "Each kata ran as an unprivileged user, in a process namespace of its own" in summary
    for case, reason in ATTACKS[attack].items():
        kata = case.split("/")[0]
        if reason is None:
            assert "| ✅ solved |" in row(summary, kata[:2]), case
        else:
            assert "| ❌ " in row(summary, kata[:2]), case
            said = " ".join((row(summary, kata[:2]) + message(annotations, kata)).split())
            assert reason in said, case
    # Nothing forged: the runner's files as they were, the summary the judge's alone, below the earlier
    # step's; no learner text as a command, no secret anywhere.
    assert all(path.read_text() == "the runner's own\n" for path in runner_files.values())
    assert summary.startswith("an earlier step's summary\n## Threading katas: your submission\n")
    assert summary.count("## ") == 1 and "<!--" not in summary
    assert not [line for line in summary.splitlines() if line.lstrip().startswith(("::", "##["))]
    assert [line for line in annotations if not OUR_ANNOTATION.match(line)] == []
    assert not [secret for secret in SECRETS.values() if secret in pull_request.stdout + summary if secret != "/tmp"]
    assert _processes_of(UNPRIVILEGED_USER) == []
    # ... and a later honest pull request is judged right.
    status, summary, annotations = pull_request({learner_file(kata.name): solution(kata.name) for kata in katas()})
    assert status == 0, summary
    assert f"Progress: **{KATAS}/{KATAS} solved**." in summary
    assert annotations == []


def _processes_of(user):
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if int(uid) == user:
            found.append(status.parent.name)
    return found


def test_what_the_learners_code_says_is_escaped_wherever_the_judge_writes_it():
    said = "a\r\n::add-mask::x %0A, y: <!-- z | [link](x) `code`"
    assert escape(said) == "a %0A::add-mask::x %250A, y: <!-- z | [link](x) `code`"
    assert escape_property(said) == "a %0A%3A%3Aadd-mask%3A%3Ax %250A%2C y%3A <!-- z | [link](x) `code`"
    assert markdown_cell(said) == "a ::add-mask::x %0A, y: &lt;!-- z \\| \\[link\\](x) `code`"
    assert markdown_code(said) == "`a ::add-mask::x %0A, y: <!-- z \\| [link](x) 'code'`"


def test_the_judge_gives_a_verdict_even_when_it_cannot_judge(learner_copy, tmp_path):
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        [sys.executable, "-m", "tools", "check-submission", "--base", "no-such-commit", "--head", "HEAD"],
        cwd=learner_copy,
        env={
            **os.environ,
            **environment_for(learner_copy),
            "GITHUB_ACTIONS": "true",
            "GITHUB_STEP_SUMMARY": str(summary),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "The judge itself could not finish" in summary.read_text()
    assert commands_the_runner_reads(result.stdout) == []


def test_results_the_judges_plugin_did_not_sign_count_as_not_finished(tmp_path):
    collected = ["test_one", "test_two"]
    kata_file = tmp_path / "kata.py"
    kata_file.write_text("pass\n")
    results = json.dumps({"01": {"passed": 2, "failed": [], "message": "", "line": None, "judge_changed": False}})
    key = b"the judge's key"
    forgeries = {
        "unsigned": results,
        "signed with another key": json.dumps({"results": results, "signature": sign(b"a guess", results)}),
        "a link to a signed file": None,
    }
    for forgery, text in forgeries.items():
        results_file = tmp_path / f"{forgery}.json"
        if text is None:
            signed = tmp_path / "signed.json"
            signed.write_text(json.dumps({"results": results, "signature": sign(key, results)}))
            results_file.symlink_to(signed)
        else:
            results_file.write_text(text)
        result = _read_result("01", results_file, key, 0, "", collected, kata_file)
        assert result.failed == ["(the tests did not finish)"], forgery
    signed = tmp_path / "signed.json"
    assert _read_result("01", signed, key, 0, "", collected, kata_file).passed == 2
    assert _read_result("01", signed, key, 0, "", [*collected, "test_three"], kata_file).failed == [
        "(the tests' report did not add up)"
    ]


def test_in_a_terminal_the_check_prints_plain_text_names_uncommitted_kata_files_and_the_next_step(learner_copy):
    subprocess.run(["git", "switch", "-q", "-c", "my-solutions"], cwd=learner_copy, check=True)
    (learner_copy / learner_file("01_start_and_join")).write_text(solution("01_start_and_join"))
    commit(learner_copy, "my solution to kata 01")
    broken = (HERE / "mistakes" / "04_lock" / "no_lock.py").read_text()
    (learner_copy / learner_file("04_lock")).write_text(broken)  # saved, not committed
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    result = subprocess.run(
        [sys.executable, "-m", "tools", "check-submission", "--base", "main"],
        cwd=learner_copy,
        env={**env, **environment_for(learner_copy)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("::")] == []
    assert [line for line in lines if len(line) > 80] == []
    assert "|" not in result.stdout and "**" not in result.stdout and "##" not in result.stdout
    assert "Not judged: uncommitted changes to katas/04_lock/kata.py." in result.stdout
    assert "01 Start two threads, then join them" in result.stdout
    assert any(line.startswith("01 ") and line.endswith("yes      solved") for line in lines), result.stdout
    assert any(line.startswith("04 ") and line.endswith("not yet") for line in lines), result.stdout
    assert f"The check passes. Progress: 1/{KATAS} solved." in result.stdout
    assert "open a pull request into main" in " ".join(lines[-3:])
