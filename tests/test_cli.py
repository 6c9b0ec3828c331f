"""python -m tools: progress, hint, reset and verify, as a learner or maintainer types them."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import GIT_IDENTITY
from tools.benchmark import SPINS_FOREVER
from tools.registry import ROOT, SOLUTIONS_DIR, katas, learner_file, parts
from tools.terminal import Terminal, environment_for

KATAS = katas()
COLUMNS = 100  # the most any line we print may take


def tools(*args, cwd=ROOT, stdin=subprocess.DEVNULL, **env):
    return subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=cwd,
        env={**os.environ, **environment_for(cwd), **env},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [[], ["progress"], ["hint"], ["reset"], ["verify"], ["mutants"], ["check-submission"], ["classroom50-bundle"]],
)
def test_every_command_has_help(command):
    result = tools(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m tools")


@pytest.mark.parametrize(
    "command", [["hint", "99"], ["reset", "nope", "--yes"], ["verify", "threads"], ["mutants", "threads"]]
)
def test_an_unknown_kata_is_a_clear_error(command):
    result = tools(*command)
    assert result.returncode == 2
    said = " ".join(result.stderr.split())
    assert f"there is no kata {command[1]!r}. The katas are: 01_start_and_join, 02_many_tasks" in said


def test_hint_follows_the_check_that_fails_one_more_hint_each_time(learner_copy):
    """At the starters, kata 01 is in focus; kata 04's starter passes its first two checks and fails the third."""
    kata_01, kata_04 = KATAS[0], next(kata for kata in KATAS if kata.name == "04_lock")
    check = "test_each_task_runs_in_a_thread_of_its_own"
    calls = [tools("hint", cwd=learner_copy).stdout for _ in range(len(kata_01.hints_for(check)) + 1)]
    for count, said in enumerate(calls, start=1):
        assert f"Kata 01, {kata_01.title}. The check that fails first:\n  {check}\n" in said
        shown = min(count, len(kata_01.hints_for(check)))
        flat = " ".join(said.split())
        assert all(f"{number}. {hint}" in flat for number, hint in enumerate(kata_01.hints_for(check)[:shown], 1))
        assert f"{shown + 1}. " not in flat
    assert "For the next one: python -m tools hint" in calls[0]
    assert "That is every hint for this check." in calls[-1]
    first = " ".join(tools("hint", "04", cwd=learner_copy).stdout.split())
    assert "The check that fails first: test_no_update_is_lost_however_threads_switch" in first
    assert f"1. {kata_04.hints_for('test_no_update_is_lost_however_threads_switch')[0]}" in first
    assert "For the next one: python -m tools hint 04" in first


def test_hint_for_a_solved_kata_says_so(learner_copy):
    solve(learner_copy, "03_race_condition")
    said = tools("hint", "03", cwd=learner_copy).stdout
    assert "is solved: every check passes." in said and "python -m tools hint 03 --all" in said


def test_every_hint_of_a_kata_at_once():
    every = tools("hint", "many_tasks", "--all").stdout
    kata = next(kata for kata in KATAS if kata.name == "02_many_tasks")
    assert all(" ".join(hint.text.split()) in " ".join(every.split()) for hint in kata.hints)


def test_hints_say_which_check_they_are_for():
    every = tools("hint", "01", "--all").stdout
    checks = [line.split("For the check ")[1].rstrip(":") for line in every.splitlines() if "For the check " in line]
    assert checks == list(dict.fromkeys(hint.check for hint in KATAS[0].hints))
    assert every.index("For the check test_all_done_is_printed_after_both_tasks:") < every.index('"All done!" after')


def test_progress_shows_where_the_learner_stands(learner_copy):
    solved = learner_copy / learner_file("01_start_and_join")
    solved.write_text((SOLUTIONS_DIR / "01_start_and_join.py").read_text())
    result = tools("progress", cwd=learner_copy)
    assert result.returncode == 0
    assert f"1/{len(KATAS)} solved" in result.stdout
    assert "02 One thread per task, for any number of tasks     <- you are here" in result.stdout
    assert "\033[" not in result.stdout  # not a terminal: no colour
    listed = parts()
    headings = [line.strip() for line in result.stdout.splitlines() if line.startswith(" Part ")]
    assert headings == [str(part) for part, _ in listed]
    if len(listed) > 1:
        by_part = ", ".join(f"part {part.number}: {int(part.number == 1)}/{len(its)}" for part, its in listed)
        assert f"1/{len(KATAS)} solved ({by_part})" in result.stdout


