"""A correct solution to kata 02, written another way: list comprehensions."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    threads = [threading.Thread(target=download, args=(name,)) for name in files]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
