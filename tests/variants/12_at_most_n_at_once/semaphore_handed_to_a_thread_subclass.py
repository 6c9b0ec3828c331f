"""A correct solution to kata 12, written another way: the semaphore handed to each thread, and a Thread subclass."""

import threading
import time


def download(file):
    time.sleep(1)  # the server sends the file
    return f"saved {file}"


class Download(threading.Thread):
    def __init__(self, file, download, limit, results):
        super().__init__()
        self.file, self.download, self.limit, self.results = file, download, limit, results

    def run(self):
        with self.limit:
            try:
                self.results[self.file] = self.download(self.file)
            except OSError as error:
                self.results[self.file] = error


def download_all(files, download=download, at_most=3):
    results, limit = {}, threading.Semaphore(at_most)
    threads = [Download(file, download, limit, results) for file in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    print(download_all(["a.zip", "b.zip", "c.zip", "d.zip", "e.zip"], at_most=2))
