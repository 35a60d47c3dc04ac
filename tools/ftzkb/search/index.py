"""The search index in `.ftzkb-cache/search-index/`: built, kept fresh, rebuilt when it cannot be trusted.

A manifest next to the whoosh files records every corpus file (mtime, size, content hash) and every
indexed document's signature (the hashes of the files it was built from: a case and its origin
carrier). Checking freshness costs one `stat` per file; a file is hashed only when its mtime or
size moved, and only documents whose signature changed are re-indexed. The index is rebuilt from
scratch when it is missing, corrupt, or was written by other indexing code (fingerprint).
Writers take a lock; a rebuild is written beside the index and swapped in, so readers never
see half an index.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, cache_dir

if TYPE_CHECKING:
    from whoosh.index import Index
    from whoosh.writing import IndexWriter

INDEX_DIRNAME = "search-index"
MANIFEST_NAME = "ftzkb-manifest.json"
LOCK_NAME = "search-index.lock"
FORMAT = 1
# The code that decides what is in the index: a change to any of these makes old indexes stale.
_SOURCES = ("../textunits.py", "analyzer.py", "pinyin.py", "documents.py", "index.py")
RECHECK_SECONDS = 1.0  # one process searching repeatedly re-stats the corpus at most this often
POOL_ITEMS = 2_000_000  # postings kept in memory before whoosh spills a sorted run to disk

Progress = Callable[[str, str], None]
Stat = tuple[int, int]  # (mtime_ns, size)


class IndexProblem(Exception):
    """The index cannot be built or used; the message says why, in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass
class IndexReport:
    action: str  # "fresh", "updated" or "rebuilt"
    reason: str = ""  # why it was rebuilt: requested, missing, version, corrupt
    added: int = 0
    updated: int = 0
    removed: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)  # files with errors, left out of the index
    seconds: float = 0.0
    busy: bool = False  # stale, but another process is updating it: the previous index was used

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Manifest:
    fingerprint: str
    files: dict[str, list] = field(default_factory=dict)  # relative path -> [mtime_ns, size, hash]
    docs: dict[str, str] = field(default_factory=dict)  # document key -> signature

    @classmethod
    def read(cls, directory: Path) -> Manifest | None:
        """None when missing; raises ValueError when unreadable."""
        try:
            data = json.loads((directory / MANIFEST_NAME).read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict) or not isinstance(
                data.get("docs"), dict):
            raise ValueError("manifest has the wrong shape")
        return cls(str(data.get("fingerprint")), data["files"], data["docs"])

    def write(self, directory: Path) -> None:
        from ftzkb.fsio import atomic_replace

        text = json.dumps({"fingerprint": self.fingerprint, "files": self.files, "docs": self.docs},
                          ensure_ascii=False, separators=(",", ":"))
        atomic_replace(directory / MANIFEST_NAME, text.encode("utf-8"))


def index_dir(root: Path) -> Path:
    return cache_dir(Path(root)) / INDEX_DIRNAME


_fingerprint: str | None = None


def fingerprint() -> str:
    global _fingerprint
    if _fingerprint is None:
        import whoosh

        digest = hashlib.blake2b(f"format {FORMAT} whoosh {whoosh.versionstring()}".encode(), digest_size=16)
        for name in _SOURCES:
            digest.update((Path(__file__).parent / name).read_bytes())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def scan(root: Path) -> dict[str, Stat]:
    """Every corpus file with its (mtime_ns, size): one stat each, no reads."""
    found: dict[str, Stat] = {}
    for dirname in (CARRIERS_DIRNAME, CASES_DIRNAME):
        try:
            with os.scandir(root / dirname) as entries:
                for entry in entries:
                    if entry.name.endswith(".yaml") and entry.is_file():
                        stat = entry.stat()
                        found[f"{dirname}/{entry.name}"] = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            continue
    return found


def _hash_file(root: Path, relative: str) -> str:
    from ftzkb.load.cache import file_key

    try:
        return file_key((root / relative).read_bytes(), relative.split("/", 1)[0])
    except OSError:
        return ""


# --- deciding --------------------------------------------------------------------------------------


@dataclass
class _Verdict:
    state: str  # "fresh", "touched" (only mtimes moved), "stale", or a rebuild reason
    manifest: Manifest | None
    stats: dict[str, Stat]
    hashes: dict[str, str]  # current hash of every file whose stat moved

    @property
    def needs_rebuild(self) -> bool:
        return self.state in ("missing", "version", "corrupt", "requested")

    @property
    def known(self) -> Manifest:
        """The manifest read, which every state but a rebuild's has."""
        assert self.manifest is not None, self.state
        return self.manifest


