"""VS Code's Testing view, driven by the Python extension's own pytest adapter (tests/data/vscode_pytest).

Discovery and execution run the way the extension runs them (src/client/testing/testController/pytest/
pytestDiscoveryAdapter.ts and pytestExecutionAdapter.ts): the adapter on PYTHONPATH, a named pipe in
TEST_RUN_PIPE, the workspace's `python.testing.pytestArgs`, `--rootdir` set to the workspace, and the test
ids to run in a file named by RUN_TEST_IDS_PIPE. The JSON-RPC messages are read from the pipe as the
extension reads them, and each test's outcome and message are what the Testing view would show.

The adapter sends a test that fails while it is called as a `failure` whose message is pytest's report,
our lesson; an exception in a test's set-up becomes an `error` with the message "Test failed with
exception" (its pytest_report_teststatus and pytest_exception_interact hooks). So every kata verdict
must be reached inside the test call.
"""

import json
import os
import select
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.conftest import run_pytest
from tools.registry import SOLUTIONS_DIR, katas, learner_file
from tools.runner import fresh_pytest
from tools.terminal import environment_for

ADAPTER = Path(__file__).parent / "data" / "vscode_pytest"
MISTAKES = Path(__file__).parent / "mistakes"
PYTEST_ARGS = json.loads((Path(__file__).parent.parent / ".vscode" / "settings.json").read_text())[
    "python.testing.pytestArgs"
]
TIMEOUT = 120


def read_messages(pipe, command, cwd, env):
    """Run `command` and return the `params` of every JSON-RPC message it writes to the named pipe `pipe`.

    Like the extension on Linux and macOS: a FIFO opened for reading without blocking before the
    process starts, read until the process has ended; each message a `content-length` header block
    and a JSON body.
    """
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    received = bytearray()
    try:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            ended = process.poll() is not None
            readable, _, _ = select.select([reader], [], [], 0.05)
            chunk = os.read(reader, 65536) if readable else b""
            received += chunk
            if ended and not chunk:
                break
            if readable and not chunk:  # the adapter has closed the pipe: only its exit is left
                process.wait(TIMEOUT)
        else:
            process.kill()
        output = process.communicate()[0].decode(errors="replace")
    finally:
        os.close(reader)
    return process.returncode, output, [message["params"] for message in _json_rpc_messages(bytes(received))]


def _json_rpc_messages(data):
    messages = []
    while data:
        head, separator, data = data.partition(b"\r\n\r\n")
        assert separator, f"an incomplete header: {head!r}"
        headers = dict(line.split(": ", 1) for line in head.decode("ascii").split("\r\n"))
        length = int({key.lower(): value for key, value in headers.items()}["content-length"])
        body, data = data[:length], data[length:]
        message = json.loads(body)
        assert message["jsonrpc"] == "2.0"
        messages.append(message)
    return messages


def adapter_environment(workspace, pipe, **more):
    environment = {**os.environ, **environment_for(workspace), "TEST_RUN_PIPE": str(pipe), **more}
    environment["PYTHONPATH"] = os.pathsep.join([str(ADAPTER.parent), environment["PYTHONPATH"]])
    return environment


def discover(workspace, tmp_path):
    """The test ids the Testing view lists after discovery (pytestDiscoveryAdapter.ts)."""
    pipe = tmp_path / f"python-test-discovery-{uuid.uuid4().hex[:20]}"
    command = fresh_pytest("-p", "vscode_pytest", "--collect-only", *PYTEST_ARGS, cache=True)
    code, output, payloads = read_messages(
        pipe, [*command, f"--rootdir={workspace}"], workspace, adapter_environment(workspace, pipe)
    )
    assert code in (0, 5), output
    (payload,) = payloads
    assert payload["status"] == "success", payload["error"]
    return _test_ids(payload["tests"], payload.get("idBase", ""))


def _test_ids(node, id_base):
    """The run ids of the tests under `node`, made absolute as expandCompactDiscoveryPayload() does."""
    if node["type_"] == "test":
        path, separator, selector = node["runID"].partition("::")
        return [f"{Path(id_base, path)}{separator}{selector}"]
    return [test_id for child in node["children"] for test_id in _test_ids(child, id_base)]


def run_in_testing_view(workspace, tmp_path, test_ids):
    """Each test's result as the Testing view receives it (pytestExecutionAdapter.ts), by test id."""
    pipe = tmp_path / f"python-test-results-{uuid.uuid4().hex[:20]}"
    ids_file = tmp_path / f"test-ids-{uuid.uuid4().hex[:20]}.txt"
    ids_file.write_text("\n".join(test_ids))
    command = [sys.executable, str(ADAPTER / "run_pytest_script.py"), f"--rootdir={workspace}"]
    environment = adapter_environment(workspace, pipe, RUN_TEST_IDS_PIPE=str(ids_file))
    code, output, payloads = read_messages(pipe, command, workspace, environment)
    # A process that does not end with 0 turns every test into an `error` in the Testing view
    # (createExecutionErrorPayload in src/client/testing/testController/common/utils.ts).
    assert code == 0, output
    results = {}
    for payload in payloads:
        assert payload["status"] == "success", payload
        for test_id, result in payload["result"].items():
            assert test_id not in results, f"two results for {test_id}"
            results[test_id] = result
    assert sorted(results) == sorted(test_ids), output
    return results


