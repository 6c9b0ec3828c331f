"""Kata 09: futures and their errors.

fetch_all(names, fetch) fetches each name, one after the other, and returns
(pages, errors): pages is {name: page}, errors is {name: the error it raised}.
As it is, the first fetch that raises stops everything. Change it so that:

1. every fetch runs at the same time, in a thread of its own
   (concurrent.futures.ThreadPoolExecutor does it for you);
2. a fetch that raises does not stop the others: catch its error where you
   collect its result (future.result() raises the error the task raised);
3. errors maps each name whose fetch raised to the error itself;
4. pages has the others' pages, and both dicts list the names in the order
   of `names`, however the fetches finish.

Run `pytest katas/09_futures_and_errors` (or leave `ptw` running) to check your work.
"""

import concurrent.futures  # noqa: F401 - you will need it
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}
    for name in names:
        pages[name] = fetch(name)
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
