"""Kata 05: a thread is created, started, runs, is joined - and each thread runs only once."""

import pytest

from tools.checks import expect_all_joined, expect_each_in_a_thread_of_its_own
from tools.probes import fail

WORK = ["work()"]


def work_for(watch, seconds=1):
    return watch.calls(lambda: None, label="work()", seconds=seconds)


def test_lifecycle_runs_work_in_a_thread_and_joins_it(kata, watch):
    run = watch.run(kata.lifecycle, work_for(watch))
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_all_joined(run, WORK)


@pytest.mark.parametrize(
    ("seconds", "started", "why"),
    [
        (1, True, "a started thread is alive while its work runs, and this work() lasts 1 second"),
        (0, False, "this time work() was over before start() returned, so the thread had already ended"),
    ],
    ids=["work lasts 1 second", "work is over at once"],
)
def test_lifecycle_reports_is_alive_at_each_stage(kata, watch, seconds, started, why):
    run = watch.run(kata.lifecycle, work_for(watch, seconds))
    truth = {
        "created": (False, "a created thread is not running until start() is called"),
        "started": (started, why),
        "joined": (False, "join() returns only once the thread has finished"),
    }
    if not isinstance(run.value, dict):
        fail(
            f"lifecycle() returned {run.value!r}; return a dict like {{'created': ..., 'started': ..., 'joined': ...}}."
            + run.its_code,
            run.defined,
        )
    for stage, (alive, why) in truth.items():
        said = run.value.get(stage)
        if callable(said):
            fail(
                f"lifecycle() gives {getattr(said, '__name__', 'a function')} itself for the {stage!r} stage,"
                " not its answer: the brackets call it. Store thread.is_alive(), not thread.is_alive." + run.its_code,
                run.defined,
            )
        if said is not alive:
            fail(
                f"lifecycle() says is_alive() was {said!r} when the thread was {stage}; in this run it was {alive}:"
                f" {why}.\nStore what thread.is_alive() returns at each stage: it tells what is true when you ask."
                + run.its_code,
                run.defined,
            )


def catch_it(error):
    if isinstance(error, RuntimeError):
        return (
            "That is the error the task is about: catch it (try: ... except RuntimeError as error:)"
            " and return it, instead of letting it escape."
        )
    return None


def expect_runtime_error(run, function, says):
    error = run.value
    if isinstance(error, str) and says in error:
        fail(
            f"{function} returned {error!r}, the error's message. Return the error itself:"
            " except RuntimeError as error: return error." + run.its_code,
            run.defined,
        )
    if not isinstance(error, RuntimeError):
        fail(
            f"{function} returned {error!r}. Do what the task says, catch the RuntimeError it raises"
            " (try: ... except RuntimeError as error:) and return the error." + run.its_code,
            run.defined,
        )
    if says not in str(error):
        fail(
            f"{function} returned RuntimeError({str(error)!r}); the error that Python raises here says {says!r}."
            + run.its_code,
            run.defined,
        )


def test_a_thread_can_be_started_only_once(kata, watch):
    run = watch.run(kata.start_twice, work_for(watch), explain_error=catch_it)
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_all_joined(run, WORK)
    expect_runtime_error(run, "start_twice()", "started once")


def test_a_thread_cannot_be_joined_before_it_is_started(kata, watch):
    run = watch.run(kata.join_before_start, work_for(watch), explain_error=catch_it)
    expect_runtime_error(run, "join_before_start()", "before it is started")