def kata_of(test_id):
    return Path(test_id.split("::")[0]).parent.name


def name_of(test_id):
    return test_id.split("::")[1]


def lessons_from_plain_pytest(workspace, tmp_path):
    """The lesson plain pytest prints for each failing kata test, by test name, from its JUnit report."""
    report = tmp_path / "plain.xml"
    run_pytest("-p", "no:cacheprovider", f"--junitxml={report}", *PYTEST_ARGS, cwd=workspace)
    return {
        f"{case.get('classname').split('.')[-2]}::{case.get('name')}": case.find("failure").text
        for case in ElementTree.parse(report).iter("testcase")
        if case.find("failure") is not None
    }


def expect_only_passes_and_lessons(results):
    for test_id, result in results.items():
        assert result["outcome"] in ("success", "failure"), (test_id, result)
        assert result["traceback"] is None, (test_id, result)
        if result["outcome"] == "failure":
            assert "Traceback" not in result["message"] and "Test failed with exception" not in result["message"]


def test_the_starters_are_discovered_and_fail_with_their_lessons(learner_copy, tmp_path):
    test_ids = discover(learner_copy, tmp_path)
    collected = run_pytest("-p", "no:cacheprovider", "--collect-only", "-q", *PYTEST_ARGS, cwd=learner_copy)
    expected = [line for line in collected.stdout.splitlines() if "::" in line]
    assert sorted(test_ids) == sorted(f"{learner_copy}/{test_id}" for test_id in expected)
    assert {kata_of(test_id) for test_id in test_ids} == {kata.name for kata in katas()}

    results = run_in_testing_view(learner_copy, tmp_path, test_ids)
    expect_only_passes_and_lessons(results)
    failures = {
        f"{kata_of(test_id)}::{name_of(test_id)}": result["message"]
        for test_id, result in results.items()
        if result["outcome"] == "failure"
    }
    assert {name.split("::")[0] for name in failures} == {kata.name for kata in katas()}
    assert failures == lessons_from_plain_pytest(learner_copy, tmp_path)


NEVER_ENDS = (
    "import threading\n\nlock = threading.Lock()\ncounter = 0\n\n\n"
    "def increment(times):\n    while True:\n        pass\n"
)


def test_a_solved_a_broken_a_stuck_and_a_never_ending_kata_are_passes_and_lessons(learner_copy, tmp_path):
    for kata, source in {
        "01_start_and_join": SOLUTIONS_DIR / "01_start_and_join.py",
        "02_many_tasks": MISTAKES / "02_many_tasks" / "syntax_error.py",
    }.items():
        (learner_copy / learner_file(kata)).write_text(source.read_text())
    (learner_copy / learner_file("04_lock")).write_text(NEVER_ENDS)
    # A thread left waiting for ever, which must not keep the run from ending with 0.
    kata_05 = learner_copy / learner_file("05_lifecycle")
    stray = 'threading.Thread(target=threading.Event().wait, daemon=False, name="waits-forever").start()'
    kata_05.write_text(kata_05.read_text().replace("    return None", f"    {stray}\n    return None", 1))

    test_ids = discover(learner_copy, tmp_path)
    results = run_in_testing_view(learner_copy, tmp_path, test_ids)
    expect_only_passes_and_lessons(results)
    by_kata = {}
    for test_id in test_ids:
        by_kata.setdefault(kata_of(test_id), []).append((name_of(test_id), results[test_id]))

    assert {result["outcome"] for _, result in by_kata["01_start_and_join"]} == {"success"}

    for _, result in by_kata["02_many_tasks"]:
        assert result["outcome"] == "failure"
        assert result["message"].startswith(
            "katas/02_many_tasks/kata.py is not valid Python yet.\n  line 13: expected ':'"
        )

    (stuck_test, stuck), *not_run = by_kata["04_lock"]
    assert stuck["outcome"] == "failure"
    assert "is still running after 2 seconds: your code is stuck." in stuck["message"]
    assert "MainThread is at katas/04_lock/kata.py:8\n    8  while True:" in stuck["message"]
    assert not_run
    for _, result in not_run:
        assert result["outcome"] == "failure"
        lesson = " ".join(result["message"].split())  # folded to 80 columns for the terminal
        assert lesson == f"Not run: katas/04_lock/kata.py got stuck in {stuck_test} above."
