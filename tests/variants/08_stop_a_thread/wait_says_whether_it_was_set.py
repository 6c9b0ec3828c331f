"""A correct solution to kata 08, written another way: stop.wait() says whether the Event was set."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    stop = threading.Event()

    def keep_beating():
        while True:
            beat()
            if stop.wait(every):
                break

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
