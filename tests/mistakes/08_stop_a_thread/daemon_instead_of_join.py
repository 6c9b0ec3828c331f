"""A wrong solution to kata 08, kept to prove the tests reject it: a daemon thread, asked to stop but never joined."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    stop = threading.Event()

    def keep_beating():
        while not stop.is_set():
            beat()
            stop.wait(every)

    thread = threading.Thread(target=keep_beating, daemon=True)  # ends with the program anyway
    thread.start()
    return thread, stop


def stop_beating(beating):
    thread, stop = beating
    stop.set()


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
