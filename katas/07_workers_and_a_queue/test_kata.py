"""Kata 07: a few workers share the jobs through a queue, wait for jobs still to come, stop when
told and are joined before the results are returned."""

from tools.lessons import (
    expect_later_jobs_taken,
    expect_results,
    expect_shared_by_workers,
    expect_workers_at_once,
    expect_workers_stopped_and_joined,
)
from tools.schedules import every_order

JOBS = [f"photo{number}.jpg" for number in range(1, 8)]  # more jobs than workers
WORKERS = 3
EVERY = 1.5  # seconds between jobs that come one by one: longer than a job takes


def run_process_all(kata, watch, jobs, workers=WORKERS):
    # Code that calls the module's own work() gets the stand-in too: each job takes 1 second.
    kata.work = watch.task(*JOBS, seconds=1, result=lambda job: f"small {job}")
    return watch.run(kata.process_all, jobs, work=kata.work, workers=workers)


def test_each_job_is_done_once_by_one_of_the_workers(kata, watch):
    run = run_process_all(kata, watch, JOBS, workers=2)
    expect_shared_by_workers(run, JOBS, workers=2)
    expect_results(run, {job: f"small {job}" for job in JOBS})


def test_the_workers_work_at_the_same_time(kata, watch):
    run = run_process_all(kata, watch, JOBS)
    expect_shared_by_workers(run, JOBS, WORKERS)
    expect_workers_at_once(run, JOBS, WORKERS)


def test_the_workers_wait_for_jobs_that_come_later(kata, watch):
    run = run_process_all(kata, watch, watch.arriving(JOBS, every=EVERY))
    expect_later_jobs_taken(run, JOBS)
    expect_shared_by_workers(run, JOBS, WORKERS)
    expect_results(run, {job: f"small {job}" for job in JOBS})


@every_order
def test_every_worker_stops_and_is_joined(kata, watch):
    run = run_process_all(kata, watch, JOBS)
    expect_shared_by_workers(run, JOBS, WORKERS)
    expect_workers_stopped_and_joined(run)
