"""A wrong solution to kata 12, kept to prove the tests reject it: a semaphore made in each thread."""

import threading
import time


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


def download_all(files, download=download, at_most=3):
    results = {}

    def download_one(file):
        limit = threading.Semaphore(at_most)
        with limit:
            try:
                results[file] = download(file)
            except OSError as error:
                results[file] = error

    threads = [threading.Thread(target=download_one, args=(file,)) for file in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
