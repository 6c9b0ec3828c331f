"""Each typical wrong solution is rejected with its own message; correct variants all pass.

A wrong solution lives in tests/mistakes/<kata>/<mistake>.py, and the lesson its first failure
gives, word for word, in <mistake>.txt beside it (thread numbers and addresses made the same on
every run), so that a change of wording shows in review as a diff of what learners read:
`pytest tests/test_mistakes.py --update-lessons` writes them anew. A correct solution written
another way lives in tests/variants/<kata>/<variant>.py.
"""

import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import run_pytest
from tools.registry import learner_file

HERE = Path(__file__).parent

MISTAKES = {
    "01_start_and_join/run_instead_of_start": "run() does not start a thread; call start().",
    "01_start_and_join/target_calls_the_task": "`target=task(...)` calls the task at once",
    "01_start_and_join/join_right_after_start": "waits for Task 1's thread to end before the thread for Task 2",
    "01_start_and_join/missing_join": "main() returned while Task 2 was still running",
    "01_start_and_join/print_before_join": "'All done!' was printed at 0 s, while Task 1 was still running",
    "01_start_and_join/sleep_instead_of_join": ("main() waited with time.sleep(2) instead:\n    18  time.sleep(2)"),
    "01_start_and_join/join_with_a_timeout": (
        "  tests/mistakes/01_start_and_join/join_with_a_timeout.py:18\n    18  thread1.join(timeout=0.1)\n"
        "join(timeout=0.1) gave up at 0.1 s, while Task 1 was still running"
    ),
    "01_start_and_join/one_thread_does_all_the_work": "Task 1 and Task 2 both ran in",
    "01_start_and_join/thread_raises": "crashed with ZeroDivisionError: division by zero",
    "01_start_and_join/calls_sys_exit": "main() called sys.exit(3)",
    "01_start_and_join/calls_os_exit": (
        "main() called os._exit(0): the whole program would stop right there, its threads\nwith it."
    ),
    "01_start_and_join/args_without_a_comma": (
        "The thread was made at\n  tests/mistakes/01_start_and_join/args_without_a_comma.py:14\n"
        '    14  t1 = threading.Thread(target=task, args=("Task 1"))\n'
        "args=(\"Task 1\") is the string 'Task 1', not a tuple"
    ),
    "01_start_and_join/busy_waits_on_is_alive": (
        "main() asked is_alive() again and again in a loop, without pausing, from 0 s\nuntil 2 s:"
    ),
    "02_many_tasks/busy_waits_with_any_is_alive": "download_all() asked is_alive() again and again in a loop",
    "04_lock/sleeps_instead_of_locking": (
        "Your threads can run in another order, and in that order this check fails:\n"
        "  Thread-1 (increment) was paused at\n"
        "    tests/mistakes/04_lock/sleeps_instead_of_locking.py:13\n"
        "      13  counter += 1\n"
        "  from 0 s until 0.1 s, while MainThread's sleep(0.1) ended at"
    ),
    "04_lock/takes_two_locks_in_opposite_orders": "count(): two threads take the same two locks in opposite orders.",
    "06_threads_or_processes/busy_waits_on_done": "fetch_all() asked done() again and again in a loop, without pausing",
    "01_start_and_join/misspelt_start": (
        "main() raised AttributeError: 'Thread' object has no attribute 'strat'. Did you\nmean: 'start'?"
    ),
    "01_start_and_join/polls_is_alive_instead_of_join": (
        "main() asked is_alive() 5 times instead, with time.sleep(0.5) in between:"
    ),
    "03_race_condition/reads_after_the_writes": "TWO_LOST ends with counter == 2, so 1 of the 3 updates was lost",
    "03_race_condition/renamed_a_name_the_tests_read": "The test looks for `TWO_LOST` in",
    "02_many_tasks/join_inside_the_start_loop": "waits for file1.txt's thread to end before the thread for file2.txt",
    "02_many_tasks/no_join": "download_all() returned while photo1.jpg was still running",
    "02_many_tasks/one_thread_does_all_the_work": "file1.txt, file2.txt and file3.txt all ran in",
    "02_many_tasks/thread_never_ends": "download_all() is still running after 2 seconds: your code is stuck.",
    "02_many_tasks/syntax_error": "line 13: expected ':'",
    "02_many_tasks/lambda_late_binding": "download_all() never ran file1.txt. It ran: file3.txt (3 times).",
    "02_many_tasks/args_without_a_comma": (
        "  tests/mistakes/02_many_tasks/args_without_a_comma.py:16\n"
        "    16  thread = threading.Thread(target=download, args=(file_name))\n"
        "args=(file_name) is the string 'file1.txt', not a tuple"
    ),
    "04_lock/no_lock": (
        "increment() never takes `lock`. This write to the counter holds no lock:\n"
        "  tests/mistakes/04_lock/no_lock.py:12\n    12  counter += 1"
    ),
    "04_lock/new_lock_each_use": "makes a new lock each time it runs",
    "04_lock/lock_wrong_place": (
        "increment() takes `lock`, yet updates were lost. This write to the counter holds\nno lock:\n"
        "  tests/mistakes/04_lock/lock_wrong_place.py:14\n    14  counter += 1"
    ),
    "04_lock/deadlock": (
        "  MainThread waits at\n    tests/mistakes/04_lock/deadlock.py:12\n      12  lock.acquire()\n"
        "  for `lock` (the Lock made at line 6), which it took itself at line 12"
    ),
    "04_lock/acquire_without_waiting": (
        "  tests/mistakes/04_lock/acquire_without_waiting.py:12\n    12  if lock.acquire(False):\n"
        "came back without the lock 150 times"
    ),
    "04_lock/checks_locked_instead_of_locking": "increment() never takes `lock`.",
    "04_lock/one_increment_too_few": "No update was lost: every write built on the one before.",
    "04_lock/increment_takes_no_argument": (
        "The test calls increment(25), but\n"
        "  tests/mistakes/04_lock/increment_takes_no_argument.py:10\n    10  def increment():"
    ),
    "05_lifecycle/guesses_without_a_thread": "lifecycle() never ran work().",
    "05_lifecycle/lets_the_error_escape": (
        "start_twice() raised RuntimeError: threads can only be started once\n"
        "  at tests/mistakes/05_lifecycle/lets_the_error_escape.py:21\n    21  thread.start()\n"
        "That is the error the task is about: catch it"
    ),
    "06_threads_or_processes/fetches_in_processes": (
        "fetch_all() starts a process at\n"
        "  tests/mistakes/06_threads_or_processes/fetches_in_processes.py:18\n"
        "    18  return list(pool.map(fetch, names))"
    ),
    "06_threads_or_processes/fetch_joined_inside_the_start_loop": "news started only after home had finished",
    "06_threads_or_processes/pages_in_the_order_they_come": (
        "fetch_all() returned the results in the order they were ready, not in the order\nasked for:"
    ),
    "06_threads_or_processes/crunches_in_threads": "crunch_all() ran crunch() in threads of this one process.",
    "06_threads_or_processes/hands_the_pool_a_lambda": (
        "crunch_all() hands a process pool a function it cannot send to another process\n"
        "  at tests/mistakes/06_threads_or_processes/hands_the_pool_a_lambda.py:33"
    ),
    "06_threads_or_processes/never_closes_the_pool": (
        "crunch_all() returned without shutting down the Pool made at\n"
        "  tests/mistakes/06_threads_or_processes/never_closes_the_pool.py:32\n    32  pool = Pool()"
    ),
    "06_threads_or_processes/process_pool_never_shut_down": (
        "crunch_all() returned without shutting down the ProcessPoolExecutor made at"
    ),
    "06_threads_or_processes/thread_pool_never_shut_down": (
        "fetch_all() returned without shutting down the ThreadPoolExecutor made at"
    ),
    "06_threads_or_processes/shutdown_after_the_return": (
        "    24  pool.shutdown()\nnever ran: the function had returned before it got there."
    ),
    "06_threads_or_processes/thread_pool_of_four": "fetch_all() ran 40 tasks in a pool of 4 threads, made at",
    "06_threads_or_processes/thread_pool_of_its_default_size": (
        "ThreadPoolExecutor() without max_workers makes at most min(32, processors + 4)\nthreads"
    ),
    "06_threads_or_processes/results_at_the_wrong_index": ("Every thread wrote to index 3, each over the one before"),
    "02_many_tasks/thread_pool_of_its_default_size": ("download_all() ran 40 tasks in a pool of 6 threads, made at"),
    "02_many_tasks/thread_pool_never_waited_for": (
        "download_all() returned while photo1.jpg was still running in a thread of the\nThreadPoolExecutor made at"
    ),
    "02_many_tasks/thread_pool_never_shut_down": (
        "download_all() returned without shutting down the ThreadPoolExecutor made at"
    ),
    "05_lifecycle/asks_is_alive_after_join": (
        "lifecycle() gives False for 'started' without asking: it never calls\n"
        "thread.is_alive() between start() and join()."
    ),
    "07_workers_and_a_queue/stops_when_get_times_out": "photo1.jpg came at 1.5 s, and nobody ever did it.",
    "09_futures_and_errors/swallows_the_errors": "errors has nothing for",
    "05_lifecycle/polls_is_alive_instead_of_join": "lifecycle() asked is_alive() 12 times instead",
    "05_lifecycle/textbook_answers": "without ever calling thread.is_alive(): those are answers written in advance",
    "05_lifecycle/is_alive_without_brackets": "lifecycle() gives the method thread.is_alive itself for 'created'",
    "05_lifecycle/returns_the_class": (
        "start_twice() returned the class RuntimeError itself, not the error Python\nraised"
    ),
    "05_lifecycle/returns_the_message": "start_twice() returned 'threads can only be started once', the error's",
    "05_lifecycle/sleep_instead_of_join": ("lifecycle() waited with time.sleep(0.2) instead:\n    12  time.sleep(0.2)"),
    "07_workers_and_a_queue/one_sentinel_for_all_workers": (
        "  Thread-1 (worker) waits at\n"
        "      19  job = waiting.get()\n"
        "  in get() for an item from `waiting` (the Queue made at line 15), which is\n  empty,"
    ),
    "07_workers_and_a_queue/polls_empty": (
        "    18  while not waiting.empty():\nasks the queue empty(), and it said True at 0 s"
    ),
    "07_workers_and_a_queue/gets_after_the_workers_are_done": (
        "  in get() for an item from `done` (the Queue made at line 16), which is empty,"
    ),
    "07_workers_and_a_queue/returns_without_joining": (
        "process_all() returned while photo1.jpg was still running in Thread-1 (worker)."
    ),
    "07_workers_and_a_queue/a_thread_per_job": "process_all() started 7 threads, one per job, for workers=2",
    "07_workers_and_a_queue/joins_the_queue_not_the_workers": "process_all() returned while Thread-",
    "07_workers_and_a_queue/join_right_after_start": "  for Thread-1 (worker) to end.",
    "07_workers_and_a_queue/starts_the_workers_after_the_jobs_came": (
        "photo1.jpg came at 1.5 s, yet its work began only at 10.5 s."
    ),
    "08_stop_a_thread/beats_without_a_thread": "beat() ran in MainThread, the program's own thread:",
    "08_stop_a_thread/daemon_instead_of_join": (
        "stop_beating() returned at 12 s without waiting for it to end, so the program\ncannot know it has.\n"
        "daemon=True does not stop a thread"
    ),
    "08_stop_a_thread/flag_checked_after_a_long_sleep": (
        "stop_beating() was called at 12 s, but returned only at 15 s, 3 s later.\n"
        "Thread-1 (keep_beating) was asleep in\n"
        "  tests/mistakes/08_stop_a_thread/flag_checked_after_a_long_sleep.py:18\n"
        "    18  time.sleep(every)"
    ),
    "08_stop_a_thread/sleeps_then_checks_the_event": "sleeps_then_checks_the_event.py:17\n    17  time.sleep(every)",
    "08_stop_a_thread/stops_without_joining": "Nothing joins Thread-1 (keep_beating), started at",
    "08_stop_a_thread/join_with_a_timeout": "join(timeout=0.5) gave up at 8.5 s, while beat was still running",
    "08_stop_a_thread/waits_before_the_first_beat": "The beats came at 5 s and 10 s; with every=5 they should come",
    "09_futures_and_errors/result_without_try": (
        "  at tests/mistakes/09_futures_and_errors/result_without_try.py:19\n"
        "    19  pages[name] = future.result()\n"
        "That is the error one fetch raised, and it stopped everything: future.result()"
    ),
    "09_futures_and_errors/one_try_around_the_loop": "one try around the whole loop stops at the first\nerror",
    "09_futures_and_errors/as_completed_order": "pages lists the names as sport, weather, home, the order the",
    "09_futures_and_errors/plain_threads_lose_the_error": "crashed with ConnectionError: news: no answer",
    "09_futures_and_errors/keeps_the_message_not_the_error": "errors['news'] is 'news: no answer', a str;",
    "09_futures_and_errors/try_around_submit": "try_around_submit.py:24\n    24  pages[name] = future.result()",
    "09_futures_and_errors/none_for_a_failed_page": "pages has 'news': None, but its fetch raised an error.",
    "12_at_most_n_at_once/semaphore_per_thread": "makes a new Semaphore each time it runs (7 in this run)",
    "12_at_most_n_at_once/lock_instead_of_a_semaphore": (
        "makes a Lock, which lets one thread in at a time. A threading.Semaphore(at_most)\nlets 3 in"
    ),
    "12_at_most_n_at_once/acquire_without_release_on_error": (
        "for `limit` (the Semaphore made at line 14), and nothing is left to release\n  it."
    ),
    "12_at_most_n_at_once/three_places_whatever_at_most_says": "makes the semaphore with 3 places; give it at_most",
    "12_at_most_n_at_once/semaphore_around_start": "but not every download takes a place in it",
    "12_at_most_n_at_once/batches_joined_one_by_one": "Its thread was started only at 3 s, after",
}

