"""A correct solution to kata 09, written another way: plain threads that catch their own error."""

import threading
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    outcomes = {}

    def fetch_into(name):
        try:
            outcomes[name] = (True, fetch(name))
        except Exception as error:  # noqa: BLE001 - kept for the caller, not lost in the thread
            outcomes[name] = (False, error)

    threads = [threading.Thread(target=fetch_into, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = {name: outcomes[name][1] for name in names if outcomes[name][0]}
    errors = {name: outcomes[name][1] for name in names if not outcomes[name][0]}
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
