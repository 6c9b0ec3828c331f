"""Tampering: an atexit function that rewrites the results the tests wrote into a pass, and leaves
with the status of a pass."""

import atexit
import json
import os
import sys


def forge():
    for argument in sys.argv:
        if argument.startswith("--kata-results="):
            path = argument.split("=", 1)[1]
            with open(path) as results:
                written = json.load(results)
            inner = json.loads(written["results"]) if "results" in written else written
            for result in inner.values():
                result["passed"], result["failed"], result["message"] = 6, [], "FORGED"
            if "results" in written:
                written["results"] = json.dumps(inner)
            else:
                written = inner
            with open(path, "w") as results:
                json.dump(written, results)
    os._exit(0)


atexit.register(forge)


def download_all(files, download=None):
    print("All downloads finished.")
