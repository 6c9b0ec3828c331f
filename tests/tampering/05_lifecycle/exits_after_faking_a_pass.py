"""Tampering: prints what a passing pytest run prints, then kills its own process at once (the
tests turn os._exit() into a lesson, so it takes a signal)."""

import os
import signal

print("4 passed in 0.01s")
os.kill(os.getpid(), signal.SIGKILL)
