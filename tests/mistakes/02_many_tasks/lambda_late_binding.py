"""A wrong solution to kata 02, kept to prove the tests reject it: lambdas made in a loop all see its last file."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    threads = []
    for file_name in files:
        threads.append(threading.Thread(target=lambda: download(file_name)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
