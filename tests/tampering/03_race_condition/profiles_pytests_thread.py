"""Tampering: a list whose iteration, which runs in pytest's own thread, installs a profile function
there that turns every failed report into a pass."""

import sys


def passed(frame, event, result):
    if event == "return" and type(result).__name__ == "TestReport":
        result.outcome, result.longrepr = "passed", None


class Steps(list):
    def __iter__(self):
        sys.setprofile(passed)
        return super().__iter__()


LOST_UPDATE = Steps()
TWO_LOST = Steps()
