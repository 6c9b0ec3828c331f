"""Kata 02: a thread per file, all at the same time, all joined before "All downloads finished."."""

import pytest

from tools.lessons import (
    expect_all_joined,
    expect_at_the_same_time,
    expect_each_in_a_thread_of_its_own,
    expect_printed_last,
)
from tools.schedules import every_order

LESSON_FILES = ["file1.txt", "file2.txt", "file3.txt"]
MORE_FILES = [f"photo{number}.jpg" for number in range(1, 6)]


def run_download_all(kata, watch, files):
    # Code written like the lesson's calls the module's own download_file(); it gets the stand-in too.
    kata.download_file = watch.task(*files, seconds=1)  # the lesson's download takes 1 second
    return watch.run(kata.download_all, files, download=kata.download_file)


@pytest.mark.parametrize("files", [LESSON_FILES, MORE_FILES], ids=["3 files", "5 files"])
def test_every_file_gets_a_thread_of_its_own(kata, watch, files):
    run = run_download_all(kata, watch, files)
    expect_each_in_a_thread_of_its_own(run, files)


@pytest.mark.parametrize("files", [LESSON_FILES, MORE_FILES], ids=["3 files", "5 files"])
def test_all_downloads_run_at_the_same_time(kata, watch, files):
    run = run_download_all(kata, watch, files)
    expect_each_in_a_thread_of_its_own(run, files)
    expect_at_the_same_time(run, files)


@every_order
def test_download_all_waits_for_every_thread(kata, watch):
    run = run_download_all(kata, watch, MORE_FILES)
    expect_each_in_a_thread_of_its_own(run, MORE_FILES)
    expect_all_joined(run, MORE_FILES)


@every_order
def test_all_downloads_finished_is_printed_last(kata, watch):
    run = run_download_all(kata, watch, MORE_FILES)
    expect_each_in_a_thread_of_its_own(run, MORE_FILES)
    expect_printed_last(run, "All downloads finished.", MORE_FILES)
