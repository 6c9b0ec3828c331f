"""What a learner reads fits an 80x45 terminal: every lesson 80 columns, every kata's focused screen,
with its picture and its hint, 45 rows with ptw's own line above it."""

from pathlib import Path

import pytest

from tests.conftest import run_pytest
from tools import progress
from tools.progress import KataResult
from tools.pytest_plugin import FOLD_AFTER
from tools.registry import SOLUTIONS_DIR, Kata, katas, learner_file

HERE = Path(__file__).parent
COLUMNS, ROWS = 80, 45
GOLDEN_LESSONS = sorted(HERE.glob("mistakes/*/*.txt"))


def too_wide(text):
    return [line for line in text.splitlines() if len(line) > COLUMNS]


@pytest.mark.parametrize("golden", GOLDEN_LESSONS, ids=lambda path: path.relative_to(HERE / "mistakes").as_posix())
def test_every_golden_lesson_fits_80_columns(golden):
    assert too_wide(golden.read_text()) == []


@pytest.mark.parametrize("kata", [kata.name for kata in katas()])
def test_every_starters_screen_with_its_hint_fits_80_columns_and_45_rows(learner_copy, kata):
    """As ptw shows it: the katas before this one solved, the starter saved with a change, three runs."""
    for before in katas():
        if before.name == kata:
            break
        (learner_copy / learner_file(before.name)).write_text((SOLUTIONS_DIR / f"{before.name}.py").read_text())
    starter = learner_copy / learner_file(kata)
    starter.write_text(starter.read_text() + "# my first try\n")
    screens = [run_pytest(cwd=learner_copy, COLUMNS=str(COLUMNS)).stdout for _ in range(3)]
    assert "Hint (this check has failed 3 runs in a row)" in screens[-1], screens[-1]
    for screen in screens:
        assert too_wide(screen) == [], screen
    # Above it ptw's "Change detected: katas/.../kata.py", a blank line and "[time] Running: python -m pytest";
    # below it the line the cursor waits on.
    assert len(screens[-1].splitlines()) + 4 <= ROWS, screens[-1]


def test_a_long_list_of_katas_keeps_the_focused_progress_block_short():
    """With more katas than FOLD_AFTER, runs of solved and of later katas take one line each."""
    many = [Kata(f"{number:02d}_kata_{number}", f"Kata number {number}", ()) for number in range(1, 13)]
    results = {kata.name: KataResult(passed=1) for kata in many[:4]}
    results |= {kata.name: KataResult(failed=["test_it"]) for kata in many[4:]}
    lines = [text for text, _ in progress.lines(results, next_step=False, fold_after=FOLD_AFTER, registry=many)]
    assert lines[:3] == [
        f" ✔ 01-04 {'(4 katas)':<45} solved",
        f" ➜ 05 {'Kata number 5':<48} <- you are here",
        f" · 06-12 {'(7 katas)':<45} to do",
    ]
    assert len(lines) == 5 and too_wide("\n".join(lines)) == []
