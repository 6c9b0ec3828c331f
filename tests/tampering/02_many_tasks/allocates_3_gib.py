"""Abuse: asks for 3 GiB of memory (with builtins alone, nothing the static gate looks for)."""

import threading


def download_all(files, download=None):
    blob = bytearray(3 << 30)
    threads = [threading.Thread(target=download, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("All downloads finished.", len(blob))
