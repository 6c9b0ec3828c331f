"""A wrong solution to kata 09, kept to prove the tests reject it: plain threads, where an error is printed and lost."""

import threading
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}

    def fetch_into(name):
        pages[name] = fetch(name)

    threads = [threading.Thread(target=fetch_into, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: pages[name] for name in names if name in pages}, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
