"""Each kata's run, isolated by the operating system: the judge's way of running untrusted code.

The kata's tests run the learner's code in their own process, so that process is treated as
hostile. Where the judge is root, or has passwordless sudo (as GitHub's runners do), the process
runs, with util-linux's tools:
- as an unprivileged user (`nobody`), which owns nothing but the kata's own folder and a home
  folder for its results: the judge's copy, the installation and the runner's files are not
  its to write;
- without a network (a network namespace of its own, with nothing in it);
- in a PID and mount namespace of its own, with its own /proc, so that it sees no process of the
  judge, and every process it starts dies with it (the kernel ends a namespace with its first
  process, here a shell that waits for the kata's Python);
- with an environment built from an allow-list, and the base interpreter (bind-mounted read-only
  where the user can reach it) started isolated (-I: no user site, no PYTHON* variables, not the
  current folder; -S: no site-packages but the judge's own, added by BOOTSTRAP; -B: no bytecode);
- with limits (below) on memory, processes, file size, CPU time and open files, and a wall time.
Its output is read in chunks, and only its head and tail are kept.

Elsewhere (no root and no sudo, or the unprivileged user cannot run this Python) the run gets
the limits, a process group and a child subreaper, and the verdict says that it was not isolated.
"""

import contextlib
import ctypes
import os
import resource
import selectors
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

UNPRIVILEGED_USER = 65534  # nobody: owns no file the judge runs from, and (on a runner) runs no process
# Limits, and why these: the kata tests need well under 200 MiB and a few dozen threads; kata 06's pool
# starts a few processes. An abuse meets a limit long before it can hurt the runner or the job's time.
MEMORY_BYTES = 1 << 30  # address space: a 3 GiB list stops at 1 GiB with a MemoryError
PROCESSES = 256  # per user, threads included: 200 threads or forks is an abuse
FILE_BYTES = 16 << 20  # largest file the run may write
CPU_SECONDS = 30  # CPU time: the wall time ends a run first unless it spins on both cores
OPEN_FILES = 256
WALL_SECONDS = 15  # six katas that each abuse time end in 90 s, inside the job's 15 minutes
OUTPUT_KEPT = 64 << 10  # bytes of output kept from the start, and again from the end
# What the kata's environment holds: nothing of the runner's (no GITHUB_*, ACTIONS_*, RUNNER_*, tokens).
PASSED_ON = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")
# glibc reserves 64 MiB of address space per thread's malloc arena: a few arenas keep threads inside the limit.
FIXED_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "MALLOC_ARENA_MAX": "2", "PYTHONHASHSEED": "0"}
# The kata's Python: its own folder first, then the judge's site-packages (with their .pth files), no other.
BOOTSTRAP = (
    "import os, site, sys\n"
    "sys.path[:0] = sys.argv[1].split(os.pathsep)\n"
    "for folder in sys.argv[2].split(os.pathsep):\n"
    "    site.addsitedir(folder)\n"
    "del sys.argv[1:3]\n"
    "import pytest\n"
    "raise SystemExit(pytest.main())\n"
)
# Run as root inside the new namespaces: the judge's Python made readable where it may not be (under
# /root, say), read-only; then the kata as the unprivileged user, with its limits, waited for by this
# shell, the namespace's first process, whose end ends every process the kata left.
INIT = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 125\nshift 2\n"$@"\nexit $?\n'


@dataclass
class Outcome:
    status: int | None  # the exit status, negative for a signal; None if the run was ended at its wall time
    output: str  # the head and the tail of what it printed


