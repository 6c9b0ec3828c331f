"""Tampering: prints what a passing pytest run prints, then ends the process at once."""

import os

print("4 passed in 0.01s")
os._exit(0)
