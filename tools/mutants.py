"""Mutation check: derive wrong solutions from each reference solution and judge each with the kata tests.

Each mutant is one mechanical change to `tests/solutions/<kata>.py`, run in a fresh pytest process.
Its verdict is one of:
- "lesson": rejected, and the first failure's message names a line of the mutant file (`<file>:<line>`);
- "whole file": rejected without a line, but the message is about the whole file (kata 03's data,
  a name the kata must define): the rule is that the message names something the file defines
  and shows no traceback;
- "poor": rejected with a traceback from tools/, "None" as a place, or no line and no lesson;
- "survived": every test passed.
"""

import ast
import copy
import hashlib
import json
import re
import subprocess
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.registry import ROOT
from tools.runner import fresh_pytest

EQUIVALENT = ROOT / "tests" / "equivalent_mutants.toml"


def equivalent(path=EQUIVALENT):
    """{"<kata>/<mutant id>": why}: the survivors reviewed as changes that leave the task done."""
    with open(path, "rb") as reviewed:
        groups = tomllib.load(reviewed)["equivalent"]
    return {mutant: group["why"] for group in groups for mutant in group["mutants"]}


def unexplained(verdicts, reviewed):
    """The poor messages and the survivors not in `reviewed`, as (kata, mutant, verdict, message)."""
    return [
        (name, mutant, verdict, message)
        for name, runs in verdicts.items()
        for mutant, verdict, message in runs
        if verdict == "poor" or (verdict == "survived" and f"{name}/{mutant.id}" not in reviewed)
    ]


@dataclass
class Mutant:
    id: str  # stable: the mutation's kind, its line and a hash of the mutant's source
    description: str
    source: str


def _statement_lists(tree):
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield node, field


def _is_call(node, name):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name


def _is_statement_call(statement, name):
    """`thing.name()` on a line of its own, with no arguments."""
    call = getattr(statement, "value", None) if isinstance(statement, ast.Expr) else None
    return _is_call(call, name) and not call.args and not call.keywords


def _statement(source):
    return ast.parse(source).body[0]


def _is_print(statement):
    call = getattr(statement, "value", None)
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print"


def _edits(tree):
    """(kind, line, change) triples; change(tree copy) mutates the copy in place."""
    for owner, field in _statement_lists(tree):
        body = getattr(owner, field)
        for index, statement in enumerate(body):
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
                yield "remove", statement.lineno, (owner, field, index, "remove")
            if index + 1 < len(body):
                yield "swap", statement.lineno, (owner, field, index, "swap")
            if isinstance(statement, ast.With):
                yield "drop-with", statement.lineno, (owner, field, index, "drop-with")
                if not any(item.optional_vars for item in statement.items):  # `with lock:`, not `with ... as x:`
                    yield "with-sleep", statement.lineno, (owner, field, index, "with-sleep")
            if _is_statement_call(statement, "join"):
                yield "join-busy-wait", statement.lineno, (owner, field, index, "join-busy-wait")
            if _is_print(statement):
                for target in range(len(body)):
                    if target not in (index, index + 1):
                        yield f"move-print-to-{body[target].lineno}", statement.lineno, (owner, field, index, target)
    for node in ast.walk(tree):
        if _is_call(node, "join") and not node.args and not node.keywords:
            yield "join-timeout", node.lineno, (node, "join-timeout")
            yield "join-sleep", node.lineno, (node, "join-sleep")
        if _is_call(node, "start"):
            yield "start-run", node.lineno, (node, "start-run")
        if isinstance(node, ast.Tuple) and len(node.elts) == 1:
            yield "missing-comma", node.lineno, (node, "missing-comma")
        if isinstance(node, ast.List) and len(node.elts) > 1 and all(isinstance(e, ast.Tuple) for e in node.elts):
            for index, element in enumerate(node.elts):
                yield "drop-entry", element.lineno, (node, index, "drop-entry")
                if index + 1 < len(node.elts):
                    yield "swap-entries", element.lineno, (node, index, "swap-entries")


