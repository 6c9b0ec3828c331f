"""Tampering: leaves in its own folder what would stop a judge that reads it: a FIFO (opening it
waits for ever), a dangling link, and a 64 GiB sparse file."""

import contextlib
import os

here = os.path.dirname(__file__)
with contextlib.suppress(OSError):
    os.mkfifo(os.path.join(here, "fifo"))
with contextlib.suppress(OSError):
    os.symlink("/nowhere", os.path.join(here, "dangling"))
with contextlib.suppress(OSError), open(os.path.join(here, "sparse"), "wb") as sparse:
    sparse.truncate(64 << 30)
