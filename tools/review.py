"""The static gate: what in a kata.py reaches past threading into the interpreter, found by reading it.

A kata.py judged for a pull request or a grade is untrusted, and its code runs inside the tests that
judge it. The katas need threads, queues, futures, processes and a few plain helpers, and no kata
needs the interpreter's insides; code that reaches for them is how a kata.py would fool the tests.
So before it runs, its syntax tree is read, and each of these is a finding, with its line:
- an import of a module outside ALLOWED_MODULES (os, sys, ctypes, gc, tools, pytest ...), or a
  relative import; or a name of an allowed module that leads to another module (multiprocessing.os);
- a dunder name or attribute other than __name__ and __init__ (__class__, __globals__, __dict__ ...),
  a private attribute of something other than self (threading._shutdown), a frame's or code's insides
  (f_back, tb_frame, gi_frame ...);
- an assignment to (or deletion of) an attribute of a module (threading.Lock = ...);
- a builtin that reaches names by string or runs new code: getattr, setattr, delattr, globals, locals,
  vars, eval, exec, compile, __import__, open, breakpoint.
A finding is not a verdict that the code cheats; it fails a pull request's kata as "needs a teacher's
review" (the kata is still run, isolated, and its lesson shown), and ptw shows it as a warning. The
gate reads names, not meaning: code can still do harm through what the allowed modules offer, which
the operating system's isolation of the run (tools/isolation.py) is for.
"""

import ast
import importlib
import types
from dataclasses import dataclass

# What the katas and their lessons use, and the standard library's plain helpers a solution might.
ALLOWED_MODULES = frozenset(
    {
        "__future__",
        "threading",
        "time",
        "queue",
        "concurrent",
        "concurrent.futures",
        "multiprocessing",
        "functools",
        "itertools",
        "collections",
        "random",
        "math",
        "dataclasses",
        "typing",
    }
)
ALLOWED_DUNDERS = frozenset({"__name__", "__init__"})
RISKY_BUILTINS = {
    **dict.fromkeys(("getattr", "setattr", "delattr", "globals", "locals", "vars"), "reaches names by their text"),
    **dict.fromkeys(("eval", "exec", "compile", "__import__", "breakpoint"), "runs code that is not in the file"),
    "open": "opens files, which no kata needs",
}
INSIDES = frozenset(
    {
        "f_back",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_trace",
        "tb_frame",
        "tb_next",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
    }
)
REVIEW = "(needs a teacher's review)"


@dataclass(frozen=True)
class Finding:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


def findings(source):
    """What in `source` (a kata.py's text) needs a teacher's review, in order of lines; none for code
    that does not parse (the tests say so themselves)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    reader = _Reader()
    reader.visit(tree)
    return sorted(set(reader.found), key=lambda finding: finding.line)


def allowed(module):
    return module in ALLOWED_MODULES or any(module.startswith(f"{top}.") for top in ALLOWED_MODULES)


def lesson(found, kata_file):
    """The reviewer's note, as the learner and the teacher read it: its first paragraph says it all."""
    more = f" ({len(found) - 1} more line{'s' if len(found) > 2 else ''} below)" if len(found) > 1 else ""
    shown = "".join(f"\n  {kata_file}:{finding.line}  {finding.reason}" for finding in found[:5])
    if len(found) > 5:
        shown += f"\n  ... and {len(found) - 5} more"
    return (
        f"Needs a teacher's review: line {found[0].line} {found[0].reason}{more}.\n\n"
        f"This kata.py reaches past the threading it practises into the interpreter, which is how code"
        f" would fool the tests:{shown}\n"
        "A kata needs only threading, time, queue, concurrent.futures, multiprocessing and plain helpers"
        " (functools, itertools, collections, random, math, dataclasses, typing). Until a teacher has read"
        " it, the check counts this kata as failed."
    )


def warning(found, kata_file):
    """ptw's note, so that a pull request holds no surprise: lines of at most 80 columns."""
    lines = [f"A pull request's check will ask a teacher to review {kata_file}:"]
    lines += [f"  line {finding.line}: {finding.reason}"[:80] for finding in found[:3]]
    if len(found) > 3:
        lines.append(f"  ... and {len(found) - 3} more")
    lines.append("A kata needs only threading, time, queue, concurrent.futures, multiprocessing.")
    return lines


class _Reader(ast.NodeVisitor):
    def __init__(self):
        self.found = []
        self.modules = {}  # a name bound by an import -> the module it names

    def _note(self, node, reason):
        self.found.append(Finding(node.lineno, reason))

    def visit_Import(self, node):
        for alias in node.names:
            if not allowed(alias.name):
                self._note(node, f"imports {alias.name}, which no kata needs")
            elif alias.asname:
                self.modules[alias.asname] = alias.name
            else:
                self.modules[alias.name.split(".")[0]] = alias.name.split(".")[0]

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if node.level or not allowed(module):
            self._note(node, f"imports from {'.' * node.level}{module}, which no kata needs")
            return
        for alias in node.names:
            if alias.name.startswith("_") and alias.name not in ALLOWED_DUNDERS and module != "__future__":
                self._note(node, f"imports {alias.name}, a private part of {module}")
            full = f"{module}.{alias.name}"
            if _is_module(full):
                self.modules[alias.asname or alias.name] = full

    def visit_Name(self, node):
        if _dunder(node.id) and node.id not in ALLOWED_DUNDERS:
            self._note(node, f"uses {node.id}, the interpreter's own")
        elif node.id in RISKY_BUILTINS:
            self._note(node, f"uses {node.id}(), which {RISKY_BUILTINS[node.id]}")

    def visit_Attribute(self, node):
        name = node.attr
        if _dunder(name) and name not in ALLOWED_DUNDERS:
            self._note(node, f"uses .{name}, the interpreter's own")
        elif name in INSIDES:
            self._note(node, f"uses .{name}, the insides of running code")
        elif name.startswith("_") and not _dunder(name) and not _is_self(node.value):
            self._note(node, f"uses .{name}, a private part of another module or object")
        else:
            module = self._module_of(node)
            if module and _is_module(module) and not allowed(module):
                self._note(node, f"reaches the module {module} through {module.split('.')[0]}'s names")
        if isinstance(node.ctx, ast.Store | ast.Del) and self._module_of(node.value):
            self._note(node, f"changes {ast.unparse(node)}, a part of a module every test shares")
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        if _dunder(node.name) and node.name not in ALLOWED_DUNDERS:
            self._note(node, f"defines {node.name}, which changes how the interpreter treats an object")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _module_of(self, node):
        """The dotted name a chain of attributes of an imported module stands for, or None."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.modules:
            return None
        return ".".join([self.modules[node.id], *reversed(parts)])


def _dunder(name):
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_self(node):
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _is_module(dotted):
    """Whether `dotted`, a name reached from an allowed module, is a module (resolved in this trusted process,
    by importing only allowed modules)."""
    top, *rest = dotted.split(".")
    if not allowed(top):
        return False
    try:
        value = importlib.import_module(top)
    except ImportError:
        return False
    for part in rest:
        value = getattr(value, part, None)
        if value is None:
            return False
    return isinstance(value, types.ModuleType)
