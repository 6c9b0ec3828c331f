"""Reference solution for kata 05."""

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
