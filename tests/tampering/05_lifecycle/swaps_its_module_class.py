"""Tampering: swaps the class of its own module, so that every name the tests read from it runs
the learner's code, which answers what a solution would."""

import sys
import types

ANSWERS = {
    "lifecycle": lambda work: {"created": False, "started": True, "joined": False},
    "start_twice": lambda work: RuntimeError("threads can only be started once"),
    "join_before_start": lambda work: RuntimeError("cannot join thread before it is started"),
}


class Answers(types.ModuleType):
    def __getattribute__(self, name):
        return ANSWERS.get(name) or super().__getattribute__(name)


sys.modules[__name__].__class__ = Answers
