"""Kata 08: stop a thread when told.

start_beating(beat, every) starts a thread that calls beat() every `every`
seconds, and stop_beating(beating) should stop it. As it is, the thread is a
daemon and nothing stops it: when the program ends, the thread is killed
wherever it is, in the middle of a beat maybe. Change them so that:

1. start_beating returns at once, and its thread calls beat() right away and
   then every `every` seconds;
2. stop_beating tells the thread to stop, and returns as soon as it has ended:
   at once if the thread is waiting, at the end of the beat if it is in one;
3. no beat is cut off, and none begins after stop_beating has returned.

A threading.Event helps: stop.wait(every) waits like time.sleep(every), but
returns at once when another thread calls stop.set().

Run `pytest katas/08_stop_a_thread` (or leave `ptw` running) to check your work.
"""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    def keep_beating():
        while True:
            beat()
            time.sleep(every)

    thread = threading.Thread(target=keep_beating, daemon=True)
    thread.start()
    return thread


def stop_beating(beating):
    pass  # nothing to do: a daemon thread ends with the program


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
