"""Opening the index for searching: kept open between searches in one process, reopened when the
index changed, and rebuilt once when it turns out to be corrupt."""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .index import MANIFEST_NAME, IndexProblem, Progress, ensure_index, index_dir

T = TypeVar("T")

_open: dict[Path, tuple[tuple[int, int], object]] = {}  # index directory -> (manifest identity, searcher)


def _corruption_errors() -> tuple[type[BaseException], ...]:
    """What whoosh raises on damaged files: unreadable or truncated parts, wrong pickles, bad offsets."""
    from whoosh.index import IndexError as WhooshIndexError

    return (WhooshIndexError, OSError, EOFError, ValueError, KeyError, IndexError, struct.error, zlib.error,
            pickle.UnpicklingError)


def with_searcher(root: Path, work: Callable[[object], T], progress: Progress | None = None) -> T:
    """Run `work(searcher)`; a corrupt index is rebuilt and the work run again, once."""
    errors = _corruption_errors()
    try:
        return work(_searcher(root))
    except errors:
        _forget(root)
    ensure_index(root, rebuild=True, progress=progress, reason="corrupt")
    try:
        return work(_searcher(root))
    except errors as exc:
        _forget(root)
        raise IndexProblem(f"检索索引已损坏且无法重建：{exc}；请删除 {index_dir(root)} 后重试",
                           f"the search index is corrupt and could not be rebuilt: {exc}; "
                           f"delete {index_dir(root)} and try again") from None


def _identity(directory: Path) -> tuple[int, int]:
    stat = (directory / MANIFEST_NAME).stat()
    return stat.st_ino, stat.st_mtime_ns


def _searcher(root: Path):
    from whoosh.index import open_dir
    from whoosh.scoring import BM25F

    directory = index_dir(root).resolve()
    identity = _identity(directory)
    cached = _open.get(directory)
    if cached is not None and cached[0] == identity:
        return cached[1]
    _forget(root)
    searcher = open_dir(str(directory), readonly=True).searcher(weighting=BM25F())
    _open[directory] = (identity, searcher)
    return searcher


def _forget(root: Path) -> None:
    cached = _open.pop(index_dir(root).resolve(), None)
    if cached is not None:
        try:
            cached[1].close()
        except Exception:  # closing a searcher over damaged files may fail too; it is dropped anyway
            pass
