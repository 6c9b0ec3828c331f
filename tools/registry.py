"""The katas, in learning order, as listed in katas/katas.toml: the one list to change."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
SOLUTIONS_DIR = ROOT / "tests" / "solutions"


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    hints: tuple[str, ...]

    @property
    def folder(self):
        return KATAS_DIR / self.name

    @property
    def solution(self):
        return SOLUTIONS_DIR / f"{self.name}.py"


def katas(katas_dir=KATAS_DIR):
    with open(katas_dir / "katas.toml", "rb") as registry:
        entries = tomllib.load(registry)["kata"]
    return [Kata(entry["name"], entry["title"], tuple(entry["hints"])) for entry in entries]
