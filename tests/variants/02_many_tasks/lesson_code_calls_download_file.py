"""A correct solution to kata 02, written another way: the lesson's own loop, which starts
download_file() itself rather than the `download` it was handed."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


def download_all(files, download=download_file):
    threads = []
    for file_name in files:
        thread = threading.Thread(target=download_file, args=(file_name,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
