"""Tampering: writes a results file that says every check passed, then leaves through posix._exit(0),
which the tests' stand-in for os._exit does not cover."""

import json
import posix
import sys

FORGED = {"passed": 4, "failed": [], "message": "FORGED", "line": None, "judge_changed": False}
for argument in sys.argv:
    if argument.startswith("--kata-results="):
        with open(argument.split("=", 1)[1], "w") as results:
            json.dump({"01_start_and_join": FORGED}, results)
posix._exit(0)
