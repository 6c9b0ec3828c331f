"""A wrong solution to kata 09, kept to prove the tests reject it: every error swallowed by `except Exception: pass`."""

import concurrent.futures
import time


def fetch(name):
    time.sleep(1)
    if name == "news":
        raise ConnectionError(f"{name}: no answer")
    return f"page of {name}"


def fetch_all(names, fetch=fetch):
    pages, errors = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        futures = {name: pool.submit(fetch, name) for name in names}
    for name, future in futures.items():
        try:
            pages[name] = future.result()
        except Exception:
            pass
    return pages, errors


if __name__ == "__main__":
    try:
        pages, errors = fetch_all(["home", "news", "weather"])
    except ConnectionError as error:
        print(f"fetch_all() stopped at the first error: {error!r}")
    else:
        print(pages)
        print(errors)
