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
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.readme import commands_under, setup_command
from tools.registry import ROOT, katas
from tools.runner import fresh_pytest

DEVCONTAINER = json5.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
VSCODE_SETTINGS = json.loads((ROOT / ".vscode" / "settings.json").read_text())
DOCKERFILE = ROOT / ".devcontainer" / "Dockerfile"
# devcontainers/images, src/python/manifest.json: the image's current version and variants (see tests/data/README.md).
IMAGE_MANIFEST = json.loads((ROOT / "tests" / "data" / "devcontainers-images" / "python-manifest.json").read_text())


def image_tag():
    """The dev container image's major line, Python and Debian release, from the Dockerfile's FROM line."""
    image = re.search(r"^FROM (\S+)$", DOCKERFILE.read_text(), re.M).group(1)
    found = re.fullmatch(r"mcr\.microsoft\.com/devcontainers/python:(\d+)-(\d+\.\d+)-([a-z]+)", image)
    assert found, f"{image} is not a tag of the form <major line>-<Python>-<Debian release>"
    return int(found[1]), found[2], found[3]


def test_the_devcontainer_follows_the_dev_container_schema():
    schema = json.loads((ROOT / "tests" / "data" / "devcontainers-spec" / "devContainer.base.schema.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(DEVCONTAINER)


def test_the_devcontainer_sets_up_with_the_readme_command_during_prebuilds():
    assert DEVCONTAINER["updateContentCommand"] == setup_command()


def test_ci_sets_up_with_the_readme_maintainer_commands():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = commands_under("For maintainers")
    assert commands[0] == 'python -m pip install -e ".[dev]"'
    assert all(command in lines for command in commands)


def test_the_image_python_is_one_the_project_supports():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert image_tag()[1] in SpecifierSet(requires)


def test_the_container_is_built_from_the_dockerfile_that_dependabot_updates():
    assert "image" not in DEVCONTAINER
    assert (DOCKERFILE.parent / DEVCONTAINER["build"]["dockerfile"]) == DOCKERFILE
    updates = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())["updates"]
    assert {"package-ecosystem": "docker", "directory": "/.devcontainer"}.items() <= next(
        update for update in updates if update["package-ecosystem"] == "docker"
    ).items()


def test_the_image_is_on_the_current_major_line_and_has_its_variant():
    major, python, debian = image_tag()
    assert major == int(IMAGE_MANIFEST["version"].split(".")[0]), (
        f"the image is on major line {major}, the current one is {IMAGE_MANIFEST['version']}"
    )
    assert f"{python}-{debian}" in IMAGE_MANIFEST["variants"]


def test_dependabot_moves_the_image_to_new_major_lines_but_keeps_its_python():
    # Dependabot reads the tag 4-3.12-trixie as version 4.3.12 (dependabot-core,
    # docker/lib/dependabot/docker/tag.rb), considers only versions newer than the current one, and
    # skips those an ignore range matches (update_checker.rb). The ranges are RubyGems requirements;
    # for plain release numbers they compare as PEP 440's do.
    updates = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())["updates"]
    docker = next(update for update in updates if update["package-ecosystem"] == "docker")
    ranges = [SpecifierSet(versions) for rule in docker["ignore"] for versions in rule["versions"]]
    major, python, _ = image_tag()
    for line in range(major, major + 6):
        for other in ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15"):
            version = f"{line}.{other}"
            if Version(version) <= Version(f"{major}.{python}"):
                continue
            ignored = any(version in versions for versions in ranges)
            assert ignored == (other != python), f"Dependabot would {'skip' if ignored else 'propose'} {version}"


def test_every_file_the_codespace_opens_exists():
    for path in DEVCONTAINER["customizations"]["codespaces"]["openFiles"]:
        assert (ROOT / path).is_file(), path


def test_the_container_and_local_vscode_recommend_the_same_extensions():
    local = json.loads((ROOT / ".vscode" / "extensions.json").read_text())["recommendations"]
    assert DEVCONTAINER["customizations"]["vscode"]["extensions"] == local


def collected(*args):
    result = subprocess.run(
        fresh_pytest("--collect-only", "-q", *args),
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


@pytest.mark.timeout(900)
def test_the_learner_setup_installs_no_maintainer_tool():
    """How big and how fast the learner's set-up is, is the script's output; here only what it installs."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.learner_setup", "--no-wheels"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary, installed = re.search(r"^(Python .*)\n  (.*)$", result.stdout, re.M).groups()
    assert re.search(r"[\d.]+ s, [\d.]+ MB added \([\d.]+ MB in the environment\), \d+ packages", summary), summary
    names = {entry.split()[0] for entry in installed.split(", ")}
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    maintainer_tools = {re.match(r"[\w.-]+", requirement).group().lower() for requirement in dev}
    assert not names & maintainer_tools
    assert {"pytest", "pytest-timeout", "pytest-watch", "ruff"} <= names