class Sandbox:
    """How this judge runs kata processes; `isolated` says whether by another user in namespaces of
    their own, `why_not` why not."""

    def __init__(self, scratch):
        self.scratch = Path(scratch)
        self.python_home = Path(sys.base_prefix).resolve()
        # The base interpreter, not a virtual environment's (whose pyvenv.cfg leads back to the base by its
        # own path, which the unprivileged user may not reach): its site-packages are added by the bootstrap.
        self.python = _base_interpreter(self.python_home)
        self.site_folders = [folder for folder in site.getsitepackages() if os.path.isdir(folder)]
        self.mount_point = self.scratch / "python"
        self.prefix, self.why_not = self._privilege()
        self.isolated = self.prefix is not None
        if self.isolated:
            self.scratch.chmod(0o711)  # the kata may reach its own copy, not list the others
            self.mount_point.mkdir()
            self.make_reachable(*self.site_folders)
            probe = self.run(
                ["-c", "import os, sys; sys.exit(not all(os.access(f, os.R_OK | os.X_OK) for f in sys.argv[1:]))"]
                + self.site_folders,
                cwd=self.scratch,
                home=self.scratch,
                python_path=[],
                bootstrap=False,
            )
            if probe.status != 0:
                self.isolated, self.prefix = False, None
                self.why_not = (
                    f"the unprivileged user could not start Python, or read its site-packages:"
                    f" {probe.output.strip()[-200:] or probe.status}"
                )
        if not self.isolated:
            _become_subreaper()

    @staticmethod
    def _privilege():
        if not all(shutil.which(tool) for tool in ("unshare", "setpriv", "prlimit", "mount")):
            return None, "util-linux's unshare, setpriv or prlimit is missing"
        if os.geteuid() == 0:
            return [], None
        if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
            return ["sudo", "-n"], None
        return None, "the judge is not root and has no passwordless sudo"

    def describe(self):
        """One line for the summary: how the katas ran."""
        if self.isolated:
            return (
                f"Each kata ran as an unprivileged user, in a process namespace of its own, with at most"
                f" {MEMORY_BYTES >> 30} GiB of memory, {PROCESSES} processes and {WALL_SECONDS} s."
            )
        return f"⚠️ The katas ran without the operating system's isolation: {self.why_not}."

    def give(self, path):
        """Hand `path` (not what is in it) over to the unprivileged user, for the kata's process to write."""
        self._own(path, UNPRIVILEGED_USER, recursive=False)

    def make_reachable(self, *folders):
        """Let the unprivileged user pass through the temporary folders above `folders` (a judge's scratch
        folder is its owner's alone), without letting it list them."""
        if not self.isolated:
            return
        temporary = Path(tempfile.gettempdir()).resolve()
        for folder in folders:
            for above in Path(folder).resolve().parents:
                if above == temporary or temporary not in above.parents:
                    break
                mode = above.stat().st_mode
                if not mode & 0o001:
                    with contextlib.suppress(OSError):  # not ours: the run will say what it cannot reach
                        above.chmod(mode | 0o001)

    def reclaim(self, folder):
        """Take back what the kata's process made, so that the judge can remove it."""
        self._own(folder, os.geteuid(), recursive=True)

    def _own(self, path, user, recursive):
        if not self.isolated:
            return
        if self.prefix:
            flags = ["-R"] if recursive else []
            subprocess.run([*self.prefix, "chown", "-h", *flags, f"{user}:{user}", str(path)], check=False)
            return
        paths = [path]
        if recursive:
            paths += [Path(top) / name for top, dirs, files in os.walk(path) for name in (*dirs, *files)]
        for each in paths:
            with contextlib.suppress(OSError):
                os.chown(each, user, user, follow_symlinks=False)

    def run(self, arguments, cwd, home, python_path, bootstrap=True, timeout=WALL_SECONDS):
        """`python -m pytest *arguments` (or `python *arguments` without `bootstrap`) as the kata's process,
        with `python_path` importable first and `home` its home; its outcome once it and all it started ended."""
        environment = {key: os.environ[key] for key in PASSED_ON if key in os.environ}
        environment |= {**FIXED_ENVIRONMENT, "HOME": str(home), "TMPDIR": str(home)}
        python_arguments = ["-I", "-S", "-B"]
        if bootstrap:
            folders = [os.pathsep.join(map(str, python_path)), os.pathsep.join(self.site_folders)]
            python_arguments += ["-c", BOOTSTRAP, *folders]
        python_arguments += arguments
        if self.isolated:
            inside = self.mount_point / self.python.relative_to(self.python_home)
            command = [
                *self.prefix,
                "unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--propagation=private",
                "--net",
                "--", "sh", "-c", INIT, "init", str(self.python_home), str(self.mount_point),
                "setpriv", f"--reuid={UNPRIVILEGED_USER}", f"--regid={UNPRIVILEGED_USER}", "--clear-groups",
                "--no-new-privs",
                "--", "prlimit", *_prlimit_options(), "--",
                "env", "-i", *[f"{key}={value}" for key, value in environment.items()],
                str(inside), *python_arguments,
            ]  # fmt: skip
            child = subprocess.Popen(
                command, cwd=cwd, env={"PATH": os.environ.get("PATH", FIXED_ENVIRONMENT["PATH"])}, **_PIPES
            )
        else:
            command = [sys.executable, *python_arguments]
            child = subprocess.Popen(
                command, cwd=cwd, env=environment, preexec_fn=_set_limits, start_new_session=True, **_PIPES
            )
        output, timed_out = _read_output(child, timeout)
        if self.isolated:
            # unshare (or sudo, which passes the signal on to it): its namespace, and every process
            # in it, goes with it
            child.terminate()
            try:
                status = child.wait(1)
            except subprocess.TimeoutExpired:
                child.kill()
                status = child.wait()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            status = child.wait()
            _end_orphans()
        if self.isolated and 128 < status <= 128 + 64:  # the shell's way of saying the kata died of a signal
            status = 128 - status
        return Outcome(None if timed_out else status, output)


