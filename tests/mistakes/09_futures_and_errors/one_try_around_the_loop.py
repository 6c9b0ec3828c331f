"""A wrong solution to kata 09, kept to prove the tests reject it: one try around the whole loop."""

import concurrent.futures
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}
    with concurrent.futures.ThreadPoolExecutor() as pool:
        futures = {name: pool.submit(fetch, name) for name in names}
    name = None
    try:
        for name, future in futures.items():
            pages[name] = future.result()
    except Exception as error:  # noqa: BLE001
        errors[name] = error
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
