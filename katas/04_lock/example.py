"""The lesson's fix: a Lock lets one thread at a time read, add and write the counter."""

import threading

counter = 0
lock = threading.Lock()


def increment():
    global counter
    for _ in range(100_000):
        with lock:
            counter += 1


if __name__ == "__main__":
    threads = [threading.Thread(target=increment) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(counter)
