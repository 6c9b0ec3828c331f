"""Every kata explains itself, its starter fails with lessons and its reference solution passes."""

import re
import subprocess
import sys

import pytest

from tests.conftest import run_pytest
from tools.registry import KATAS_DIR, ROOT, RegistryError, katas, parts, problems

KATAS = katas()
BY_NAME = pytest.mark.parametrize("kata", KATAS, ids=[kata.name for kata in KATAS])


def test_the_registry_lists_every_kata_folder_in_order():
    folders = sorted(path.name for path in KATAS_DIR.iterdir() if path.is_dir() and path.name[:2].isdigit())
    assert [kata.name for kata in KATAS] == folders


def test_the_registry_as_a_whole_has_no_problems():
    """What `python -m tools verify` checks before it judges any kata."""
    assert problems() == []


def test_the_katas_come_in_parts_in_order_each_part_with_katas():
    listed = parts()
    assert [str(part) for part, _ in listed][:1] == ["Part 1: the lesson"]
    assert [kata for _, its in listed for kata in its] == KATAS
    assert all(its for _, its in listed)


def registry_copy(tmp_path, toml):
    (tmp_path / "katas").mkdir()
    (tmp_path / "katas" / "katas.toml").write_text(toml)
    return tmp_path


def test_katas_listed_out_of_part_order_and_a_part_without_katas_are_problems(tmp_path):
    root = registry_copy(
        tmp_path,
        '[[part]]\ntitle = "one"\n[[part]]\ntitle = "two"\n[[part]]\ntitle = "three"\n'
        '[[kata]]\npart = 2\nname = "01_a"\ntitle = "A"\n[[kata]]\npart = 1\nname = "02_b"\ntitle = "B"\n',
    )
    found = problems(root)
    assert "katas/katas.toml lists 02_b (part 1) after 01_a (part 2): list the katas part by part, in order." in found
    assert "katas/katas.toml: Part 3: three has no katas." in found


def test_a_kata_of_no_listed_part_makes_the_registry_unreadable(tmp_path):
    root = registry_copy(tmp_path, '[[part]]\ntitle = "one"\n[[kata]]\npart = 2\nname = "01_a"\ntitle = "A"\n')
    with pytest.raises(RegistryError, match="01_a has part = 2; give it the number of one of the"):
        katas(root / "katas")


def test_the_readme_table_lists_every_kata_under_its_part():
    readme = (ROOT / "README.md").read_text()
    table = [line for line in readme.split("\n## ")[0].splitlines() if line.startswith("| ")][1:]
    shown = [row.split(" | ")[:2] for row in table]
    expected = []
    for part, its in parts():
        expected.append(["|", f"**{part}**"])
        expected += [[f"| {kata.number}", f"[`{kata.name}`](katas/{kata.name})"] for kata in its]
    assert shown == expected


def test_every_check_has_a_hint_and_every_hint_is_for_a_check():
    """The checks as pytest collects them: the test functions of every kata's test_kata.py."""
    collected = run_pytest("-p", "no:cacheprovider", "--collect-only", "-q", KATAS_DIR).stdout
    tests = set()
    for line in collected.splitlines():
        path, _, test = line.partition("::")
        if test:  # katas/01_start_and_join/test_kata.py::test_name[parameters]
            tests.add((path.split("/")[1], test.split("[")[0]))
    hinted = {(kata.name, hint.check) for kata in KATAS for hint in kata.hints}
    assert sorted(tests - hinted) == [], "these checks have no hint in katas/katas.toml"
    assert sorted(hinted - tests) == [], "katas/katas.toml has hints for checks that do not exist"
    assert len({kata for kata, _ in tests}) == len(KATAS)


@BY_NAME
def test_each_kata_folder_explains_itself(kata):
    for name in ("README.md", "example.py", "kata.py", "test_kata.py"):
        assert (kata.folder / name).is_file(), f"{kata.name} has no {name}"
    assert kata.solution.is_file(), f"{kata.name} has no reference solution"
    readme = (kata.folder / "README.md").read_text()
    assert "## Your task" in readme
    assert f"pytest katas/{kata.name}" in readme


@BY_NAME
def test_the_starter_fails_with_lessons_not_tracebacks(kata, run_katas):
    result = run_katas(kata.folder)
    assert result.returncode == 1, result.stdout
    failures = re.split(r"^_{3,} .* _{3,}$", result.stdout.split("= FAILURES =")[1], flags=re.M)[1:]
    assert failures, result.stdout
    for failure in failures:
        report = failure.split("--- Captured")[0].split("= short test summary")[0].strip()
        assert report, result.stdout
        assert "Traceback" not in report and not re.search(r"^E ", report, re.M), report
        assert len(report.splitlines()) <= 24, report


@pytest.mark.timeout(600)
def test_reference_solutions_pass_200_times_in_a_row(run_katas):
    result = run_katas("--solutions=tests/solutions", "--count", "200", "-q", KATAS_DIR)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " failed" not in result.stdout


def main_block(path):
    """The `if __name__ == "__main__":` block a kata file ends with, if any."""
    found = re.search(r'^if __name__ == "__main__":\n.*', path.read_text(), re.S | re.M)
    return found and found.group(0)


@pytest.mark.parametrize("kind", ["starter", "reference solution"])
@BY_NAME
def test_running_a_kata_file_directly_shows_what_it_does(kata, kind):
    path = kata.kata_file if kind == "starter" else kata.solution
    # The timeout only ends a hang; how long a file takes is no verdict.
    result = subprocess.run(
        [sys.executable, path.relative_to(ROOT)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and not result.stderr


@BY_NAME
def test_every_complete_kata_file_ends_as_its_starter_does(kata):
    """Solutions, mistakes and variants are whole kata.py files: run directly, each does what the starter does."""
    starter = main_block(kata.kata_file)
    assert starter, f"katas/{kata.name}/kata.py has no if __name__ == '__main__': block"
    tests = ROOT / "tests"
    others = [kata.solution, *tests.glob(f"mistakes/{kata.name}/*.py"), *tests.glob(f"variants/{kata.name}/*.py")]
    differing = [str(path.relative_to(ROOT)) for path in others if main_block(path) != starter]
    assert differing == [], f"these should end with the starter's block:\n{starter}"


def test_kata_03_run_directly_says_what_is_wrong_with_an_order_instead_of_a_traceback(tmp_path):
    starter = (KATAS_DIR / "03_race_condition" / "kata.py").read_text()
    out_of_order = starter.replace('("B", "read"),\n    ("B", "add"),', '("B", "add"),\n    ("B", "read"),', 1)
    assert out_of_order != starter
    kata = tmp_path / "kata.py"
    kata.write_text(out_of_order)
    result = subprocess.run([sys.executable, kata], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "  B add    but B has read nothing yet: read, then add, then write" in result.stdout
