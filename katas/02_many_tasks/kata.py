"""Kata 02: one thread per task, however many tasks there are.

download_all() downloads the files one after the other. Change it so that:

1. every file gets a thread of its own (for any number of files),
2. all the threads run at the same time: start them all, keeping them in a list,
3. download_all() waits for every thread (join them all, in a second loop),
4. and only then prints "All downloads finished.".

Run `pytest katas/02_many_tasks` (or leave `ptw` running) to check your work.
"""

import threading  # noqa: F401 - you will need it
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    for file_name in files:
        download(file_name)
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
