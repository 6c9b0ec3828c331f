"""A wrong solution to kata 08, kept to prove the tests reject it: the loop runs in start_beating() itself."""

import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    for _ in range(3):
        beat()
        time.sleep(every)


def stop_beating(beating):
    pass


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
