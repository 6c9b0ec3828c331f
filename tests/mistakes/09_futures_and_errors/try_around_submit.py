"""A wrong solution to kata 09, kept to prove the tests reject it: the try is around submit(), not result()."""

import concurrent.futures
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}
    futures = {}
    with concurrent.futures.ThreadPoolExecutor() as pool:
        for name in names:
            try:
                futures[name] = pool.submit(fetch, name)
            except ConnectionError as error:
                errors[name] = error
    for name, future in futures.items():
        pages[name] = future.result()
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
