"""Local state (var/: the SQLite database, uploaded ID card copies, the embedded Redis's data,
the development secrets) is readable by its owner alone: every process of the stack works
under umask 077, and folders or files left looser by an older version or a copy are tightened
at start, as the secrets file is."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def make_private(*dirs: Path) -> None:
    """Sets the process's umask to 077, creates each folder as 0700, and takes group and
    other permissions off everything already under it."""
    os.umask(PRIVATE_UMASK)
    for top in dirs:
        top.mkdir(mode=0o700, parents=True, exist_ok=True)
        _tighten(top)
        for root, folders, files in os.walk(top):
            for name in folders + files:
                _tighten(Path(root) / name)


def _tighten(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode) or not mode & 0o077:
            return
        path.chmod(stat.S_IMODE(mode) & 0o700)
    except FileNotFoundError:
        pass  # removed meanwhile (a Redis rewrite, an upload's temporary file)
