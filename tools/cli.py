"""The katas' command line: python -m tools COMMAND (add --help to any command)."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tools import classroom50, mutants, progress, registry, starters, submission
from tools.registry import KATA_FILE, KATAS_DIR, ROOT, katas
from tools.runner import fresh_pytest

ANSI = {"green": "32", "yellow": "33", "red": "31", "bold": "1"}
WIDTH = 80  # the columns our output and help take at most, as the lessons in ptw


def say(text, indent="", file=None):
    """Print prose folded to WIDTH columns; continuation lines get `indent`."""
    print(textwrap.fill(text, WIDTH, subsequent_indent=indent, break_on_hyphens=False), file=file)


class UsageError(Exception):
    """A command the learner can correct: said on stderr, with exit status 2."""


def find_kata(name):
    """The kata a learner means by "02", "2", "many_tasks" or "katas/02_many_tasks"."""
    wanted = Path(name.strip().rstrip("/")).name
    for kata in katas():
        words = kata.name.partition("_")[2]
        if wanted in (kata.name, kata.number, kata.number.lstrip("0"), words):
            return kata
    known = ", ".join(kata.name for kata in katas())
    raise UsageError(f"there is no kata {name!r}. The katas are: {known}")


def styled(text, markup, stream=sys.stdout):
    codes = [ANSI[name] for name, on in markup.items() if on]
    if not codes or os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return f"\033[{';'.join(codes)}m{text}\033[0m"


def pytest(*args, capture=True, cache=False):
    return subprocess.run(
        fresh_pytest(*args, cache=cache),
        cwd=ROOT,
        capture_output=capture,
        text=True,
        check=False,
    )


def show_progress(args):
    with tempfile.TemporaryDirectory() as scratch:
        results_file = Path(scratch) / "results.json"
        pytest("-q", "--kata-results", results_file, "katas")
        found = json.loads(results_file.read_text())
    results = {name: progress.KataResult(**result) for name, result in found.items()}
    for text, markup in progress.lines(results, unicode=progress.can_print_unicode()):
        print(styled(text, markup))
    return 0


def show_hint(args):
    """The next hint for the check that fails first: of the kata in focus, or of the kata named."""
    kata = find_kata(args.kata) if args.kata else None
    if args.all:
        if kata is None:
            raise UsageError("--all shows every hint of one kata: name it, as in python -m tools hint 02 --all")
        return show_every_hint(kata)
    with tempfile.TemporaryDirectory() as scratch:
        results_file, hint_file = Path(scratch) / "results.json", Path(scratch) / "hint.json"
        counting = [] if args.number else ["--next-hint", hint_file]
        # With pytest's cache, where ptw counts failing runs: each call shows one more hint than the last.
        pytest("-q", "--kata-results", results_file, *counting, kata.folder if kata else KATAS_DIR, cache=True)
        if not results_file.exists():
            raise UsageError("the kata tests did not run; run pytest to see why")
        found = json.loads(results_file.read_text())
        counted = json.loads(hint_file.read_text()) if counting else {}
    results = {name: progress.KataResult(**result) for name, result in found.items()}
    focus = progress.focus(results)
    if focus is None:
        if kata is None:
            say("Every kata is solved: no check fails, so there is no hint to give.")
        else:
            say(f"Kata {kata.number}, {kata.title}, is solved: every check passes.")
            say(f"All its hints: python -m tools hint {kata.number} --all")
        return 0
    kata, test = focus
    hints = kata.hints_for(progress.check_of(test))
    count = min(args.number or counted.get("shown", 1), len(hints))
    say(f"Kata {kata.number}, {kata.title}. The check that fails first:")
    say(f"  {test}")
    if not hints:
        say("  (no hints for this check yet)")
    for number, hint in enumerate(hints[:count], start=1):
        say(f"  {number}. {hint}", indent="     ")
    if count < len(hints):
        again = "python -m tools hint" + (f" {kata.number}" if args.kata else "")
        say(f"Hint {count} of {len(hints)} for this check. For the next one: {again}")
    elif hints:
        say("That is every hint for this check.")
        say(f"Every hint of kata {kata.number}: python -m tools hint {kata.number} --all")
    return 0


def show_every_hint(kata):
    say(f"Hints for kata {kata.number}, {kata.title}:")
    if not kata.hints:
        say("  (none yet)")
    check = None
    for number, hint in enumerate(kata.hints, start=1):
        if hint.check != check:
            check, number = hint.check, 1
            say(f" For the check {check}:")
        say(f"  {number}. {hint.text}", indent="     ")
    return 0


def starter_of(kata, given_source):
    """The path of a kata's kata.py, the starter's text as git has it, and the commit it came from."""
    try:
        return starters.starter_of(kata, given_source)
    except starters.NoStarter as error:
        raise UsageError(str(error)) from None


def reset_kata(args):
    kata = find_kata(args.kata)
    path, starter, source = starter_of(kata, args.source)
    current = ROOT / path
    if current.exists() and current.read_text() == starter:
        say(f"{path} is already the starter; nothing to do.")
        return 0
    backup = current.with_name("kata.py.orig")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(f"not replacing {path} without asking; run again with --yes to replace it.")
        say(f"Replace {path} with the starter? Your version is kept in {backup.name}.")
        answer = input("[y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            say("Nothing changed.")
            return 1
    if current.exists():
        backup.write_text(current.read_text())
        say(f"Your version is kept in {backup.relative_to(ROOT).as_posix()}.")
    current.write_text(starter)
    say(f"{path} is the starter again (from {source}).")
    return 0


def verify(args):
    """The registry as a whole is sound, every starter, as git has it, fails its tests and every
    reference solution passes them."""
    ok, problem = styled("ok", {"green": True}), styled("PROBLEM", {"red": True})
    found = registry.problems()
    whole = problem if found else f"lists every kata folder; each complete, hinted  {ok}"
    width = max(len("katas/katas.toml"), *(len(folder.name) for folder in KATAS_DIR.iterdir() if folder.is_dir()))
    print(f"{'katas/katas.toml':<{width}} {whole}")
    for sentence in found:
        say(f"  - {sentence}", indent="    ")
    try:
        chosen = [find_kata(name) for name in args.katas] if args.katas else katas()
    except registry.RegistryError:
        return 1
    all_good = not found
    part = None
    for kata in chosen:
        if kata.part != part:
            part = kata.part
            print(part)
        if not all(path.is_file() for path in (kata.kata_file, kata.folder / "test_kata.py", kata.solution)):
            all_good = False
            print(f"{kata.name:<{width}} not judged: its files are missing (see above)  {problem}")
            continue
        _, starter, _ = starter_of(kata, args.source)
        with tempfile.TemporaryDirectory() as scratch:
            # The working kata.py may be the learner's solution; judge the starter in its place.
            starter_file = Path(scratch) / KATA_FILE
            starter_file.write_text(starter)
            starter_fails = pytest("-q", kata.folder, f"--kata-file={starter_file}").returncode == 1
        solution_passes = pytest("-q", kata.folder, f"--kata-file={kata.solution}").returncode == 0
        good = starter_fails and solution_passes
        all_good &= good
        verdict = ok if good else problem
        print(
            f"{kata.name:<{width}} starter fails: {'yes' if starter_fails else 'NO '}"
            f"  solution passes: {'yes' if solution_passes else 'NO '}  {verdict}"
        )
    return 0 if all_good else 1


def check_mutants(args):
    """Run the kata tests on mechanical mutants of each reference solution and print each kata's score."""
    chosen = [find_kata(name) for name in args.katas] if args.katas else katas()
    return mutants.report(mutants.check(chosen), mutants.equivalent())


