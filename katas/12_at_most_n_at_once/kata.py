"""Kata 12: at most N at once, with a Semaphore.

download_all(files, download, at_most) downloads every file in a thread of its
own, all at once, and returns {file: what download(file) returned}. The server
allows only `at_most` downloads at a time. Change it so that:

1. at most `at_most` downloads run at any moment (threading.Semaphore(at_most),
   one for them all: `with limit:` around the download);
2. as soon as one download ends, a waiting one begins: a place never stays
   empty while files wait;
3. a download that raises OSError gives its place back, and its error is the
   file's result: {file: the error}.

Run `pytest katas/12_at_most_n_at_once` (or leave `ptw` running) to check your work.
"""

import threading
import time


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


def download_all(files, download=download, at_most=3):
    results = {}

    def download_one(file):
        results[file] = download(file)

    threads = [threading.Thread(target=download_one, args=(file,)) for file in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
