"""The lesson's second example: one thread per file, kept in a list, then all joined."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Downloaded {file_name}")


if __name__ == "__main__":
    files = ["file1.txt", "file2.txt", "file3.txt"]
    threads = []

    for file_name in files:
        thread = threading.Thread(target=download_file, args=(file_name,))
        thread.start()
        threads.append(thread)

    for thread in threads:
        thread.join()

    print("All downloads finished.")
