"""File stamps: which data files are, by their `lstat` alone, as they were when last read, so that
their content key need not be worked out again from their bytes (the check git makes of its index).

A stamp is a file's inode, size, modification and change times (nanoseconds) with the content key
read from it. While all four are the same, the file is the one that was read: any write changes its
change time (`ctime`, which no program can set back, unlike `mtime`), and a file replaced by
rename (as every ftzkb writer does) has a new inode. One case is not safe: a write within the same
tick of the file-system clock as the read that stamped it. So a file is stamped only if it had not
changed for `SETTLED_NS` before it was looked at (git calls the others "racily clean"); a file just
saved is read again on every run until it has settled.

Only regular files are stamped (a symlink is always read, through its checks). Kept in
`.ftzkb-cache/file-stamps.bin`; not at all with FTZKB_NO_CACHE=1.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from ftzkb.load.cache import cache_file

STAMPS_NAME = "file-stamps.bin"
FORMAT = 1
SETTLED_NS = 2_000_000_000  # unchanged for 2 s before it was looked at: well past any clock tick

Stamp = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def stamp_of(info: os.stat_result) -> Stamp:
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class FileStamps:
    """The stamps of one corpus's data files, by `cases/x.yaml` name."""

    def __init__(self, path: Path | None, stored: dict[str, tuple[Stamp, str]]) -> None:
        self.path, self.stored = path, stored
        self.now: dict[str, tuple[Stamp, str]] = {}
        self._looked_at = time.time_ns()

    @classmethod
    def open(cls, root: Path) -> FileStamps:
        """This corpus's stamps (none yet, or caches off: every file is read)."""
        path = cache_file(root, STAMPS_NAME)
        return cls(path, _read(path) if path is not None else {})

    def key_for(self, name: str, info: os.stat_result) -> str:
        """The content key of the file as stamped, if `info` (its lstat) says it is unchanged; else ""."""
        if self.path is None or not stat.S_ISREG(info.st_mode):
            return ""
        found = self.stored.get(name)
        if found is None or found[0] != stamp_of(info):
            return ""
        self.now[name] = found
        return found[1]

    def note(self, name: str, info: os.stat_result, key: str) -> None:
        """The key just read from the file that `info` (its lstat, taken before reading) describes;
        kept only for a regular file that had settled (see above)."""
        settled = self._looked_at - max(info.st_mtime_ns, info.st_ctime_ns) >= SETTLED_NS
        if self.path is not None and key and settled and stat.S_ISREG(info.st_mode):
            self.now[name] = (stamp_of(info), key)

    def forget(self, name: str) -> None:
        """A file whose bytes, read later, had another key than its stamp's (it changed meanwhile)."""
        self.now.pop(name, None)

    def save(self) -> None:
        """The stamps of this run's files, written only if they differ from those read (atomically;
        not at all in a read-only checkout)."""
        if self.path is not None and self.now != self.stored:
            from ftzkb.fsio import write_sealed

            write_sealed(self.path, (FORMAT, self.now))


def _read(path: Path) -> dict[str, tuple[Stamp, str]]:
    """The stored stamps; none if the file is missing, damaged or of another format. Past the seal
    and the format, the entries are as this module wrote them (checking each costs more than reading)."""
    from ftzkb.fsio import read_sealed

    stored = read_sealed(path)
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == FORMAT and isinstance(stored[1], dict)):
        return {}
    return stored[1]
