"""A wrong solution to kata 08, kept to prove the tests reject it: a stop flag, seen only after a long sleep."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


stopping = False


def start_beating(beat=beat, every=5):
    def keep_beating():
        while not stopping:
            beat()
            time.sleep(every)

    thread = threading.Thread(target=keep_beating)
    thread.start()
    return thread


def stop_beating(beating):
    global stopping
    stopping = True
    beating.join()


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