# Variants that use what only a later Python has.
NEEDS_PYTHON = {"07_workers_and_a_queue/queue_shutdown": (3, 13)}

VARIANTS = sorted(
    path.relative_to(HERE / "variants").with_suffix("").as_posix() for path in HERE.glob("variants/*/*.py")
)


def kata_and_file(case, kind):
    kata, _ = case.split("/")
    return HERE.parent / "katas" / kata, HERE / kind / f"{case}.py"


def test_every_mistake_file_has_an_expected_message():
    files = sorted(
        path.relative_to(HERE / "mistakes").with_suffix("").as_posix() for path in HERE.glob("mistakes/*/*.py")
    )
    assert files == sorted(MISTAKES)


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_mistake_is_rejected_with_its_own_message(case, run_katas, tmp_path, request):
    kata, wrong = kata_and_file(case, "mistakes")
    results = tmp_path / "results.json"
    result = run_katas(kata, f"--kata-file={wrong.relative_to(HERE.parent)}", "-x", f"--kata-results={results}")
    assert result.returncode == 1, result.stdout
    assert MISTAKES[case] in result.stdout, result.stdout
    lesson = the_same_on_every_run(json.loads(results.read_text())[kata.name]["message"])
    golden = wrong.with_suffix(".txt")
    if request.config.getoption("update_lessons"):
        golden.write_text(lesson)
    assert lesson == golden.read_text()


