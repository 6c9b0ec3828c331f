"""What the README tells people to run, so that tests can run exactly that."""

import re

from tools.registry import ROOT


def commands_under(heading):
    """The lines of the ```bash blocks in the README section with this heading."""
    section = (ROOT / "README.md").read_text().split(f"\n## {heading}\n")[1].split("\n## ")[0]
    return [line for block in re.findall(r"```bash\n(.*?)```", section, re.S) for line in block.splitlines()]


def setup_command():
    """The Quick start's install command (the lines before it make and activate a virtual environment)."""
    return next(line for line in commands_under("Quick start") if " pip install " in line)
