"""No wrong solution derived mechanically from a reference solution passes unnoticed, and none is
rejected with a poor message (python -m tools mutants, issue 8's mutation check)."""

import pytest

from tools import mutants
from tools.registry import katas


@pytest.fixture(scope="module")
def verdicts():
    return mutants.check(katas())


@pytest.mark.timeout(600)
def test_every_mutant_is_rejected_with_a_lesson_or_reviewed_as_equivalent(verdicts):
    bad = mutants.unexplained(verdicts, mutants.equivalent())
    assert not bad, "\n".join(
        f"{verdict} {name}/{mutant.id}: {message[:300]}" for name, mutant, verdict, message in bad
    )


def test_every_reviewed_mutant_still_survives(verdicts):
    survivors = {f"{name}/{m.id}" for name, runs in verdicts.items() for m, verdict, _ in runs if verdict == "survived"}
    assert set(mutants.equivalent()) - survivors == set()
