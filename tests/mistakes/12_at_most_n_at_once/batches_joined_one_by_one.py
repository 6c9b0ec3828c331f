"""A wrong solution to kata 12, kept to prove the tests reject it: batches of threads, each joined before the next."""

import threading
import time


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


def download_all(files, download=download, at_most=3):
    results = {}

    def download_one(file):
        try:
            results[file] = download(file)
        except OSError as error:
            results[file] = error

    for first in range(0, len(files), at_most):
        batch = [threading.Thread(target=download_one, args=(file,)) for file in files[first : first + at_most]]
        for thread in batch:
            thread.start()
        for thread in batch:
            thread.join()
    return results


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
