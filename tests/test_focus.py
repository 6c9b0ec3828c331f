"""Plain pytest focuses on the first unsolved kata; naming a kata or KATAS_ALL=1 shows everything."""

import pytest

from tests.conftest import run_pytest, run_tools
from tools.registry import SOLUTIONS_DIR, katas, learner_file

HERE = SOLUTIONS_DIR.parent
KATA_01 = next(kata for kata in katas() if kata.name == "01_start_and_join")


def test_plain_pytest_shows_only_the_first_unsolved_kata(learner_copy, starters):
    result = run_pytest(cwd=learner_copy)
    assert result.returncode == 1
    assert "You are here: kata 01, Start two threads, then join them" in result.stdout
    assert result.stdout.count("You are here") == 1
    waiting = starters.tests - starters.passed - 1
    assert f"= 1 failed, {starters.passed} passed, {waiting} waiting" in result.stdout
    assert f"0/{starters.katas} solved" in result.stdout


def test_progress_counts_solved_katas_even_after_the_current_one(learner_copy, starters):
    for name in ("01_start_and_join", "04_lock"):
        (learner_copy / learner_file(name)).write_text((SOLUTIONS_DIR / f"{name}.py").read_text())
    result = run_pytest(cwd=learner_copy)
    assert "You are here: kata 02" in result.stdout
    assert f"2/{starters.katas} solved" in result.stdout
    assert "katas/02_many_tasks/kata.py" in result.stdout


def test_every_kata_solved_points_to_the_pull_request(learner_copy, starters):
    result = run_pytest(f"--solutions={SOLUTIONS_DIR}", cwd=learner_copy)
    assert result.returncode == 0
    assert f"{starters.katas}/{starters.katas} solved" in result.stdout
    assert "Every kata is solved. Next: open a pull request (see the README)." in result.stdout


def test_naming_a_kata_runs_it_in_full(learner_copy, starters):
    result = run_pytest("katas/05_lifecycle", cwd=learner_copy)
    kata = starters.by_kata["05_lifecycle"]
    assert "waiting" not in result.stdout
    assert f"= {kata.tests - kata.passed} failed" in result.stdout
    assert "You are here" not in result.stdout


def test_katas_all_shows_every_failure(learner_copy, starters):
    result = run_pytest(cwd=learner_copy, KATAS_ALL="1")
    assert "You are here" not in result.stdout
    assert f"= {starters.tests - starters.passed} failed, {starters.passed} passed" in result.stdout


def shown_hint(output):
    """The automatic hint under the failure, on one line, or None."""
    flat = " ".join(output.split())
    return flat.split("Hint (this check has failed ", 1)[1].split(" Another hint:")[0] if "Hint (" in flat else None


@pytest.mark.timeout(120)  # six runs of every kata: past pytest.ini's 10 s backstop on a busy machine
def test_the_first_hint_comes_after_three_failing_runs_of_the_learners_code_not_of_the_starter(learner_copy):
    starter_runs = [run_pytest(cwd=learner_copy).stdout for _ in range(3)]
    assert [shown_hint(run) for run in starter_runs] == [None, None, None]
    kata = learner_copy / learner_file("01_start_and_join")
    kata.write_text(kata.read_text().replace('print("All done!")', 'print("All done!")  # my first try'))
    runs = [run_pytest(cwd=learner_copy).stdout for _ in range(3)]
    assert shown_hint(runs[0]) is None and shown_hint(runs[1]) is None
    check = "test_each_task_runs_in_a_thread_of_its_own"
    assert f"the first check that fails is\n{check}:" in runs[2]
    assert shown_hint(runs[2]) == f"3 runs in a row): {KATA_01.hints_for(check)[0]}"
    assert "Another hint: python -m tools hint" in runs[2]


@pytest.mark.timeout(120)  # three runs of every kata
def test_a_failing_check_shows_its_own_first_hint(learner_copy):
    """Threads started and joined, but "All done!" printed before the joins: the kata's last check fails."""
    kata = learner_copy / learner_file("01_start_and_join")
    kata.write_text((HERE / "mistakes" / "01_start_and_join" / "print_before_join.py").read_text())
    runs = [run_pytest(cwd=learner_copy).stdout for _ in range(3)]
    check = "test_all_done_is_printed_after_both_tasks"
    assert f"the first check that fails is\n{check}:" in runs[2]
    assert shown_hint(runs[1]) is None
    assert shown_hint(runs[2]) == f"3 runs in a row): {KATA_01.hints_for(check)[0]}"
    assert KATA_01.hints_for(check)[0] != KATA_01.hints[0].text


def test_the_automatic_hint_is_the_newest_one_the_hint_command_showed(learner_copy):
    kata = learner_copy / learner_file("01_start_and_join")
    kata.write_text(kata.read_text().replace('print("All done!")', 'print("All done!")  # my first try'))
    check = "test_each_task_runs_in_a_thread_of_its_own"
    runs = [run_pytest(cwd=learner_copy).stdout for _ in range(3)]
    command = run_tools("hint", cwd=learner_copy)
    assert shown_hint(runs[2]).endswith(KATA_01.hints_for(check)[0])
    assert " ".join(command.split()).endswith(
        f"1. {KATA_01.hints_for(check)[0]} Hint 1 of {len(KATA_01.hints_for(check))} for this check."
        " For the next one: python -m tools hint"
    )
    run_tools("hint", cwd=learner_copy)
    assert shown_hint(run_pytest(cwd=learner_copy).stdout) == f"4 runs in a row): {KATA_01.hints_for(check)[1]}"


def test_a_lesson_several_checks_fail_with_is_printed_once(learner_copy, starters):
    result = run_pytest("katas/02_many_tasks", cwd=learner_copy)
    failed = starters.by_kata["02_many_tasks"].tests - starters.by_kata["02_many_tasks"].passed
    assert result.stdout.count("ran in MainThread, the thread that runs download_all()") == 1
    assert result.stdout.count("Fails for the same reason as") == failed - 1
    assert f"= {failed} failed" in result.stdout


def test_a_kata_that_calls_os_exit_says_so_once_even_with_every_kata_shown(learner_copy):
    (learner_copy / learner_file("01_start_and_join")).write_text(
        "import os\n\n\ndef main(task=None):\n    os._exit(0)\n"
    )
    result = run_pytest(cwd=learner_copy, KATAS_ALL="1")
    assert result.stdout.count("main() called os._exit(0)") == 1
    assert "Fails for the same reason as test_each_task_runs_in_a_thread_of_its_own, above." in result.stdout


def test_ruff_findings_the_pull_request_would_report_follow_the_verdict(learner_copy):
    kata = learner_copy / learner_file("01_start_and_join")
    kata.write_text("import os\n" + kata.read_text())
    result = run_pytest(cwd=learner_copy)
    warned = result.stdout.split("The pull request's check will also warn about katas/01_start_and_join/kata.py")
    assert len(warned) == 2, result.stdout
    assert "   line 1: F401 `os` imported but unused" in warned[1]
    assert "ruff" not in run_pytest("katas/01_start_and_join", cwd=learner_copy).stdout  # the focused view only
