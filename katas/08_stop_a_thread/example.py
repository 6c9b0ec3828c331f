"""Stopping a thread when told: an Event ends the thread's wait at once, where sleep() would not."""

import threading
import time


def tick(stop):
    count = 0
    while not stop.is_set():
        count += 1
        print(f"tick {count}")
        stop.wait(0.5)  # waits half a second, or less: stop.set() ends the wait at once


if __name__ == "__main__":
    stop = threading.Event()
    ticking = threading.Thread(target=tick, args=(stop,))
    ticking.start()
    time.sleep(1.2)  # the program's own work
    asked = time.perf_counter()
    stop.set()
    ticking.join()
    print(f"stopped {time.perf_counter() - asked:.1f} s after it was asked to")
