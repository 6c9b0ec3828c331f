"""Kata 05: a thread is created, started, runs, is joined - and each thread runs only once."""

from tools.checks import expect_all_joined, expect_each_in_a_thread_of_its_own
from tools.probes import fail

WORK = ["work()"]


def work_for(watch):
    return watch.calls(1, lambda: None, label="work()")


def test_lifecycle_runs_work_in_a_thread_and_joins_it(kata, watch):
    run = watch.run(kata.lifecycle, work_for(watch))
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_all_joined(run, WORK)


def test_lifecycle_reports_is_alive_at_each_stage(kata, watch):
    run = watch.run(kata.lifecycle, work_for(watch))
    truth = {
        "created": (False, "a created thread is not running until start() is called"),
        "started": (True, "a started thread is alive until its work is done (this test's work() lasts until the join)"),
        "joined": (False, "join() returns only once the thread has finished"),
    }
    if not isinstance(run.value, dict):
        fail(
            f"lifecycle() returned {run.value!r}; return a dict like {{'created': ..., 'started': ..., 'joined': ...}}."
        )
    for stage, (alive, why) in truth.items():
        said = run.value.get(stage)
        if said is not alive:
            fail(
                f"lifecycle() says is_alive() was {said!r} when the thread was {stage}; it is {alive}:"
                f" {why}.\nStore what thread.is_alive() returns at each stage."
            )


def expect_runtime_error(run, function, says):
    error = run.value
    if not isinstance(error, RuntimeError):
        fail(
            f"{function} returned {error!r}. Do what the task says, catch the RuntimeError it raises"
            " (try: ... except RuntimeError as error:) and return the error."
        )
    if says not in str(error):
        fail(f"{function} returned RuntimeError({str(error)!r}); the error that Python raises here says {says!r}.")


def test_a_thread_can_be_started_only_once(kata, watch):
    run = watch.run(kata.start_twice, work_for(watch))
    expect_each_in_a_thread_of_its_own(run, WORK)
    expect_runtime_error(run, "start_twice()", "started once")


def test_a_thread_cannot_be_joined_before_it_is_started(kata, watch):
    run = watch.run(kata.join_before_start, work_for(watch))
    expect_runtime_error(run, "join_before_start()", "before it is started")
