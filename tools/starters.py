"""A kata's starter kata.py as git has it: what `reset` puts back, what `verify` judges, and what the
plugin compares the learner's file with, so that runs of the untouched starter count for no hint."""

import subprocess

from tools.registry import ROOT, learner_file


class NoStarter(Exception):
    """git cannot give the starter: not a clone of the katas, or no such revision."""


def starter_source(path, given=None):
    """The commit to take the starter from: the one given, else origin's default branch, else
    the commit that first added the file."""
    if given:
        return given
    upstream = subprocess.run(["git", "rev-parse", "--verify", "-q", "origin/HEAD"], cwd=ROOT, capture_output=True)
    if upstream.returncode == 0:
        return "origin/HEAD"
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%h", "--", path], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    if not added:
        raise NoStarter(f"git has no starter for {path}; is this a clone of the katas repository?")
    return added[-1]


def starter_of(kata, given_source=None):
    """The path of a kata's kata.py, the starter's text as git has it, and the commit it came from."""
    path = learner_file(kata.name)
    source = starter_source(path, given_source)
    starter = subprocess.run(["git", "show", f"{source}:{path}"], cwd=ROOT, capture_output=True, text=True)
    if starter.returncode != 0:
        raise NoStarter(f"could not read {path} at {source}: {starter.stderr.strip()}")
    return path, starter.stdout, source


def is_untouched_starter(kata, kata_file):
    """Whether `kata_file` is the kata's starter, unchanged; False when git cannot tell."""
    try:
        _, starter, _ = starter_of(kata)
        return kata_file.read_text() == starter
    except (NoStarter, OSError, UnicodeDecodeError):
        return False
