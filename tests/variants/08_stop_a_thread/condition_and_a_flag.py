"""A correct solution to kata 08, written another way: a Condition and a flag instead of an Event."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


def start_beating(beat=beat, every=5):
    state = {"stop": False, "changed": threading.Condition()}

    def keep_beating():
        with state["changed"]:
            while not state["stop"]:
                beat()
                state["changed"].wait_for(lambda: state["stop"], timeout=every)

    state["thread"] = threading.Thread(target=keep_beating)
    state["thread"].start()
    return state


def stop_beating(beating):
    with beating["changed"]:
        beating["stop"] = True
        beating["changed"].notify_all()
    beating["thread"].join()


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
