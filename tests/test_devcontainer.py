"""The dev container and the VS Code settings give every learner the same ready set-up."""

import json
import re
import subprocess
import sys
import tomllib
import venv

import json5
import jsonschema
import pytest
from packaging.specifiers import SpecifierSet

from tests.readme import commands_under, setup_command
from tools.registry import ROOT, katas

DEVCONTAINER = json5.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
VSCODE_SETTINGS = json.loads((ROOT / ".vscode" / "settings.json").read_text())


def image_python():
    return re.search(r"/python:\d+-(\d+\.\d+)-", DEVCONTAINER["image"]).group(1)


def test_the_devcontainer_follows_the_dev_container_schema():
    schema = json.loads((ROOT / "tests" / "data" / "devContainer.base.schema.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(DEVCONTAINER)


def test_the_devcontainer_sets_up_with_the_readme_command_during_prebuilds():
    assert DEVCONTAINER["updateContentCommand"] == setup_command()


def test_ci_sets_up_with_the_readme_command():
    assert setup_command() in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_image_python_is_one_the_project_supports():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert image_python() in SpecifierSet(requires)


def test_every_file_the_codespace_opens_exists():
    for path in DEVCONTAINER["customizations"]["codespaces"]["openFiles"]:
        assert (ROOT / path).is_file(), path


def test_the_container_and_local_vscode_recommend_the_same_extensions():
    local = json.loads((ROOT / ".vscode" / "extensions.json").read_text())["recommendations"]
    assert DEVCONTAINER["customizations"]["vscode"]["extensions"] == local


def collected(*args):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(line for line in result.stdout.splitlines() if "::" in line)


def test_the_editor_test_explorer_lists_every_kata_test():
    every_kata = [test for kata in katas() for test in collected(f"katas/{kata.name}")]
    assert collected(*VSCODE_SETTINGS["python.testing.pytestArgs"]) == sorted(every_kata)


@pytest.mark.timeout(900)
def test_a_newcomer_gets_from_a_fresh_clone_to_the_first_lesson(tmp_path):
    clone = tmp_path / "katas"
    subprocess.run(["git", "clone", "--quiet", ROOT, clone], check=True)
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"}

    def run(command):
        return subprocess.run(command, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=600)

    installed = run(setup_command())
    assert installed.returncode == 0, installed.stderr[-3000:]
    first_run = run("pytest")
    assert first_run.returncode == 1, first_run.stdout[-3000:]
    assert "katas/01_start_and_join/kata.py" in first_run.stdout
    assert "Task 1 ran in MainThread" in first_run.stdout
    assert "ptw" in commands_under("Quick start")
