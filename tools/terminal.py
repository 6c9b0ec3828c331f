"""A real terminal to drive `ptw` in, for the watch-mode tests and the benchmark (needs tmux),
and the copy of the repository a learner would have open in it."""

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tools.registry import ROOT

POLL = 0.02


def copy_of_repository(destination):
    """This working tree, copied without git's history or caches, as a learner would have it."""
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
    shutil.copytree(ROOT, destination, ignore=ignore)
    return destination


def environment_for(copy):
    """What a terminal in the copy has: this Python's commands (ptw, pytest) first, the copy's code importable."""
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(copy),
        "HOME": os.environ.get("HOME", str(copy)),
    }


class Terminal:
    """One tmux session running one command, read the way a person sees it."""

    def __init__(self, command, cwd, env, width=100, height=60):
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed: apt-get install tmux")
        self.name = f"katas-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), "-c", str(cwd)],
            check=True,
        )
        subprocess.run(["tmux", "send-keys", "-t", self.name, f"env {exports} {command}", "Enter"], check=True)

    def screen(self, with_colours=False, joined=False):
        """What the terminal shows; `joined`: each line that the terminal wrapped as one, to see what is too wide."""
        options = (["-e"] if with_colours else []) + (["-J"] if joined else [])
        return subprocess.run(
            ["tmux", "capture-pane", "-p", *options, "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, *texts, timeout=20.0):
        """Seconds until every one of `texts` is on the screen; fails with the screen after `timeout`."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            screen = self.screen()
            if all(text in screen for text in texts):
                return time.monotonic() - began
            time.sleep(POLL)
        raise AssertionError(f"not on the screen after {timeout} s: {texts}\n--- screen ---\n{self.screen()}")

    def press(self, *keys):
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
