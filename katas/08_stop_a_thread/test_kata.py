"""Kata 08: a thread that beats in the background until stop_beating() tells it to stop, and stops
at once when it is waiting, at the end of its beat when it is in one, and is joined."""

import time

from tools.lessons import (
    expect_beats_in_the_background,
    expect_no_beat_cut_off,
    expect_stopped_and_joined,
    expect_stopped_at_once,
)

EVERY = 5  # seconds between beats


def run_program(kata, watch, works_for, beat_takes=0):
    """A program that starts the beating, does `works_for` seconds of work of its own, then stops it."""
    over = []

    def beat():
        if over:
            raise SystemExit  # the program has ended, and with it a daemon thread: the tests end it here

    stand_in = watch.calls(beat, "beat", seconds=beat_takes)
    # Code that calls the module's own beat() gets the stand-in too.
    kata.beat = stand_in

    def the_program():
        beating = kata.start_beating(stand_in, every=EVERY)
        time.sleep(works_for)
        kata.stop_beating(beating)
        over.append(True)

    return watch.run(the_program, title="the program")


def test_start_beating_returns_at_once_and_beats_in_another_thread(kata, watch):
    run = run_program(kata, watch, works_for=12)
    expect_beats_in_the_background(run, EVERY, until=12)


def test_stop_beating_stops_the_thread_and_waits_for_it_to_end(kata, watch):
    run = run_program(kata, watch, works_for=12)
    expect_beats_in_the_background(run, EVERY, until=12)
    expect_stopped_and_joined(run)


def test_stop_beating_stops_a_waiting_thread_at_once(kata, watch):
    run = run_program(kata, watch, works_for=12)
    expect_beats_in_the_background(run, EVERY, until=12)
    expect_stopped_and_joined(run)
    expect_stopped_at_once(run, asked_at=12)


def test_a_beat_is_never_cut_off(kata, watch):
    # Each beat takes 2 seconds, so they come at 0 s, 7 s, 14 s: the program asks at 8 s, mid-beat.
    run = run_program(kata, watch, works_for=8, beat_takes=2)
    expect_no_beat_cut_off(run)
    expect_stopped_and_joined(run)
