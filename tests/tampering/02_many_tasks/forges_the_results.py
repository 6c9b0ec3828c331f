"""Tampering: makes the judge write "every test passed" as the kata's results, and downloads
nothing at all."""

import json

json.dumps = lambda *args, **kwargs: '{"02_many_tasks": {"passed": 6, "failed": [], "message": ""}}'


def download_all(files, download=None):
    print("All downloads finished.")