def check_submission(args):
    only = find_kata(args.kata).name if args.kata else None
    return submission.check(ROOT, args.base, args.head, lint_level=args.lint, only=only)


def write_classroom50_bundle(args):
    folder = Path(args.folder)
    try:
        commit, size, uncommitted = classroom50.write_bundle(folder)
    except classroom50.BundleError as error:
        raise UsageError(str(error)) from None
    say(f"Wrote the Classroom 50 autograder of commit {commit[:12]} into {folder} ({size // 1024} KiB compressed).")
    if uncommitted:
        say(
            "Note: katas/, tools/ or the settings have uncommitted changes; the bundle has them as they are"
            " in that commit, without the changes."
        )
    say(
        f"Next: copy {folder.name}/ to <classroom>/autograders/<assignment>/ in your classroom50 repository,"
        " commit and push; Classroom 50 publishes it and grades every submission with it."
    )
    return 0


def help_formatter(prog):
    """argparse's help, at most WIDTH columns wide even on a wider terminal."""
    return argparse.HelpFormatter(prog, width=min(WIDTH, shutil.get_terminal_size().columns - 2))


def parser():
    commands = argparse.ArgumentParser(
        prog="python -m tools",
        description="Progress, hints and maintenance for the threading katas.",
        formatter_class=help_formatter,
    )
    sub = commands.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_command(name, **details):
        return sub.add_parser(name, formatter_class=help_formatter, **details)

    def add_starter_source(command):
        command.add_argument(
            "--from",
            dest="source",
            metavar="REV",
            help="git revision to take starters from (default: origin/HEAD, else the commit that added them)",
        )

    add_command("progress", help="which katas are solved, and what to do next").set_defaults(run=show_progress)

    hint = add_command(
        "hint",
        help="a hint for the check that fails; one more each time",
        description="Run the kata tests and show the hints for the check that fails first, one more each time"
        " you ask (ptw's own hint after three failing runs is the newest one shown here).",
    )
    hint.add_argument("kata", nargs="?", help="the kata: 02, 02_many_tasks or many_tasks (default: the one in focus)")
    hint.add_argument("number", nargs="?", type=int, help="show hints 1 to NUMBER of that check, without counting")
    hint.add_argument("--all", action="store_true", help="show every hint of the kata, for every check")
    hint.set_defaults(run=show_hint)

    reset = add_command("reset", help="put a kata's starter kata.py back, keeping yours in kata.py.orig")
    reset.add_argument("kata", help="the kata: 02, 02_many_tasks or many_tasks")
    reset.add_argument("--yes", action="store_true", help="do not ask before replacing the file")
    add_starter_source(reset)
    reset.set_defaults(run=reset_kata)

    check = add_command(
        "verify",
        help="for maintainers: the registry is sound, every starter fails, every reference solution passes",
        description="Check katas/katas.toml against the kata folders, the solutions and the checks' hints,"
        " then judge each kata's starter, taken from git as reset takes it, and its reference solution.",
    )
    check.add_argument("katas", nargs="*", help="katas to check (default: all)")
    add_starter_source(check)
    check.set_defaults(run=verify)

    mutate = add_command("mutants", help="for maintainers: which wrong solutions the kata tests reject, and how")
    mutate.add_argument("katas", nargs="*", help="katas to check (default: all)")
    mutate.set_defaults(run=check_mutants)

    pull = add_command(
        "check-submission",
        help="judge a pull request: the head's kata.py files against the base's tests",
        description=submission.__doc__.split("\n\n")[0],
    )
    pull.add_argument("--base", required=True, metavar="REV", help="the commit the pull request goes into")
    pull.add_argument("--head", default="HEAD", metavar="REV", help="the pull request's commit (default: HEAD)")
    pull.add_argument(
        "--lint",
        choices=("warning", "error"),
        default=os.environ.get("KATAS_LINT", "warning"),
        help="what ruff findings in the learner's files are: a warning (default) or an error that fails the check;"
        " the KATAS_LINT environment variable sets the default",
    )
    pull.add_argument(
        "--kata",
        metavar="KATA",
        help="judge only this kata, and exit 0 exactly when it is solved (one point per kata, for autograding)",
    )
    pull.set_defaults(run=check_submission)

    bundle = add_command(
        "classroom50-bundle",
        help="for teachers: write a Classroom 50 autograder for this repository's katas",
        description="Write the folder Classroom 50 grades an assignment with: autograder.py, the judge's"
        " requirements, and the katas, tools and settings of the current commit (git's HEAD, not the working"
        " tree). Commit the folder as <classroom>/autograders/<assignment>/ in your classroom50 repository."
        " Each submission's katas/*/kata.py files are then judged as a pull request is, one point per kata.",
    )
    bundle.add_argument("folder", metavar="DIR", help="the folder to write: new, empty, or an earlier bundle")
    bundle.set_defaults(run=write_classroom50_bundle)
    return commands


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        say(f"python -m tools {args.command}: error: {error}", file=sys.stderr)
        return 2
    except registry.RegistryError as error:
        say(f"python -m tools {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        say("Stopped (Ctrl-C).", file=sys.stderr)
        return 130
