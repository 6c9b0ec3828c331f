"""Reference solution for kata 08."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    stop = threading.Event()

    def keep_beating():
        while not stop.is_set():
            beat()
            stop.wait(every)  # like time.sleep(every), but over at once when stop is set

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