def _judge(root: Path) -> _Verdict:
    directory = index_dir(root)
    stats = scan(root)
    try:
        manifest = Manifest.read(directory)
    except ValueError:
        return _Verdict("corrupt", None, stats, {})
    if manifest is None:
        return _Verdict("missing", None, stats, {})
    if manifest.fingerprint != fingerprint():
        return _Verdict("version", manifest, stats, {})
    if stats.keys() != manifest.files.keys():
        return _Verdict("stale", manifest, stats, {})
    moved = [rel for rel, stat in stats.items() if tuple(manifest.files[rel][:2]) != stat]
    hashes = {rel: _hash_file(root, rel) for rel in moved}
    if any(hashes[rel] != manifest.files[rel][2] for rel in moved):
        return _Verdict("stale", manifest, stats, hashes)
    return _Verdict("touched" if moved else "fresh", manifest, stats, hashes)


_checked: dict[Path, tuple[float, tuple[int, ...], int]] = {}  # root -> (when, directory marks, documents)


def _directory_marks(root: Path) -> tuple[int, ...]:
    """mtimes of cases/ and carriers/: they move when a file is added, removed or replaced by rename."""
    marks = []
    for dirname in (CASES_DIRNAME, CARRIERS_DIRNAME):
        try:
            marks.append((root / dirname).stat().st_mtime_ns)
        except OSError:
            marks.append(0)
    return tuple(marks)


def _recent_check(root: Path) -> int | None:
    """The number of documents, if this process found the index fresh a moment ago."""
    seen = _checked.get(root.resolve())
    if seen is not None and time.monotonic() - seen[0] < RECHECK_SECONDS and seen[1] == _directory_marks(root):
        return seen[2]
    return None


def _remember_check(root: Path, documents: int) -> None:
    _checked[root.resolve()] = (time.monotonic(), _directory_marks(root), documents)


# --- the entry point -----------------------------------------------------------------------------


def ensure_index(root: Path, rebuild: bool = False, progress: Progress | None = None,
                 reason: str = "requested") -> IndexReport:
    """Bring the index up to date with the corpus (or rebuild it) and say what was done."""
    root = Path(root)
    start = time.perf_counter()
    if not rebuild and (documents := _recent_check(root)) is not None:
        return IndexReport("fresh", documents=documents)
    verdict = _judge(root)
    if rebuild:
        verdict.state = reason
    if verdict.state == "fresh":
        _remember_check(root, len(verdict.known.docs))
        return IndexReport("fresh", documents=len(verdict.known.docs))
    with _writer_lock(root) as acquired:
        if not acquired:
            return _when_busy(verdict)
        if not rebuild:
            verdict = _judge(root)  # another process may have brought it up to date while we waited
        report = _act(root, verdict, progress)
    _remember_check(root, report.documents)
    report.seconds = round(time.perf_counter() - start, 3)
    return report


def _act(root: Path, verdict: _Verdict, progress: Progress | None) -> IndexReport:
    try:
        return _bring_up_to_date(root, verdict, progress)
    except OSError as exc:  # disk full, permissions: say so instead of a traceback
        raise IndexProblem(f"无法写入检索索引 {index_dir(root)}：{exc.strerror or exc}",
                           f"cannot write the search index {index_dir(root)}: {exc.strerror or exc}") from None


def _bring_up_to_date(root: Path, verdict: _Verdict, progress: Progress | None) -> IndexReport:
    if verdict.state == "fresh":
        return IndexReport("fresh", documents=len(verdict.known.docs))
    if verdict.state == "touched":
        _record_touches(root, verdict)
        return IndexReport("fresh", documents=len(verdict.known.docs))
    if verdict.needs_rebuild:
        return _rebuild(root, verdict, progress)
    return _update(root, verdict, progress)


def _when_busy(verdict: _Verdict) -> IndexReport:
    if verdict.needs_rebuild:
        raise IndexProblem("检索索引正由另一个进程建立，请稍后重试（或等它完成）",
                           "the search index is being built by another process; try again shortly")
    return IndexReport("fresh", documents=len(verdict.known.docs), busy=True)


def lock_timeout() -> float:
    try:
        return float(os.environ.get("FTZKB_INDEX_LOCK_TIMEOUT", "30"))
    except ValueError:
        return 30.0


@contextlib.contextmanager
def _writer_lock(root: Path) -> Iterator[bool]:
    from whoosh.util.filelock import FileLock, try_for

    directory = cache_dir(root)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(directory / LOCK_NAME))
        acquired = try_for(lock.acquire, timeout=lock_timeout(), delay=0.05)
    except OSError as exc:
        raise IndexProblem(f"无法在 {directory} 建立检索索引：{exc.strerror or exc}",
                           f"cannot write the search index in {directory}: {exc.strerror or exc}") from None
    try:
        yield bool(acquired)
    finally:
        if acquired:
            lock.release()


# --- writing ---------------------------------------------------------------------------------------


def _record_touches(root: Path, verdict: _Verdict) -> None:
    manifest = verdict.known
    for rel, digest in verdict.hashes.items():
        manifest.files[rel] = [*verdict.stats[rel], digest]
    manifest.write(index_dir(root))


def _file_table(root: Path, verdict: _Verdict) -> dict[str, list]:
    """[mtime_ns, size, hash] of every file, hashing only those not known from the manifest."""
    known = verdict.manifest.files if verdict.manifest and not verdict.needs_rebuild else {}
    table = {}
    for rel, stat in verdict.stats.items():
        old = known.get(rel)
        if rel in verdict.hashes:
            digest = verdict.hashes[rel]
        elif old is not None and tuple(old[:2]) == stat:
            digest = old[2]
        else:
            digest = _hash_file(root, rel)
        table[rel] = [*stat, digest]
    return table


