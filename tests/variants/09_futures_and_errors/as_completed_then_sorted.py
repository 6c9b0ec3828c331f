"""A correct solution to kata 09, written another way: as_completed, then both dicts in the order of names."""

import concurrent.futures
import time


def fetch(name):
    time.sleep(1)  # waiting for the network
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = {pool.submit(fetch, name): name for name in names}
        for future in concurrent.futures.as_completed(futures):
            try:
                pages[futures[future]] = future.result()
            except ConnectionError as error:
                errors[futures[future]] = error
    in_order = [name for name in names]
    return (
        {name: pages[name] for name in in_order if name in pages},
        {name: errors[name] for name in in_order if name in errors},
    )


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
