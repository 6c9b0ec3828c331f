"""A wrong solution to kata 02, kept to prove the tests reject it."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    def download_each():
        for file_name in files:
            download(file_name)

    thread = threading.Thread(target=download_each)
    thread.start()
    thread.join()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