@pytest.mark.parametrize("no_color, coloured", [({}, True), ({"NO_COLOR": "1"}, False)])
def test_progress_is_coloured_only_on_a_terminal_without_no_color(learner_copy, no_color, coloured):
    env = {**environment_for(learner_copy), **no_color}
    with Terminal(f"{sys.executable} -m tools progress", learner_copy, env) as terminal:
        terminal.wait_for(f"0/{len(KATAS)} solved")
        assert ("\033[" in terminal.screen(with_colours=True)) is coloured


def test_reset_puts_the_starter_back_and_keeps_the_learners_version(learner_copy):
    kata = learner_copy / learner_file("02_many_tasks")
    starter = kata.read_text()
    kata.write_text("my attempt\n")
    result = tools("reset", "02", "--yes", cwd=learner_copy)
    assert result.returncode == 0, result.stderr
    assert kata.read_text() == starter
    assert kata.with_name("kata.py.orig").read_text() == "my attempt\n"
    # Git ignores the backup, so it never lands in a pull request.
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=learner_copy, capture_output=True, text=True)
    assert changed.stdout == ""
    ignored = git(learner_copy, "check-ignore", "katas/02_many_tasks/kata.py.orig")
    assert ignored.returncode == 0


def test_reset_does_not_replace_anything_without_asking(learner_copy):
    kata = learner_copy / learner_file("02_many_tasks")
    kata.write_text("my attempt\n")
    result = tools("reset", "02", cwd=learner_copy)
    assert result.returncode == 2
    assert "run again with --yes" in result.stderr
    assert kata.read_text() == "my attempt\n"


@pytest.mark.parametrize("answer, replaced", [("n", False), ("y", True)])
def test_reset_asks_on_a_terminal(learner_copy, answer, replaced):
    kata = learner_copy / learner_file("03_race_condition")
    starter = kata.read_text()
    kata.write_text("my attempt\n")
    env = environment_for(learner_copy)
    with Terminal(f"{sys.executable} -m tools reset 03", learner_copy, env) as terminal:
        terminal.wait_for("Replace katas/03_race_condition/kata.py with the starter?")
        terminal.press(answer, "Enter")
        terminal.wait_for("is the starter again" if replaced else "Nothing changed.")
    assert (kata.read_text() == starter) is replaced


def git(copy, *args):
    return subprocess.run(
        ["git", *args], cwd=copy, env={**os.environ, **GIT_IDENTITY}, capture_output=True, text=True, check=False
    )


def solve(copy, *names):
    for name in names:
        (copy / learner_file(name)).write_text((SOLUTIONS_DIR / f"{name}.py").read_text())


# verify runs pytest twice for every kata: with ten katas that is past pytest.ini's 10 s backstop.
@pytest.mark.timeout(300)
def test_verify_judges_the_starters_from_git_in_a_learners_copy_with_every_kata_solved(learner_copy):
    solve(learner_copy, *(kata.name for kata in KATAS))
    git(learner_copy, "switch", "-q", "-c", "my-solutions")
    git(learner_copy, "commit", "-q", "-am", "my solutions")
    result = tools("verify", cwd=learner_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    width = max(len(kata.name) for kata in katas())
    assert f"{'katas/katas.toml':<{width}} lists every kata folder; each complete, hinted  ok" in result.stdout
    for kata in KATAS:
        assert f"{kata.name:<{width}} starter fails: yes  solution passes: yes  ok" in result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("Part ")] == [
        str(part) for part, _ in parts()
    ]


