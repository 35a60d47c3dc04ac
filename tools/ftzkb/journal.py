"""All-or-nothing changes to several files, safe against `kill -9` and against a second writer.

One writer at a time per repository: `repository_lock(root)` takes an exclusive `flock` on the
root directory (the kernel releases it when the process dies, however it dies).

A change to several files is a transaction with a roll-forward journal:

1. every new content is written beside its file as `.NAME.<id>.tmp` and fsynced;
2. the journal `.ftzkb-cache/journal.json` naming those files is written atomically — from this
   moment the transaction counts as done;
3. each staged file is renamed over its target (each rename is atomic), then the journal goes.

A kill before step 2 leaves the old files and some staged files, which the next writer sweeps away.
A kill during step 3 leaves the journal: the next command that reads or writes the corpus
(`recover`) finishes the renames first and says so. So a reader sees the old set or the new set.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ftzkb.fsio import TEMP_SUFFIX, FileRefused, atomic_replace, fsync_directory, sweep_temporary_files
from ftzkb.i18n import pick
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, cache_dir

JOURNAL_NAME = "journal.json"
DEFAULT_LOCK_TIMEOUT = 60.0  # seconds a writer waits for another to finish; FTZKB_LOCK_TIMEOUT overrides
DATA_DIRS = (CASES_DIRNAME, CARRIERS_DIRNAME)


class LockTimeout(FileRefused):
    """Another ftzkb process kept the repository's write lock for too long."""


def _lock_timeout() -> float:
    try:
        return float(os.environ.get("FTZKB_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


@contextmanager
def repository_lock(root: Path) -> Iterator[None]:
    """Hold the repository's exclusive write lock (waits up to FTZKB_LOCK_TIMEOUT seconds). The
    lock is a `flock` on the root directory itself, so no lock file is left anywhere."""
    fd = os.open(root, os.O_RDONLY)
    try:
        deadline = time.monotonic() + _lock_timeout()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout("另一个 ftzkb 进程正在写入这个仓库，等待超时：请等它结束后重试",
                                      "another ftzkb process is writing to this repository; gave up waiting: "
                                      "try again when it has finished") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True)
class Staged:
    target: Path
    staged: Path  # the new content
    backup: Path | None  # a hard link to the old content (None for a new file), for an in-process undo


def _journal_path(root: Path) -> Path:
    return cache_dir(Path(root)) / JOURNAL_NAME


def stage(target: Path, data: bytes, mode: int, transaction_id: str) -> Staged:
    """Write the new content beside `target` (same directory, so the rename is atomic), fsynced,
    and keep the old content reachable under a second name (a hard link costs no copy)."""
    staged = target.parent / f".{target.name}.{transaction_id}{TEMP_SUFFIX}"
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staged, mode)
        backup = None
        if target.exists():
            backup = target.parent / f".{target.name}.{transaction_id}.old{TEMP_SUFFIX}"
            os.link(target, backup)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return Staged(target, staged, backup)


def commit(root: Path, files: dict[Path, tuple[bytes, int]]) -> None:
    """Replace every file in `files` (path → (content, mode)) or none. The caller holds the lock
    and has checked everything; this only makes the change durable and all-or-nothing. If a
    rename fails in this process (a disk error), the files already replaced are put back."""
    root = Path(root)
    if len(files) == 1:  # one rename is atomic by itself: no journal needed
        [(target, (data, mode))] = files.items()
        atomic_replace(target, data, mode)
        return
    transaction_id = uuid.uuid4().hex[:12]
    staged: list[Staged] = []
    try:
        for target, (data, mode) in files.items():
            staged.append(stage(target, data, mode, transaction_id))
        for directory in {item.target.parent for item in staged}:
            fsync_directory(directory)
    except BaseException:
        _discard(staged)
        raise
    entries = [{"target": _relative(i.target, root), "staged": _relative(i.staged, root),
                "backup": _relative(i.backup, root) if i.backup else None} for i in staged]
    journal = _journal_path(root)
    journal.parent.mkdir(parents=True, exist_ok=True)
    atomic_replace(journal, json.dumps({"id": transaction_id, "files": entries}, ensure_ascii=False).encode())
    try:
        _roll_forward(root, entries)
    except Exception:
        _roll_back(root, entries)
        journal.unlink(missing_ok=True)
        raise
    journal.unlink()
    fsync_directory(journal.parent)


def _discard(staged: list[Staged]) -> None:
    for item in staged:
        item.staged.unlink(missing_ok=True)
        if item.backup:
            item.backup.unlink(missing_ok=True)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(Path(path).resolve())


def _roll_forward(root: Path, entries: list[dict]) -> int:
    done = 0
    for entry in entries:
        staged, target = root / entry["staged"], root / entry["target"]
        if staged.exists():
            os.replace(staged, target)
            done += 1
    for directory in {(root / entry["target"]).parent for entry in entries}:
        fsync_directory(directory)
    for entry in entries:
        if entry.get("backup"):
            (root / entry["backup"]).unlink(missing_ok=True)
    return done


def _roll_back(root: Path, entries: list[dict]) -> None:
    """Undo the renames done so far (each replaced file gets its old content back)."""
    for entry in entries:
        staged, target = root / entry["staged"], root / entry["target"]
        backup = root / entry["backup"] if entry.get("backup") else None
        if staged.exists():
            staged.unlink()
            if backup:
                backup.unlink(missing_ok=True)
        elif backup:
            os.replace(backup, target)
        else:
            target.unlink(missing_ok=True)
    for directory in {(root / entry["target"]).parent for entry in entries}:
        fsync_directory(directory)


def recover(root: Path, quiet: bool = False) -> int:
    """Finish a transaction a killed writer left behind (cheap when there is none: one stat).
    Returns how many files it completed, and tells the user on stderr."""
    root = Path(root)
    if not _journal_path(root).exists() and not _leftovers(root):
        return 0
    with repository_lock(root):
        return recover_locked(root, quiet)


def _leftovers(root: Path) -> bool:
    for dirname in DATA_DIRS:
        try:
            with os.scandir(root / dirname) as entries:
                if any(e.name.startswith(".") and e.name.endswith(TEMP_SUFFIX) for e in entries):
                    return True
        except OSError:
            continue
    return False


def recover_locked(root: Path, quiet: bool = False) -> int:
    """`recover` for a caller that already holds the lock; also sweeps staged files of
    transactions that never reached their journal (the old set stays)."""
    journal = _journal_path(root)
    finished = 0
    if journal.exists():
        try:
            entries = json.loads(journal.read_text("utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            entries = None  # a journal is written atomically, so this is not ours: leave the data alone
        if entries is not None:
            finished = _roll_forward(root, entries)
            journal.unlink()
            fsync_directory(journal.parent)
            if not quiet:
                print(pick(f"ftzkb：上次被中断的写入已补完（{len(entries)} 个文件）",
                           f"ftzkb: an interrupted write was completed ({len(entries)} files)"), file=sys.stderr)
    swept = [p for d in DATA_DIRS if (root / d).is_dir() for p in sweep_temporary_files(root / d)]
    if swept and not quiet:
        print(pick(f"ftzkb：已清除 {len(swept)} 个中断写入留下的临时文件（原文件未改动）",
                   f"ftzkb: removed {len(swept)} temporary files of an interrupted write (the files are unchanged)"),
              file=sys.stderr)
    return finished
