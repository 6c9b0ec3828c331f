"""A correct solution to kata 05, written another way: join(timeout=1) in a loop while the thread is alive."""

import threading
import time


def lifecycle(work):
    thread = threading.Thread(target=lambda: work())
    created = thread.is_alive()
    thread.start()
    started = thread.is_alive()
    while thread.is_alive():
        thread.join(timeout=1)
    return {"created": created, "started": started, "joined": thread.is_alive()}


def start_twice(work):
    thread = threading.Thread(target=lambda: work())
    thread.start()
    thread.join()
    try:
        thread.start()
    except RuntimeError as err:
        return err
    return None


def join_before_start(work):
    thread = threading.Thread(target=lambda: work())
    try:
        thread.join()
    except RuntimeError as err:
        return err
    return None


def work():
    time.sleep(0.2)


if __name__ == "__main__":
    print("lifecycle(work) returned", lifecycle(work))
    print("start_twice(work) returned", repr(start_twice(work)))
    print("join_before_start(work) returned", repr(join_before_start(work)))
