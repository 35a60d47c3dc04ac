"""Opening the index for searching: kept open between searches in one process, reopened when the
index changed, and rebuilt once when it turns out to be corrupt."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .index import MANIFEST_NAME, IndexProblem, Progress, ensure_index, index_dir

if TYPE_CHECKING:
    from whoosh.searching import Searcher

T = TypeVar("T")

_open: dict[Path, tuple[tuple[int, int], Searcher]] = {}  # index directory -> (manifest identity, searcher)


def with_searcher(root: Path, work: Callable[[Searcher], T], progress: Progress | None = None) -> T:
    """Run `work(searcher)`; a corrupt index is rebuilt and the work run again, once.

    Damaged index files make whoosh raise nearly anything (its own errors, bare Exception,
    TypeError from a garbled length, struct and pickle errors), so any exception counts as
    corruption here; if it happens again on a fresh index it is reported, not hidden."""
    try:
        return work(_searcher(root))
    except Exception:
        _forget(root)
    ensure_index(root, rebuild=True, progress=progress, reason="corrupt")
    try:
        return work(_searcher(root))
    except Exception as exc:
        _forget(root)
        raise IndexProblem(f"检索索引已损坏且无法重建：{exc}；请删除 {index_dir(root)} 后重试",
                           f"the search index is corrupt and could not be rebuilt: {exc}; "
                           f"delete {index_dir(root)} and try again") from None


def _identity(directory: Path) -> tuple[int, int]:
    stat = (directory / MANIFEST_NAME).stat()
    return stat.st_ino, stat.st_mtime_ns


def _searcher(root: Path) -> Searcher:
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
        with contextlib.suppress(Exception):  # closing a searcher over damaged files may fail too; it is dropped
            cached[1].close()
