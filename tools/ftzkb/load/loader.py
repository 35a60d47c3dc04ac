"""Load a corpus directory (cases/ and carriers/) into the model, collecting
every problem as a diagnostic instead of stopping at the first.

What loading one file finds (its data, YAML or schema problems, whether its layout
is canonical) depends only on its bytes, so it is cached by content hash
(`loadcache`); files not in the cache are worked on by a pool of processes when
there are many of them.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ftzkb import journal
from ftzkb.diagnostics import ERROR, Diagnostic, display_path
from ftzkb.load.cache import DeferredHead, FileFacts, LoadCache, Problem, file_key, head_value
from ftzkb.load.model import Carrier, Case, Corpus
from ftzkb.load.stamps import FileStamps
from ftzkb.load.yamlload import LoadedYaml, UnreadFile, YamlLoadError, load_yaml_bytes, read_file_bytes
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME

if TYPE_CHECKING:
    from ftzkb.load.schema import SchemaProblem

POOL_THRESHOLD = 300  # fewer uncached files than this are quicker to load in this process


@dataclass
class LoadResult:
    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.diagnostics)


def corpus_files(root: Path) -> list[Path]:
    # By name: the order Path's own comparison gives within one folder, without its cost per comparison.
    return [*sorted((root / CARRIERS_DIRNAME).glob("*.yaml"), key=_name),
            *sorted((root / CASES_DIRNAME).glob("*.yaml"), key=_name)]


def _name(path: Path) -> str:
    return path.name


def data_file_name(path: Path) -> str:
    """`cases/x.yaml`: a data file named by its folder and name (how caches of the corpus key it)."""
    return f"{_folder_name(path)}/{path.name}"


def kind_of(path: Path) -> str:
    return "carrier" if _folder_name(path) == CARRIERS_DIRNAME else "case"


def _folder_name(path: Path) -> str:
    """`path.parent.name`, without making the parent Path (asked for every file of every run)."""
    parts = path.parts
    return parts[-2] if len(parts) > 2 or (len(parts) == 2 and not path.anchor) else ""


@dataclass(frozen=True)
class Snapshot:
    """The corpus's files as read once: each file's bytes (or why it could not be read, or, for a
    file its stamp shows unchanged, the file still unread: `ftzkb.load.stamps`) and its content key.
    `ftzkb validate` hashes the keys for its verdict and hands the snapshot to the loader, so that no
    file is read twice. `drifted` names the files that, read later, had changed since their stamp."""

    files: list[Path]
    raws: list[bytes | YamlLoadError | UnreadFile]
    keys: list[str]
    stamps: FileStamps | None = field(default=None, repr=False, compare=False)
    drifted: list[Path] = field(default_factory=list, compare=False)

    @classmethod
    def read(cls, root: Path) -> Snapshot:
        journal.recover(root)  # a writer killed mid-transaction: finish it before reading
        files = corpus_files(Path(root))
        stamps = FileStamps.open(Path(root))
        raws, keys = [], []
        for path in files:
            raw, key = _read_stamped(path, stamps)
            raws.append(raw)
            keys.append(key)
        stamps.save()
        return cls(files, raws, keys, stamps)

    def bytes_of(self, index: int) -> bytes | YamlLoadError:
        """The bytes of a file that was left unread, read now; its key is the one they give."""
        raw = self.raws[index]
        if not isinstance(raw, UnreadFile):
            return raw
        path = self.files[index]
        fresh = _read(path)
        key = file_key(fresh, kind_of(path)) if isinstance(fresh, bytes) else ""
        if key != self.keys[index]:  # changed since it was looked at: judged as it is now
            self.drifted.append(path)
            if self.stamps is not None:
                self.stamps.forget(data_file_name(path))
                self.stamps.save()
            self.keys[index] = key
        self.raws[index] = fresh
        return fresh


def _read_stamped(path: Path, stamps: FileStamps) -> tuple[bytes | YamlLoadError | UnreadFile, str]:
    """A corpus file, unread if its stamp shows it unchanged, and its content key."""
    try:
        info = os.lstat(path)
    except OSError:
        info = None  # reading it says why
    name = data_file_name(path)
    if info is not None and (key := stamps.key_for(name, info)):
        return UnreadFile(path), key
    raw = _read(path)
    key = file_key(raw, kind_of(path)) if isinstance(raw, bytes) else ""
    if info is not None:
        stamps.note(name, info, key)
    return raw, key


def load_corpus(root: Path, extra_files: Iterable[Path] = (), snapshot: Snapshot | None = None) -> LoadResult:
    """Load every case and carrier under `root` (plus `extra_files`, e.g. a new case
    being checked before it is moved into place); from `snapshot` if the files were read already."""
    root = Path(root)
    snapshot = snapshot or Snapshot.read(root)
    files = list(snapshot.files)
    files += [Path(p) for p in extra_files if Path(p).resolve() not in {f.resolve() for f in files}]
    result = LoadResult(Corpus(root=root), files=files)
    with paused_gc():
        for record, problems in load_records(files, root, snapshot):
            result.diagnostics.extend(problems)
            if isinstance(record, Case):
                result.corpus.cases.setdefault(record.id, record)
            elif isinstance(record, Carrier):
                result.corpus.carriers.setdefault(record.id, record)
    return result


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building many small containers triggers the cycle collector again and again for nothing
    (records hold no cycles); pausing it makes loading a large corpus several times faster.
    Afterwards the loaded objects are frozen (moved out of the collector's sight) so that the
    first collection does not walk them all either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


Record = tuple[Case | Carrier | None, list[Diagnostic]]


def load_records(paths: list[Path], root: Path, snapshot: Snapshot | None = None) -> list[Record]:
    cache = LoadCache.open(root)
    known = len(snapshot.files) if snapshot is not None else 0  # the snapshot's files come first
    raws: list[bytes | YamlLoadError | UnreadFile] = [*snapshot.raws] if snapshot is not None else []
    raws += [_read(path) for path in paths[known:]]
    keys = [*snapshot.keys] if snapshot is not None else []
    keys += _keys(paths[known:], raws[known:])
    facts: list[FileFacts | None] = [cache.get(key) if key else None for key in keys]
    loaded: dict[int, LoadedYaml] = {}
    missing = [i for i, key in enumerate(keys) if key and facts[i] is None]
    if snapshot is not None and any(isinstance(raws[i], UnreadFile) for i in missing):
        for i in missing:  # stamped, but no longer in the load cache: read now
            raws[i], keys[i] = snapshot.bytes_of(i), snapshot.keys[i]
            facts[i] = cache.get(keys[i]) if keys[i] else None
        missing = [i for i in missing if keys[i] and facts[i] is None]
    # Only files that could be read have a key, so every missing one has its bytes.
    computed = _compute([(raw, kind_of(paths[i])) for i in missing if isinstance(raw := raws[i], bytes)])
    for i, (found, parsed) in zip(missing, computed, strict=True):
        facts[i] = found
        cache.put(keys[i], found)
        if parsed is not None:
            loaded[i] = parsed
    cache.save()
    return [_record(path, root, raw, found, loaded.get(i), key)
            for i, (path, raw, found, key) in enumerate(zip(paths, raws, facts, keys, strict=True))]


def load_record(path: Path, root: Path | None = None) -> Record:
    raw = _read(path)
    facts, loaded = file_facts(raw, kind_of(path)) if isinstance(raw, bytes) else (None, None)
    return _record(path, root, raw, facts, loaded)


def record_from_loaded(loaded: LoadedYaml, path: Path, shown: str) -> Record:
    record, problems = _record(path, None, b"", _facts_of_loaded(loaded, kind_of(path)), loaded)
    return record, [replace(d, file=shown) for d in problems]


def _keys(paths: list[Path], raws: list[bytes | YamlLoadError | UnreadFile]) -> list[str]:
    """Each file's content key ("" for a file that could not be read)."""
    return [file_key(raw, kind_of(path)) if isinstance(raw, bytes) else ""
            for path, raw in zip(paths, raws, strict=True)]