def the_same_on_every_run(lesson):
    """`lesson` with its threads numbered from 1, in the order they were made, and no memory addresses."""
    made = sorted({int(number) for number in re.findall(r"Thread-(\d+)", lesson)})
    lesson = re.sub(r"Thread-(\d+)", lambda m: f"Thread-{made.index(int(m[1])) + 1}", lesson)
    return re.sub(r"0x[0-9a-f]+", "0x…", lesson).rstrip() + "\n"


def test_every_mistake_has_its_lesson_beside_it():
    assert sorted(path.with_suffix("") for path in HERE.glob("mistakes/*/*.txt")) == sorted(
        path.with_suffix("") for path in HERE.glob("mistakes/*/*.py")
    )


@pytest.mark.timeout(300)
def test_the_race_is_caught_on_every_run(run_katas):
    kata, wrong = kata_and_file("04_lock/no_lock", "mistakes")
    result = run_katas(kata, f"--kata-file={wrong}", "--count", "200", "-q", "-k", "no_update_is_lost")
    assert result.returncode == 1
    assert "200 failed" in result.stdout, result.stdout[-2000:]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("case", VARIANTS)
def test_a_correct_solution_written_another_way_passes(case, run_katas):
    if sys.version_info < NEEDS_PYTHON.get(case, (3,)):
        pytest.skip(f"{case} needs Python {'.'.join(map(str, NEEDS_PYTHON[case]))}")
    kata, variant = kata_and_file(case, "variants")
    result = run_katas(kata, f"--kata-file={variant}", "--count", "20", "-q")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_thread_left_waiting_forever_ends_with_its_test(run_katas, tmp_path):
    solution = (HERE / "solutions" / "01_start_and_join.py").read_text()
    stray = 'threading.Thread(target=threading.Event().wait, daemon=False, name="waits-forever").start()'
    leaves_a_thread = tmp_path / "kata.py"
    leaves_a_thread.write_text(solution.replace('    print("All done!")', f'    {stray}\n    print("All done!")'))
    result = run_katas(HERE.parent / "katas" / "01_start_and_join", f"--kata-file={leaves_a_thread}")
    assert result.returncode == 0, result.stdout
    assert "left running" not in result.stderr  # its wait is on the clock, which ends it with the test