def _base_interpreter(home):
    """The interpreter of the Python installed at `home`, which this one (or its virtual environment) runs."""
    for candidate in (getattr(sys, "_base_executable", None), sys.executable):
        if candidate and home in Path(candidate).resolve().parents:
            return Path(candidate).resolve()
    return home / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"


_PIPES = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}


def _prlimit_options():
    return [
        f"--as={MEMORY_BYTES}",
        f"--nproc={PROCESSES}",
        f"--fsize={FILE_BYTES}",
        f"--cpu={CPU_SECONDS}",
        f"--nofile={OPEN_FILES}",
        "--core=0",
    ]


def _set_limits():
    for limit, value in (
        (resource.RLIMIT_AS, MEMORY_BYTES),
        (resource.RLIMIT_NPROC, PROCESSES),
        (resource.RLIMIT_FSIZE, FILE_BYTES),
        (resource.RLIMIT_CPU, CPU_SECONDS),
        (resource.RLIMIT_NOFILE, OPEN_FILES),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def _read_output(child, timeout):
    """What the child printed, its first and last OUTPUT_KEPT bytes, read until it and every process that
    holds its output ended, or until `timeout` seconds; and whether the time ran out."""
    head, tail, dropped = bytearray(), bytearray(), 0
    deadline = time.monotonic() + timeout
    timed_out, ended_at = False, None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            if not selector.select(min(left, 0.25)):
                if child.poll() is not None:
                    ended_at = ended_at or time.monotonic()
                    if time.monotonic() > ended_at + 0.5:
                        break  # it ended; what still holds its output is ended after
                continue
            chunk = os.read(child.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            room = OUTPUT_KEPT - len(head)
            head += chunk[:room]
            tail += chunk[room:] if room > 0 else chunk
            if len(tail) > OUTPUT_KEPT:
                dropped += len(tail) - OUTPUT_KEPT
                del tail[:-OUTPUT_KEPT]
    child.stdout.close()
    output = head.decode(errors="replace")
    if dropped:
        output += f"\n... ({dropped:,} bytes of output left out) ...\n"
    return output + tail.decode(errors="replace"), timed_out


def _become_subreaper():
    """Processes the kata's process leaves behind become this process's children (not init's), so that
    they can be found and ended, however they left their process group."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _end_orphans():
    """End and reap every child of this process: once the kata's process is reaped, they are what it left
    behind (the judge waits for each command it runs itself)."""
    for _ in range(50):
        orphans = _children()
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in orphans:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _children():
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if stat.rsplit(")", 1)[1].split()[1] == me:
                    found.append(int(entry))
    return found


_default = None


def default_sandbox():
    """The sandbox of a judge that did not make its own: made once per process, in a folder of its own."""
    global _default
    if _default is None:
        _default = Sandbox(tempfile.mkdtemp(prefix="kata-sandbox-"))
    return _default
