"""The katas, in learning order, as listed in katas/katas.toml: the one list to change."""

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
SOLUTIONS_DIR = ROOT / "tests" / "solutions"
KATA_FILE = "kata.py"  # the one file a learner edits in each kata folder
KATA_FILES = ("README.md", "example.py", KATA_FILE, "test_kata.py")  # what every kata folder holds
KATA_NAME = re.compile(r"\d\d_[a-z0-9_]+")
TEST_CASES = ("mistakes", "variants", "tampering")  # tests/<these>/<kata name>/*.py


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
class Part:
    """A group of katas, in order: part 1 turns the lesson into katas, part 2 goes beyond it."""

    number: int
    title: str

    def __str__(self):
        return f"Part {self.number}: {self.title}"


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    hints: tuple[Hint, ...]  # every check's hints, in the order katas.toml lists them
    katas_dir: Path = field(default=KATAS_DIR, compare=False, repr=False)
    part: Part | None = None

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
    registry = _read(katas_dir)
    parts = _parts(registry)
    return [_kata(number, entry, katas_dir, parts) for number, entry in enumerate(registry.get("kata", []), start=1)]


def parts(katas_dir=KATAS_DIR):
    """The parts, in order, each with its katas in order: [(part, [kata, ...]), ...]."""
    listed = katas(katas_dir)
    return [(part, [kata for kata in listed if kata.part == part]) for part in _parts(_read(katas_dir)).values()]


def _read(katas_dir):
    try:
        with open(katas_dir / "katas.toml", "rb") as registry:
            return tomllib.load(registry)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"katas/katas.toml is not valid TOML: {error}") from None


def _parts(registry):
    found = {}
    for place, entry in enumerate(registry.get("part", []), start=1):
        if not isinstance(entry.get("title"), str):
            raise RegistryError(f'katas/katas.toml: [[part]] number {place} has no title = "...".')
        found[place] = Part(place, entry["title"])
    return found


def _kata(number, entry, katas_dir, parts):
    missing = [key for key in ("name", "title") if not isinstance(entry.get(key), str)]
    if missing:
        raise RegistryError(f"katas/katas.toml: [[kata]] number {number} has no {' and no '.join(missing)}.")
    part = entry.get("part")
    if part not in parts:
        raise RegistryError(
            f"katas/katas.toml: {entry['name']} has part = {part!r}; give it the number of one of the"
            f" [[part]] tables, counted from 1 in the order they are listed ({len(parts)} of them)."
        )
    hints = entry.get("hints", {})
    if not isinstance(hints, dict) or not all(
        isinstance(texts, list) and all(isinstance(text, str) for text in texts) for texts in hints.values()
    ):
        raise RegistryError(
            f"katas/katas.toml: the hints of {entry['name']} should be a table of lists of text,"
            ' [kata.hints] with lines like test_name = ["first hint", "second hint"].'
        )
    found = tuple(Hint(check, text) for check, texts in hints.items() for text in texts)
    return Kata(entry["name"], entry["title"], found, katas_dir, parts[part])


def checks(kata):
    """The kata's checks: the names of the test functions in its test_kata.py, in order."""
    tree = ast.parse((kata.folder / "test_kata.py").read_text())
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    return [node.name for node in tree.body if isinstance(node, functions) and node.name.startswith("test")]


def problems(root=ROOT):
    """What is wrong with the katas as a whole, one sentence each: katas.toml and the kata folders
    list the same katas; every kata has its files, a reference solution and a hint for every check;
    and no folder of solutions or test cases under tests/ names a kata that is not listed."""
    katas_dir = root / KATAS_DIR.name
    try:
        listed = katas(katas_dir)
    except FileNotFoundError:
        return ["there is no katas/katas.toml: it lists the katas, in order."]
    except RegistryError as error:
        return [str(error)]
    found = []
    names = [kata.name for kata in listed]
    found += [f"katas/katas.toml lists {name} more than once." for name in sorted(set(names)) if names.count(name) > 1]
    found += [
        f"katas/katas.toml lists {name!r}: a kata's name is two digits, an underscore and words,"
        " like 01_start_and_join."
        for name in names
        if not KATA_NAME.fullmatch(name)
    ]
    found += [
        f'katas/{name}/ is not in katas/katas.toml: add a [[kata]] with name = "{name}", or remove the folder.'
        for name in _folders(katas_dir)
        if name not in names
    ]
    found += [
        f"katas/katas.toml lists {later.name} (part {later.part.number}) after {earlier.name}"
        f" (part {earlier.part.number}): list the katas part by part, in order."
        for earlier, later in zip(listed, listed[1:], strict=False)
        if later.part.number < earlier.part.number
    ]
    found += [f"katas/katas.toml: {part} has no katas." for part, its in parts(katas_dir) if not its]
    for kata in listed:
        found += _problems_of(kata)
    tests = root / "tests"
    found += [
        f"tests/solutions/{path.name} is the solution of no kata in katas/katas.toml: rename or remove it."
        for path in sorted((tests / "solutions").glob("*.py"))
        if path.stem not in names
    ]
    found += [
        f"tests/{cases}/{name}/ names no kata in katas/katas.toml: rename or remove it."
        for cases in TEST_CASES
        for name in _folders(tests / cases)
        if name not in names
    ]
    return found


def _problems_of(kata):
    if not kata.folder.is_dir():
        return [f"katas/katas.toml lists {kata.name}, but there is no folder katas/{kata.name}/."]
    found = [
        f"katas/{kata.name}/ has no {name}: every kata folder has {', '.join(KATA_FILES)}."
        for name in KATA_FILES
        if not (kata.folder / name).is_file()
    ]
    if not kata.solution.is_file():
        found.append(f"{kata.name} has no reference solution: write tests/solutions/{kata.name}.py.")
    if not (kata.folder / "test_kata.py").is_file():
        return found
    try:
        tests = checks(kata)
    except SyntaxError as error:
        return [*found, f"katas/{kata.name}/test_kata.py is not valid Python: {error}"]
    hinted = list(dict.fromkeys(hint.check for hint in kata.hints))
    found += [
        f'{kata.name}: the check {test} has no hint: add {test} = ["..."] under {kata.name}\'s'
        " [kata.hints] in katas/katas.toml."
        for test in tests
        if test not in hinted
    ]
    found += [
        f"{kata.name}: katas/katas.toml has hints for {check}, but katas/{kata.name}/test_kata.py"
        " has no test of that name."
        for check in hinted
        if check not in tests
    ]
    return found


def _folders(folder):
    """The names of the folders in `folder`, leaving out hidden ones and caches."""
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir() if path.is_dir() and not path.name.startswith((".", "_")))
