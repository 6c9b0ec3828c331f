"""A wrong solution to kata 02, kept to prove the tests reject it: tasks handed to a pool, never waited for."""

import time
from concurrent.futures import ThreadPoolExecutor


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    pool = ThreadPoolExecutor(max_workers=len(files))
    for file_name in files:
        pool.submit(download, file_name)
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
