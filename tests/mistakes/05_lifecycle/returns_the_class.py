"""A wrong solution to kata 05, kept to prove the tests reject it: the class RuntimeError instead of the error."""

import threading
import time


def lifecycle(work):
    thread = threading.Thread(target=work)
    created = thread.is_alive()
    thread.start()
    started = thread.is_alive()
    thread.join()
    joined = thread.is_alive()
    return {"created": created, "started": started, "joined": joined}


def start_twice(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    try:
        thread.start()
    except RuntimeError:
        return RuntimeError


def join_before_start(work):
    thread = threading.Thread(target=work)
    try:
        thread.join()
    except RuntimeError:
        return RuntimeError


def work():
    time.sleep(0.2)


if __name__ == "__main__":
    print("lifecycle(work) returned", lifecycle(work))
    print("start_twice(work) returned", repr(start_twice(work)))
    print("join_before_start(work) returned", repr(join_before_start(work)))