def _apply(tree, change):
    """Apply one change, found in `tree`, to a deep copy of it; the copy's nodes are found by position."""
    paths = {id(node): path for path, node in _walk_with_paths(tree)}
    copied = copy.deepcopy(tree)
    found = dict(_walk_with_paths(copied))

    def same(node):
        return found[paths[id(node)]]

    match change:
        case (owner, field, index, "remove"):
            body = getattr(same(owner), field)
            del body[index]
            if not body:
                body.append(ast.Pass())
        case (owner, field, index, "swap"):
            body = getattr(same(owner), field)
            body[index], body[index + 1] = body[index + 1], body[index]
        case (owner, field, index, "drop-with"):
            body = getattr(same(owner), field)
            body[index : index + 1] = body[index].body
        case (owner, field, index, "with-sleep"):
            body = getattr(same(owner), field)
            body[index : index + 1] = [_statement("time.sleep(0.1)"), *body[index].body]
        case (owner, field, index, "join-busy-wait"):
            body = getattr(same(owner), field)
            thread = ast.unparse(body[index].value.func.value)
            body[index] = _statement(f"while {thread}.is_alive():\n    pass")
        case (owner, field, index, int(target)):
            body = getattr(same(owner), field)
            moved = body[index]
            body.insert(target, moved)
            del body[index + 1 if target < index else index]
        case (node, "join-timeout"):
            same(node).args = [ast.Constant(0.1)]
        case (node, "join-sleep"):
            call = same(node)
            call.func = ast.Attribute(ast.Name("time", ast.Load()), "sleep", ast.Load())
            call.args = [ast.Constant(1.2)]
        case (node, "start-run"):
            same(node).func.attr = "run"
        case (node, "missing-comma"):
            return _replace(copied, same(node), same(node).elts[0])
        case (node, index, "drop-entry"):
            del same(node).elts[index]
        case (node, index, "swap-entries"):
            elts = same(node).elts
            elts[index], elts[index + 1] = elts[index + 1], elts[index]
    return copied


def _walk_with_paths(node, path=()):
    yield path, node
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield from _walk_with_paths(item, (*path, field, index))
        elif isinstance(value, ast.AST):
            yield from _walk_with_paths(value, (*path, field))


def _replace(tree, old, new):
    class Replacer(ast.NodeTransformer):
        def visit(self, node):
            return new if node is old else super().visit(node)

    return Replacer().visit(tree)


def mutants(source):
    tree = ast.parse(source)
    original = ast.unparse(tree)
    seen = {original}
    found = []
    for kind, line, change in _edits(tree):
        mutated = ast.unparse(ast.fix_missing_locations(_apply(tree, change)))
        if mutated in seen:
            continue
        try:
            compile(mutated, "<mutant>", "exec")
        except SyntaxError:  # e.g. `global counter` moved after its use: not a mistake a learner's run would get to
            continue
        seen.add(mutated)
        if "time.sleep" in mutated and "import time" not in mutated:
            mutated = "import time\n" + mutated
        digest = hashlib.sha1(mutated.encode()).hexdigest()[:6]
        found.append(Mutant(f"{kind}@{line}-{digest}", f"{kind} at line {line}", mutated))
    return found


TRACEBACK = re.compile(r"Traceback|tools/\w+\.py|at None\b|<module '")


def classify(result, mutant_file):
    if result is None:
        return "poor", "the tests did not finish (no results written)"
    if not result["failed"]:
        return "survived", ""
    message = result["message"]
    if TRACEBACK.search(message):
        return "poor", message
    if re.search(rf"{re.escape(mutant_file.name)}:\d+", message):
        return "lesson", message
    # Data has no line where a thread did something: a lesson naming one of the file's constants, or
    # the file itself (a name it no longer defines), is about the file.
    if (re.search(r"\b[A-Z][A-Z_]{3,}\b", message) or mutant_file.name in message) and "Error" not in message:
        return "whole file", message
    return "poor", message


def judge(kata, mutant, folder):
    mutant_file = folder / f"{kata.name}-{mutant.id}.py"
    mutant_file.write_text(mutant.source)
    results = mutant_file.with_suffix(".json")
    subprocess.run(
        fresh_pytest(
            f"katas/{kata.name}", f"--kata-file={mutant_file}", "--all-katas", "-q", f"--kata-results={results}"
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    found = json.loads(results.read_text()).get(kata.name) if results.exists() else None
    return classify(found, mutant_file)


def check(chosen, workers=2):
    """{kata name: [(mutant, verdict, message)]}"""
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(workers) as pool:
        jobs = {
            kata.name: [(m, pool.submit(judge, kata, m, Path(scratch))) for m in mutants(kata.solution.read_text())]
            for kata in chosen
        }
        return {name: [(m, *job.result()) for m, job in runs] for name, runs in jobs.items()}


def report(verdicts, reviewed):
    """Print each kata's score and the poor and unexplained surviving mutants; 1 if there are any."""
    for name, runs in verdicts.items():
        counts = {
            kind: sum(verdict == kind for _, verdict, _ in runs)
            for kind in ("lesson", "whole file", "poor", "survived")
        }
        explained = sum(verdict == "survived" and f"{name}/{m.id}" in reviewed for m, verdict, _ in runs)
        print(
            f"{name}: {len(runs)} mutants, {counts['lesson']} rejected with a lesson, "
            f"{counts['whole file']} rejected with a whole-file lesson, {counts['poor']} poor message, "
            f"{counts['survived']} survived ({explained} reviewed as equivalent)"
        )
    bad = unexplained(verdicts, reviewed)
    for name, mutant, verdict, message in bad:
        first = message.strip().splitlines()[0] if message.strip() else ""
        print(f"  {verdict:8} {name}/{mutant.id}: {mutant.description}  {first[:100]}")
    return 1 if bad else 0
