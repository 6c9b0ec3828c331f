"""A kata.py that changes the judge it runs in fails, in plain pytest as in the pull-request check,
with a lesson that names what it replaced and the line that did it.

A case lives in tests/tampering/<kata>/<case>.py; tests/test_submission.py judges them as a pull
request would, where the check also sees what happens outside the process, and the operating system
isolates it. The cases listed here are those the kata's own process notices.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).parent

LESSONS = {
    "01_start_and_join/replaces_the_check_helpers": (
        "tools.lessons.fail was replaced by a lambda\n"
        "    at tests/tampering/01_start_and_join/replaces_the_check_helpers.py:5"
    ),
    "01_start_and_join/patches_pytest_reports": (
        "_pytest.reports.TestReport.from_item_and_call was replaced by a classmethod\n"
        "    at tests/tampering/01_start_and_join/patches_pytest_reports.py:8"
    ),
    "01_start_and_join/replaces_thread_join": (
        "threading.Thread.join was replaced by a lambda\n"
        "    at tests/tampering/01_start_and_join/replaces_thread_join.py:11"
    ),
    "02_many_tasks/forges_the_results": (
        "json.dumps was replaced by a lambda\n    at tests/tampering/02_many_tasks/forges_the_results.py:6"
    ),
    "04_lock/prints_workflow_commands": (
        "Your code printed a line that GitHub reads as a workflow command:\n  ::stop-commands::forged"
    ),
    "01_start_and_join/forges_its_results_and_leaves_by_posix_exit": "called posix._exit(0): the whole program",
    "01_start_and_join/stops_pytest_after_some_checks": "Task 1 ran in MainThread",
    "03_race_condition/profiles_pytests_thread": (
        "the profiler of pytest's thread (sys.setprofile) was replaced by passed()\n"
        "    at tests/tampering/03_race_condition/profiles_pytests_thread.py:7"
    ),
    "03_race_condition/puts_commands_in_its_lesson": (
        "Your code printed a line that GitHub reads as a workflow command:\n  ::warning::FORGED by a print"
    ),
    "04_lock/turns_off_forced_switching": "the tests' sys.settrace was replaced by nothing (deleted)",
    "04_lock/replaces_operator_is": "tools.lessons.fail was replaced by a lambda",
    "05_lifecycle/swaps_its_module_class": "it changed the class of its own module to Answers",
}


@pytest.mark.parametrize("case", sorted(LESSONS))
def test_changing_the_judge_fails_every_test_with_a_lesson(case, run_katas):
    kata = case.split("/")[0]
    result = run_katas(HERE.parent / "katas" / kata, f"--kata-file=tests/tampering/{case}.py", "-q")
    assert result.returncode == 1, result.stdout
    assert LESSONS[case] in result.stdout, result.stdout
    assert " passed" not in result.stdout.splitlines()[-1], result.stdout
