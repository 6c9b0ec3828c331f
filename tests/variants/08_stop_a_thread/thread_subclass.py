"""A correct solution to kata 08, written another way: a Thread subclass that knows how to stop itself."""

import threading
import time


def beat():
    print("still here")  # saving a draft, say


class Beating(threading.Thread):
    def __init__(self, beat, every):
        super().__init__()
        self.beat, self.every = beat, every
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            self.beat()
            self.stopping.wait(self.every)

    def stop(self):
        self.stopping.set()
        self.join()


def start_beating(beat=beat, every=5):
    beating = Beating(beat, every)
    beating.start()
    return beating


def stop_beating(beating):
    beating.stop()


if __name__ == "__main__":
    beating = start_beating(every=0.2)
    time.sleep(0.5)
    stop_beating(beating)
    print("stopped")
