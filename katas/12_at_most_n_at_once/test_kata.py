"""Kata 12: every file downloaded in a thread of its own, never more than `at_most` at once, a free
place taken at once, and a failed download gives its place back."""

import pytest

from tools.lessons import (
    expect_all_joined,
    expect_at_most_at_once,
    expect_downloaded_once_each,
    expect_no_place_left_empty,
)
from tools.schedules import every_order

# Downloads take their own time: a place frees up now and then, not all at once.
SECONDS = {"a.zip": 1, "b.zip": 3, "c.zip": 1, "d.zip": 1, "e.zip": 2, "f.zip": 1, "g.zip": 1}
FILES = list(SECONDS)


def run_download_all(kata, watch, at_most, failing=()):
    def saved(file):
        if file in failing:
            raise OSError(f"{file}: connection reset")
        return f"saved {file}"

    # Code that calls the module's own download() gets the stand-in too.
    kata.download = watch.task(*FILES, seconds=SECONDS, result=saved)
    return watch.run(kata.download_all, FILES, download=kata.download, at_most=at_most)


def test_every_file_is_downloaded_once_in_a_thread(kata, watch):
    run = run_download_all(kata, watch, at_most=3)
    expect_all_joined(run, FILES)
    expect_downloaded_once_each(run, FILES, failing=[])


@every_order
@pytest.mark.parametrize("at_most", [3, 2])
def test_never_more_than_at_most_downloads_at_once(kata, watch, at_most):
    run = run_download_all(kata, watch, at_most=at_most)
    expect_downloaded_once_each(run, FILES, failing=[])
    expect_at_most_at_once(run, FILES, at_most)


def test_a_free_place_is_taken_at_once(kata, watch):
    run = run_download_all(kata, watch, at_most=3)
    expect_downloaded_once_each(run, FILES, failing=[])
    expect_at_most_at_once(run, FILES, 3)
    expect_no_place_left_empty(run, FILES, 3)


def test_a_failed_download_gives_its_place_back(kata, watch):
    # The first three fail: had they kept their places, nobody else could ever download.
    run = run_download_all(kata, watch, at_most=3, failing=FILES[:3])
    expect_downloaded_once_each(run, FILES, failing=FILES[:3])
    expect_at_most_at_once(run, FILES, 3)
    expect_no_place_left_empty(run, FILES, 3)
