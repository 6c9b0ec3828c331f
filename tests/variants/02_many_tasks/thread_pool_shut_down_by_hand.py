"""A correct solution to kata 02, written another way: a thread pool shut down by hand before the print."""

import time
from concurrent.futures import ThreadPoolExecutor


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    pool = ThreadPoolExecutor(max_workers=len(files))
    futures = [pool.submit(download, file_name) for file_name in files]
    for future in futures:
        future.result()
    pool.shutdown()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
