"""A correct solution to kata 02, written another way: functools.partial targets."""

import threading
import time
from functools import partial


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    threads = []
    for file_name in files:
        t = threading.Thread(target=partial(download, file_name))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
