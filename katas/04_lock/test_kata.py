"""Kata 04: increment() takes the lock, so no update is lost however the threads are switched."""

from tools.checks import expect_all_joined, expect_at_the_same_time, expect_each_in_a_thread_of_its_own
from tools.interleaving import lost_update, picture
from tools.probes import fail

THREADS = 4
TIMES = 50
LEFT_BY_AN_EARLIER_COUNT = 5


def test_increment_adds_times_to_the_counter(kata, watch):
    kata.counter = 7
    run = watch.run(kata.increment, 25)
    if kata.counter != 32:
        fail(
            f"increment(25) changed the counter from 7 to {kata.counter}; it should add 25, making 32.{run.its_code}",
            run.defined,
        )


def test_count_runs_increment_in_threads_at_the_same_time(kata, watch):
    kata.increment = watch.calls(kata.increment, label="increment()")
    run = watch.run(kata.count, threads=THREADS, times=TIMES)
    increments = ["increment()"] * THREADS
    expect_each_in_a_thread_of_its_own(run, increments)
    expect_at_the_same_time(run, increments)
    expect_all_joined(run, increments)


def test_no_update_is_lost_however_threads_switch(kata, watch):
    kata.counter = LEFT_BY_AN_EARLIER_COUNT
    run = watch.run(kata.count, threads=THREADS, times=TIMES, switch_threads_often=True)
    expected = THREADS * TIMES
    if run.value == expected == kata.counter:
        return
    if run.value == expected + LEFT_BY_AN_EARLIER_COUNT:
        fail(
            f"count(threads={THREADS}, times={TIMES}) returned {run.value}:"
            f" it went on from the {LEFT_BY_AN_EARLIER_COUNT}"
            " an earlier count left in the counter. Keep `counter = 0` at the start of count(), as the starter has it."
            + run.its_code,
            run.defined,
        )
    got = run.value if run.value == kata.counter else f"{run.value} (and left the counter at {kata.counter})"
    message = (
        f"count(threads={THREADS}, times={TIMES}) returned {got}, but {THREADS} threads"
        f" x {TIMES} increments make {expected}."
    )
    refused = getattr(kata.lock, "refused", [])
    if refused:
        fail(
            f"{message}\n  {refused[0]}\ncame back without the lock {_times(len(refused))}, because another"
            " thread held it, and each time that increment was skipped: acquire(blocking=False) does not wait."
            "\nCall lock.acquire(), or use `with lock:`: both wait for their turn.",
            refused[0],
        )
    if isinstance(run.value, int) and run.value < expected:
        message += (
            f"\nThe race lost {expected - run.value} of {expected} updates: two threads read the same value,"
            " and the second write wiped out the first."
        )
    made = run.of("lock")
    if len(made) > 1:
        message += (
            f"\n  {made[0].where}\nmakes a new lock each time it runs ({len(made)} locks in this run):"
            " every thread locks a lock of its own, so no thread ever waits for another."
            "\nUse the one `lock` made at the top of the file."
        )
    elif getattr(kata.lock, "taken", None) == 0:
        message += f"\nincrement() never takes `lock`.{_unlocked(run)}\nPut `counter += 1` inside `with lock:`."
    else:
        message += (
            f"\nincrement() takes `lock`, yet updates were lost.{_unlocked(run)}"
            "\nThe read, the add and the write of `counter += 1` must all happen inside `with lock:`."
        )
    if run.unlocked_write is None:
        message += run.its_code
    steps = lost_update(run)
    if steps:
        message += "\n\nOne update the race lost, step by step:\n" + picture(steps)
    fail(message, run.unlocked_write or (made[0].where if len(made) > 1 else run.defined))


def _unlocked(run):
    where = run.unlocked_write
    return f" This write to the counter holds no lock:\n  {where}" if where else ""


def _times(count):
    return "once" if count == 1 else f"{count} times"
