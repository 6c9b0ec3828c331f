"""A wrong solution to kata 05, kept to prove the tests reject it."""

import threading


def lifecycle(work):
    thread = threading.Thread(target=work)
    alive = {"created": thread.is_alive()}
    thread.start()
    alive["started"] = thread.is_alive()
    thread.join()
    alive["joined"] = thread.is_alive()
    return alive


def start_twice(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    thread.start()


def join_before_start(work):
    thread = threading.Thread(target=work)
    try:
        thread.join()
    except RuntimeError as error:
        return error