Builder = Callable[[], dict[str, object]]


def _documents(root: Path, files: dict[str, list]) -> tuple[dict[str, tuple[str, Builder]], list[str]]:
    """Every document the corpus gives now: key -> (signature, builder); and the files left out."""
    from ftzkb.diagnostics import ERROR
    from ftzkb.load.loader import load_corpus
    from ftzkb.search.documents import CARRIER, CASE, carrier_document, case_document, doc_key

    result = load_corpus(root)
    corpus = result.corpus

    def relative(path: Path) -> str:
        return f"{path.parent.name}/{path.name}"

    def signature(*paths: str) -> str:
        return hashlib.blake2b("|".join(files.get(p, [0, 0, ""])[2] for p in paths).encode(),
                               digest_size=16).hexdigest()

    docs: dict[str, tuple[str, Builder]] = {}
    for carrier in corpus.carriers.values():
        rel = relative(carrier.path)
        docs[doc_key(CARRIER, carrier.id)] = (signature(rel), functools.partial(carrier_document, carrier, rel))
    for case in corpus.cases.values():
        rel = relative(case.path)
        origin = corpus.carriers.get(case.origin_carrier)
        deps = (rel, relative(origin.path)) if origin else (rel,)
        docs[doc_key(CASE, case.id)] = (signature(*deps), functools.partial(case_document, case, corpus, rel))
    skipped = sorted({d.file for d in result.diagnostics if d.severity == ERROR})
    return docs, skipped


def _rebuild(root: Path, verdict: _Verdict, progress: Progress | None) -> IndexReport:
    from whoosh.index import create_in

    from ftzkb.load.loader import paused_gc
    from ftzkb.search.documents import schema

    if progress:
        progress(f"正在建立检索索引（{len(verdict.stats)} 个文件）…",
                 f"building the search index ({len(verdict.stats)} files)…")
    final = index_dir(root)
    _remove_leftovers(final)
    files = _file_table(root, verdict)
    docs, skipped = _documents(root, files)
    fresh = final.with_name(f"{final.name}.new-{os.getpid()}")
    try:
        fresh.mkdir(parents=True)
        with paused_gc(), _writing(_writer(create_in(str(fresh), schema()), len(docs))) as writer:
            for _, build in docs.values():
                writer.add_document(**build())
        Manifest(fingerprint(), files, {key: sig for key, (sig, _) in docs.items()}).write(fresh)
        _swap(fresh, final)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return IndexReport("rebuilt", reason=verdict.state, added=len(docs), documents=len(docs), skipped=skipped)


def _update(root: Path, verdict: _Verdict, progress: Progress | None) -> IndexReport:
    from whoosh.index import open_dir

    manifest = verdict.known
    files = _file_table(root, verdict)
    docs, skipped = _documents(root, files)
    changed = [key for key, (sig, _) in docs.items() if manifest.docs.get(key) != sig]
    removed = [key for key in manifest.docs if key not in docs]
    if changed or removed:
        if progress:
            progress(f"正在更新检索索引（{len(changed) + len(removed)} 条）…",
                     f"updating the search index ({len(changed) + len(removed)} documents)…")
        with _writing(_writer(open_dir(str(index_dir(root))), len(changed))) as writer:
            for key in removed:
                writer.delete_by_term("key", key)
            for key in changed:
                writer.update_document(**docs[key][1]())
    Manifest(fingerprint(), files, {key: sig for key, (sig, _) in docs.items()}).write(index_dir(root))
    added = sum(key not in manifest.docs for key in changed)
    return IndexReport("updated", added=added, updated=len(changed) - added, removed=len(removed),
                       documents=len(docs), skipped=skipped)


def _writer(ix: Index, documents: int) -> IndexWriter:
    """One writer process, or (for many documents on several cores) whoosh's parallel writer, each
    process writing its own segment."""
    from ftzkb.load.loader import worker_count
    from ftzkb.search.analyzer import QuickCodec

    options = {"limitmb": 1024, "compound": False, "codec": QuickCodec()}
    workers = worker_count(documents)
    if workers > 1:
        return ix.writer(procs=workers, multisegment=True, **options)
    writer = ix.writer(**options)
    writer.pool.maxsize = POOL_ITEMS  # whoosh's default spills to disk at 1M postings, which costs seconds
    return writer


@contextlib.contextmanager
def _writing(writer: IndexWriter) -> Iterator[IndexWriter]:
    """Commit when the block succeeds; otherwise cancel, which releases whoosh's own write lock."""
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _swap(fresh: Path, final: Path) -> None:
    old = final.with_name(f"{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(fresh, final)
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(final: Path) -> None:
    """Directories a crashed rebuild left behind (we hold the lock, so none is in use)."""
    for leftover in final.parent.glob(f"{final.name}.*-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
