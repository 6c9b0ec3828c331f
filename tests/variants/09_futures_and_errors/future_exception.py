"""A correct solution to kata 09, written another way: future.exception() instead of try around result()."""

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
        futures = [pool.submit(fetch, name) for name in names]
        for name, future in zip(names, futures, strict=True):
            if future.exception() is None:
                pages[name] = future.result()
            else:
                errors[name] = future.exception()
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
