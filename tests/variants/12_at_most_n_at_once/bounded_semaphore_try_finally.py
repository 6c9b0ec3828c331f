"""A correct solution to kata 12, written another way: a BoundedSemaphore, acquire() and release() in try/finally."""

import threading
import time


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


def download_all(files, download=download, at_most=3):
    results = {}
    limit = threading.BoundedSemaphore(at_most)

    def download_one(file):
        limit.acquire()
        try:
            results[file] = download(file)
        except OSError as error:
            results[file] = error
        finally:
            limit.release()

    threads = [threading.Thread(target=download_one, args=(file,)) for file in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
