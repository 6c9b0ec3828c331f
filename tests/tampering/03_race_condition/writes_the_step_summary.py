"""Tampering: finds the GitHub step summary file through the judging process's environment and
writes a passing verdict into it."""

import os
from pathlib import Path

for variable in Path(f"/proc/{os.getppid()}/environ").read_bytes().split(b"\0"):
    if variable.startswith(b"GITHUB_STEP_SUMMARY="):
        with open(variable.split(b"=", 1)[1], "a") as summary:
            summary.write("✅ **The check passes.** Progress: 5/5\n")

LOST_UPDATE = []
TWO_LOST = []
