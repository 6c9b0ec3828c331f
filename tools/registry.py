"""The katas, in learning order, as listed in katas/katas.toml: the one list to change."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
SOLUTIONS_DIR = ROOT / "tests" / "solutions"
KATA_FILE = "kata.py"  # the one file a learner edits in each kata folder


def learner_file(name):
    """The file a learner edits in kata `name`, as git names it: katas/<name>/kata.py."""
    return f"{KATAS_DIR.name}/{name}/{KATA_FILE}"


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    hints: tuple[str, ...]
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


def katas(katas_dir=KATAS_DIR):
    with open(katas_dir / "katas.toml", "rb") as registry:
        entries = tomllib.load(registry)["kata"]
    return [Kata(entry["name"], entry["title"], tuple(entry["hints"]), katas_dir) for entry in entries]
