"""A wrong solution to kata 02, kept to prove the tests reject it: a loop asks is_alive() without pausing."""

import threading
import time


def download_file(file_name):
    print(f"Downloading {file_name}...")
    time.sleep(1)
    print(f"Finished downloading {file_name}")


def download_all(files, download=download_file):
    threads = [threading.Thread(target=download, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        pass
    print("All downloads finished.")


if __name__ == "__main__":
    download_all(["file1.txt", "file2.txt", "file3.txt"])
