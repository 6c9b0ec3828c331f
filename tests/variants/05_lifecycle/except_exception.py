"""A correct solution to kata 05, written another way: except Exception."""

import threading
import time


def lifecycle(work):
    thread = threading.Thread(target=work)
    result = {"created": thread.is_alive()}
    thread.start()
    result["started"] = thread.is_alive()
    thread.join()
    result["joined"] = thread.is_alive()
    return result


def start_twice(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    error = None
    try:
        thread.start()
    except Exception as e:  # noqa: BLE001 - as a learner may write it
        error = e
    return error


def join_before_start(work):
    thread = threading.Thread(target=work)
    error = None
    try:
        thread.join()
    except Exception as e:  # noqa: BLE001 - as a learner may write it
        error = e
    return error


def work():
    time.sleep(0.2)


if __name__ == "__main__":
    print("lifecycle(work) returned", lifecycle(work))
    print("start_twice(work) returned", repr(start_twice(work)))
    print("join_before_start(work) returned", repr(join_before_start(work)))
