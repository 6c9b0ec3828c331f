"""A wrong solution to kata 02, kept to prove the tests reject it: args=(file_name) is not a tuple."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    threads = []
    for file_name in files:
        thread = threading.Thread(target=download, args=(file_name))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
