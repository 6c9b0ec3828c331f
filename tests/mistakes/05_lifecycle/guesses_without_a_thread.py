"""A wrong solution to kata 05, kept to prove the tests reject it."""

import threading


def lifecycle(work):
    return {"created": False, "started": True, "joined": False}


def start_twice(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    try:
        thread.start()
    except RuntimeError as error:
        return error


def join_before_start(work):
    thread = threading.Thread(target=work)
    try:
        thread.join()
    except RuntimeError as error:
        return error
