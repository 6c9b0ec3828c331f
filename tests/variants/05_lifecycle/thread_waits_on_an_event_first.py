"""A correct solution to kata 05, written another way: the thread waits on an Event before its work."""

import threading
import time


def lifecycle(work):
    go = threading.Event()

    def wait_then_work():
        go.wait()
        work()

    thread = threading.Thread(target=wait_then_work)
    alive = {"created": thread.is_alive()}
    thread.start()
    alive["started"] = thread.is_alive()  # True, whatever work() does: the thread waits for `go`
    go.set()
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


def work():
    time.sleep(0.2)


if __name__ == "__main__":
    print("lifecycle(work) returned", lifecycle(work))
    print("start_twice(work) returned", repr(start_twice(work)))
    print("join_before_start(work) returned", repr(join_before_start(work)))
