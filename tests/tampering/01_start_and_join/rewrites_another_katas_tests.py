"""Tampering: replaces kata 02's tests on disk with one that always passes, and solves nothing."""

from pathlib import Path

Path(__file__).parent.parent.joinpath("02_many_tasks", "test_kata.py").write_text("def test_ok():\n    pass\n")


def task(name):
    print(f"{name} done!")


def main(task=task):
    task("Task 1")
    task("Task 2")
    print("All done!")
