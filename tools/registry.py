"""The katas, in learning order, as listed in katas/katas.toml: the one list to change."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
SOLUTIONS_DIR = ROOT / "tests" / "solutions"
KATA_FILE = "kata.py"  # the one file a learner edits in each kata folder


class RegistryError(Exception):
    """katas/katas.toml cannot be read as a list of katas."""


def learner_file(name):
    """The file a learner edits in kata `name`, as git names it: katas/<name>/kata.py."""
    return f"{KATAS_DIR.name}/{name}/{KATA_FILE}"


@dataclass(frozen=True)
class Hint:
    check: str  # the test function of the kata's test_kata.py this hint helps with
    text: str


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    hints: tuple[Hint, ...]  # every check's hints, in the order katas.toml lists them
    katas_dir: Path = field(default=KATAS_DIR, compare=False, repr=False)

    @property
    def number(self):
        """The kata's number as the learner types and sees it: "01"."""
        return self.name.partition("_")[0]

    @property
    def folder(self):
        return self.katas_dir / self.name

    @property
    def kata_file(self):
        """The file the learner edits: katas/<name>/kata.py."""
        return self.folder / KATA_FILE

    @property
    def solution(self):
        return self.katas_dir.parent / "tests" / "solutions" / f"{self.name}.py"

    def hints_for(self, check):
        """The hints for one check, a test function's name (without parameters), gentlest first."""
        return [hint.text for hint in self.hints if hint.check == check]


def katas(katas_dir=KATAS_DIR):
    try:
        with open(katas_dir / "katas.toml", "rb") as registry:
            entries = tomllib.load(registry).get("kata", [])
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"katas/katas.toml is not valid TOML: {error}") from None
    return [_kata(number, entry, katas_dir) for number, entry in enumerate(entries, start=1)]


def _kata(number, entry, katas_dir):
    missing = [key for key in ("name", "title") if not isinstance(entry.get(key), str)]
    if missing:
        raise RegistryError(f"katas/katas.toml: [[kata]] number {number} has no {' and no '.join(missing)}.")
    hints = entry.get("hints", {})
    if not isinstance(hints, dict) or not all(
        isinstance(texts, list) and all(isinstance(text, str) for text in texts) for texts in hints.values()
    ):
        raise RegistryError(
            f"katas/katas.toml: the hints of {entry['name']} should be a table of lists of text,"
            ' [kata.hints] with lines like test_name = ["first hint", "second hint"].'
        )
    found = tuple(Hint(check, text) for check, texts in hints.items() for text in texts)
    return Kata(entry["name"], entry["title"], found, katas_dir)
