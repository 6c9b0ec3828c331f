"""A correct solution to kata 12, written another way: a pool of at_most threads is a limit too."""

import time
from concurrent.futures import ThreadPoolExecutor


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


def download_all(files, download=download, at_most=3):
    def download_one(file):
        try:
            return download(file)
        except OSError as error:
            return error

    with ThreadPoolExecutor(max_workers=at_most) as pool:
        return dict(zip(files, pool.map(download_one, files), strict=True))


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
