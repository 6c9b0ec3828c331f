"""Plain pytest focuses on the first unsolved kata; naming a kata or KATAS_ALL=1 shows everything."""

import pytest

from tests.conftest import run_pytest
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
    return flat.split("Hint (this check has failed ", 1)[1].split(" More hints:")[0] if "Hint (" in flat else None


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
    assert "More hints: python -m tools hint 01 --all" in runs[2]


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