LEFT_BEHIND = {
    "deadlocked on its own lock": (
        "01_start_and_join",
        "import threading\n\nlock = threading.Lock()\n\n\ndef main(task=None):\n"
        "    lock.acquire()\n    lock.acquire()\n",
        "main() can never finish",
    ),
    "calling the task forever": (
        "02_many_tasks",
        "import threading\n\n\ndef download_all(files, download=None):\n"
        "    def forever(name):\n        while True:\n            download(name)\n\n"
        "    threads = [threading.Thread(target=forever, args=(name,)) for name in files]\n"
        "    for thread in threads:\n        thread.start()\n    for thread in threads:\n        thread.join()\n",
        "download_all() is still running after 2 seconds",
    ),
}


@pytest.mark.parametrize("case", sorted(LEFT_BEHIND))
def test_threads_a_stuck_kata_leaves_behind_do_not_change_a_later_katas_verdict(learner_copy, starters, case):
    kata, code, stuck = LEFT_BEHIND[case]
    (learner_copy / learner_file(kata)).write_text(code)
    (learner_copy / learner_file("04_lock")).write_text((HERE / "solutions" / "04_lock.py").read_text())
    result = run_pytest("-p", "no:cacheprovider", "--all-katas", f"katas/{kata}", "katas/04_lock", cwd=learner_copy)
    assert stuck in result.stdout
    assert "count() is still running" not in result.stdout, result.stdout
    assert f"{starters.by_kata['04_lock'].tests} passed" in result.stdout.splitlines()[-1], result.stdout
