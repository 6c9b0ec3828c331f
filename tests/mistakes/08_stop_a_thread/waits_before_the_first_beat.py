"""A wrong solution to kata 08, kept to prove the tests reject it: the thread waits before its first beat."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    stop = threading.Event()

    def keep_beating():
        while not stop.wait(every):
            beat()

    thread = threading.Thread(target=keep_beating)
    thread.start()
    return thread, stop


def stop_beating(beating):
    thread, stop = beating
    stop.set()
    thread.join()


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
