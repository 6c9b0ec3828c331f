"""What someone who picks the repository up relies on: the package carries the licence, its classifiers
are real ones, and every file copied from another project says where it comes from and keeps its licence
beside it (tests/data/README.md)."""

import re
import subprocess
import sys
import tarfile
import tomllib
from email.parser import HeaderParser

import pytest
from trove_classifiers import classifiers, deprecated_classifiers

from tools.registry import ROOT
from tools.terminal import copy_of_repository

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DATA = ROOT / "tests" / "data"
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")
# GitHub's names: an owner is letters, digits and hyphens; a repository may have dots and underscores too.
REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING)([.-].*)?")


def test_every_classifier_is_a_trove_classifier():
    unknown = [name for name in PROJECT["classifiers"] if name not in classifiers]
    deprecated = [name for name in PROJECT["classifiers"] if name in deprecated_classifiers]
    assert not unknown, f"not trove classifiers: {unknown}"
    assert not deprecated, f"deprecated trove classifiers: {deprecated}"


@pytest.mark.timeout(300)
def test_the_built_package_carries_the_licence(tmp_path):
    """`python -m build --sdist`, as a packager would run it: pip installs the build backend that
    pyproject.toml asks for into an environment of its own, which reads the licence as PEP 639 says."""
    source = copy_of_repository(tmp_path / "source")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path / "dist", source],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = sdist.name.removesuffix(".tar.gz")
        metadata = HeaderParser().parsestr(archive.extractfile(f"{top}/PKG-INFO").read().decode())
        licence = archive.extractfile(f"{top}/LICENSE").read().decode()
    assert metadata["License-Expression"] == PROJECT["license"] == "MIT"
    assert metadata.get_all("License-File") == PROJECT["license-files"] == ["LICENSE"]
    assert licence == (ROOT / "LICENSE").read_text()


def copies():
    """The items of tests/data/README.md's list (sub-items belong to their item), each as the copied
    files and folders its opening names and its text with the lines joined."""
    items = re.split(r"^- ", (DATA / "README.md").read_text(), flags=re.M)[1:]
    found = []
    for item in items:
        text = " ".join(item.split())
        opening = text.split(" — ")[0]
        named = re.findall(r"`([^`]+)`", opening)
        found.append(pytest.param(named, text, id=named[0] if named else text[:40]))
    return found


def files_under(path):
    """The file, or the files in the folder, that git tracks or would (not caches it ignores)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {ROOT / name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()}


def files_named(named, text):
    """The files an item of the list accounts for: those it opens with, the files of the folders it
    opens with, and any other file it names, from tests/data or from the folder of what it opens with."""
    folders = {DATA} | {(DATA / name) if (DATA / name).is_dir() else (DATA / name).parent for name in named}
    accounted = set()
    for name in named:
        accounted |= files_under(DATA / name)
    for name in re.findall(r"`([^`]+)`", text):
        accounted |= {folder / name for folder in folders if (folder / name).is_file()}
    return accounted


def test_every_file_in_tests_data_is_an_item_of_its_list():
    accounted = {DATA / "README.md"}
    for item in copies():
        accounted |= files_named(*item.values)
    unlisted = sorted(file.relative_to(DATA).as_posix() for file in files_under(DATA) - accounted)
    assert not unlisted, f"tests/data/README.md does not say where these come from: {unlisted}"


@pytest.mark.parametrize(("named", "text"), copies())
def test_every_copied_file_names_its_source_and_commit_and_keeps_its_licence_beside_it(named, text):
    assert named, f"this item names no copied file before its dash: {text[:80]}"
    missing = [name for name in named if not (DATA / name).exists()]
    assert not missing, f"tests/data has no {missing}"
    named_here = re.findall(r"`([^`]+)`", text)
    repositories = [name for name in named_here if REPOSITORY.fullmatch(name) and not (DATA / name).exists()]
    assert repositories, f"{named}: no repository named as `owner/name`"
    assert COMMIT.search(text), f"{named}: no commit (40 hexadecimal digits)"
    assert re.search("licen[cs]e", text, re.I), f"{named}: the item does not name the licence"
    listed = files_named(named, text)
    for copied in set().union(*(files_under(DATA / name) for name in named)):
        beside = [file for folder in folders_above(copied) for file in folder.iterdir() if licence_file(file)]
        assert beside, f"{copied.relative_to(DATA)}: no licence file in its folder"
        assert set(beside) <= listed, f"{copied.relative_to(DATA)}: its licence file is not named in the list"


def folders_above(file):
    """The folders from the file's own up to, not including, tests/data: a copy keeps its licence in a
    folder of its own, never in tests/data itself, where copies from other projects meet."""
    return [folder for folder in file.parents if DATA in folder.parents]


def licence_file(path):
    return path.is_file() and LICENCE_FILE.fullmatch(path.name) is not None