def test_verify_reports_each_problem_of_the_registry_as_a_whole(learner_copy):
    registry = learner_copy / "katas" / "katas.toml"
    text = registry.read_text().replace("test_main_waits_for_both_threads =", "test_main_waits =")
    registry.write_text(text + '\n[[kata]]\npart = 2\nname = "13_pools"\ntitle = "Pools"\n')
    (learner_copy / "katas" / "06_queues").mkdir()
    (learner_copy / "katas" / "06_queues" / "README.md").write_text("# 06\n")
    (learner_copy / "katas" / "03_race_condition" / "example.py").unlink()
    (learner_copy / "tests" / "solutions" / "04_lock.py").rename(learner_copy / "tests" / "solutions" / "08_old.py")
    for cases in ("mistakes", "variants", "tampering"):
        (learner_copy / "tests" / cases / "09_gone").mkdir()
    result = tools("verify", "01", "04", cwd=learner_copy)
    assert result.returncode == 1
    said = " ".join(result.stdout.split())
    for problem in [
        "katas/katas.toml PROBLEM",
        'katas/06_queues/ is not in katas/katas.toml: add a [[kata]] with name = "06_queues", or remove the folder.',
        "katas/katas.toml lists 13_pools, but there is no folder katas/13_pools/.",
        "katas/03_race_condition/ has no example.py: every kata folder has README.md, example.py, kata.py,"
        " test_kata.py.",
        "04_lock has no reference solution: write tests/solutions/04_lock.py.",
        "01_start_and_join: the check test_main_waits_for_both_threads has no hint: add"
        ' test_main_waits_for_both_threads = ["..."] under 01_start_and_join\'s [kata.hints] in katas/katas.toml.',
        "01_start_and_join: katas/katas.toml has hints for test_main_waits, but"
        " katas/01_start_and_join/test_kata.py has no test of that name.",
        "tests/solutions/08_old.py is the solution of no kata in katas/katas.toml: rename or remove it.",
        "tests/mistakes/09_gone/ names no kata in katas/katas.toml: rename or remove it.",
        "tests/variants/09_gone/ names no kata in katas/katas.toml: rename or remove it.",
        "tests/tampering/09_gone/ names no kata in katas/katas.toml: rename or remove it.",
        "04_lock not judged: its files are missing (see above) PROBLEM",
        "01_start_and_join starter fails: yes solution passes: yes ok",
    ]:
        assert problem in said, problem
    assert result.stdout.count("  - ") == 10, result.stdout


def test_verify_reports_a_registry_it_cannot_read(learner_copy):
    (learner_copy / "katas" / "katas.toml").write_text('[[kata]]\nname = "01_start_and_join"\n')
    result = tools("verify", cwd=learner_copy)
    assert result.returncode == 1
    assert "katas/katas.toml: [[kata]] number 1 has no title." in " ".join(result.stdout.split())


def test_verify_reports_a_kata_whose_starter_already_passes(learner_copy):
    solve(learner_copy, "03_race_condition")
    git(learner_copy, "commit", "-q", "-am", "a starter that is solved already")
    result = tools("verify", "03", "--from", "HEAD", cwd=learner_copy)
    assert result.returncode == 1
    assert "starter fails: NO" in result.stdout and "PROBLEM" in result.stdout


def lines_too_wide(text):
    return [line for line in text.splitlines() if len(line) > COLUMNS]


WHAT_WE_PRINT = [
    ["progress"],
    ["verify"],
    ["hint", "nope"],
    ["reset", "02"],
    ["reset", "02", "--yes"],
    *(["hint", kata.name, "--all"] for kata in KATAS),
    *(
        [*command, "--help"]
        for command in (
            [],
            ["progress"],
            ["hint"],
            ["reset"],
            ["verify"],
            ["mutants"],
            ["check-submission"],
            ["classroom50-bundle"],
        )
    ),
]


@pytest.mark.timeout(300)  # verify among them: pytest twice for every kata
@pytest.mark.parametrize("command", WHAT_WE_PRINT, ids=" ".join)
def test_what_we_print_fits_100_columns_even_on_a_wider_terminal(learner_copy, command):
    solve(learner_copy, "01_start_and_join")
    (learner_copy / learner_file("02_many_tasks")).write_text("my attempt\n")
    result = tools(*command, cwd=learner_copy, COLUMNS="200")
    assert result.stdout + result.stderr
    assert lines_too_wide(result.stdout + result.stderr) == []


def test_the_reset_question_fits_100_columns(learner_copy):
    kata = learner_copy / learner_file("03_race_condition")
    kata.write_text("my attempt\n")
    env = environment_for(learner_copy)
    with Terminal(f"{sys.executable} -m tools reset 03", learner_copy, env, width=200) as terminal:
        terminal.wait_for("[y/N]")
        question = terminal.screen().split("\nReplace ", 1)[1]  # below the command line the shell echoed
        assert lines_too_wide(question) == []
        terminal.press("n", "Enter")
        terminal.wait_for("Nothing changed.")


def test_ctrl_c_during_progress_stops_it_without_a_traceback(learner_copy):
    (learner_copy / learner_file("01_start_and_join")).write_text(SPINS_FOREVER)
    progress = subprocess.Popen(
        [sys.executable, "-m", "tools", "progress"],
        cwd=learner_copy,
        env={**os.environ, **environment_for(learner_copy)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    while not (learner_copy / "spinning").exists():
        time.sleep(0.01)
    os.killpg(progress.pid, signal.SIGINT)  # as Ctrl-C in a terminal: to the command and its pytest
    out, err = progress.communicate(timeout=60)
    assert progress.returncode == 130
    assert err.strip() == "Stopped (Ctrl-C)." and out == ""