def _read(path: Path) -> bytes | YamlLoadError:
    try:
        return read_file_bytes(path)
    except YamlLoadError as exc:
        return exc


def file_facts(raw: bytes, kind: str) -> tuple[FileFacts, LoadedYaml | None]:
    try:
        loaded = load_yaml_bytes(raw)
    except YamlLoadError as exc:
        return FileFacts(error=[exc.rule, exc.line, exc.col, exc.zh, exc.en]), None
    return _facts_of_loaded(loaded, kind), loaded


def _facts_of_loaded(loaded: LoadedYaml, kind: str) -> FileFacts:
    from ftzkb.load import schema
    from ftzkb.load.layout import is_canonical

    # The explaining validator runs only when the fast check says no; should it find nothing, the file passes.
    valid = schema.is_valid(kind, loaded.data)
    problems = [] if valid else [_placed(p, loaded) for p in schema.check(kind, loaded.data, loaded)]
    if problems:
        return FileFacts(problems=problems)
    return FileFacts(loaded.data, canonical=is_canonical(loaded.text, loaded.data, kind))


def _placed(problem: SchemaProblem, loaded: LoadedYaml) -> Problem:
    line, col = loaded.key_position(problem.path) if problem.at_key else loaded.position(problem.path)
    return [problem.rule, line, col, problem.zh, problem.en]


