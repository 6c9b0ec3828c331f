"""At most two at once: five threads share a Semaphore(2), so three of them wait for a place."""

import threading
import time

places = threading.Semaphore(2)


def visit(name):
    print(f"{name} waits for a place")
    with places:  # takes one of the two places, or waits until one is given back
        print(f"{name} is in")
        time.sleep(1)
        print(f"{name} leaves")


if __name__ == "__main__":
    threads = [threading.Thread(target=visit, args=(name,)) for name in ["Ann", "Ben", "Cid", "Dot", "Eve"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
