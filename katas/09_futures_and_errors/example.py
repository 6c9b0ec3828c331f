"""Futures and their errors: result() hands back what a task returned, or raises what it raised."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def square(number):
    time.sleep((4 - number) / 10)  # the last ones finish first
    if number == 2:
        raise ValueError("two is not allowed")
    return number * number


def quietly(hook):
    print(f"a thread's error, printed and lost: {hook.exc_value!r}")


if __name__ == "__main__":
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(square, number) for number in range(4)]
        for future in as_completed(futures):  # in the order they finish
            print(f"finished: square({futures.index(future)})")
    for number, future in enumerate(futures):  # in the order they were submitted
        try:
            print(f"square({number}) = {future.result()}")
        except ValueError as error:
            print(f"square({number}) raised {error!r}")

    threading.excepthook = quietly  # what Python does with it by default: print it to stderr
    thread = threading.Thread(target=square, args=(2,))
    thread.start()
    thread.join()  # returns as if all went well
    print("join() returned; the error did not come with it")