def _compute(jobs: list[tuple[bytes, str]]) -> Iterator[tuple[FileFacts, LoadedYaml | None]]:
    workers = worker_count(len(jobs))
    if workers < 2:
        yield from (file_facts(raw, kind) for raw, kind in jobs)
        return
    import multiprocessing  # here: with concurrent.futures, a tenth of the import time of validate
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunk = max(1, len(jobs) // (workers * 8))
        for found in pool.map(_facts_in_worker, jobs, chunksize=chunk):
            yield FileFacts.of_list(found), None


def worker_count(jobs: int, threshold: int = POOL_THRESHOLD) -> int:
    """Processes to share `jobs` between: 1 below `threshold` jobs (a fork costs more than it
    saves) or where processes cannot be forked; else FTZKB_JOBS, or up to 2."""
    if jobs < threshold:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("FTZKB_JOBS", "")
    return int(wanted) if wanted.isdigit() else min(2, os.cpu_count() or 1)


def _facts_in_worker(job: tuple[bytes, str]) -> list:
    gc.disable()
    return file_facts(*job)[0].as_list()


def _record(path: Path, root: Path | None, raw: bytes | YamlLoadError | UnreadFile, facts: FileFacts | None,
            loaded: LoadedYaml | None, key: str = "") -> Record:
    if isinstance(raw, YamlLoadError):
        return None, [Diagnostic(display_path(path, root), raw.line, raw.col, ERROR, raw.rule, raw.zh, raw.en)]
    assert facts is not None  # a file that could be read always has its facts
    if facts.error or facts.problems:
        shown = display_path(path, root)
        problems = [facts.error] if facts.error else facts.problems
        return None, [Diagnostic(shown, line, col, ERROR, rule, zh, en) for rule, line, col, zh, en in problems]
    if loaded is None:  # decoded only if a message or an edit needs the text
        loaded = LoadedYaml(facts.data, raw, deferred=facts.deferred)
    loaded.canonical, loaded.key = facts.canonical, key
    if kind_of(path) == "carrier":
        return Carrier.of(head_value(facts.data), path, loaded), []
    if isinstance(facts.data, DeferredHead):  # from the cache: built when first read
        return Case.deferred(facts.data, path, loaded), []
    return Case.of(facts.data, path, loaded), []
