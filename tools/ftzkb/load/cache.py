"""The load cache: what loading a file found, keyed by a hash of the file's bytes.

Parsing, schema checks and the layout check cost milliseconds per file; at national
scale (thousands of cases) that is most of every command's run time. A file whose
bytes have not changed gives the same answers, so they are kept in one file under
`.ftzkb-cache/` and reused. Entries are only trusted while the schemas, the loading
code and the Python that wrote them are the ones that produced them (the fingerprint).
Positions are not kept: a record from the cache parses its text again only if a message
needs one. Set FTZKB_NO_CACHE=1 to neither read nor write it.

A case's adoption records are half of its bytes and most queries read those of a few
carriers only, so they are kept apart: the file is an index (JSON: per file, the span of its
data's text with its id, title and the cases it names, its problems, and a summary of its
records: see `Deferred`) followed by each file's data (with `adoptions` left empty), each case's
records and the carriers of those records as JSON texts, each decoded on first use
(`DeferredHead`, `Deferred`).

After an edit, only a few entries are new. Writing the whole file again (tens of megabytes at
national scale) would cost more than the edit's validation, so while the new and the no longer
used entries are few (`DELTA_SHARE`), they go to a second, small file of the same layout
(`load-cache.delta.bin`), tied to the base file by the base's random token: a base written later
makes an older delta be ignored. When they are many, the base is written again and the delta removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftzkb.dates import UNKNOWN as UNKNOWN_DATE
from ftzkb.paths import SCHEMA_DIR, cache_dir
from ftzkb.vocab import PUBLIC

CACHE_NAME = "load-cache.bin"
DELTA_NAME = "load-cache.delta.bin"
DELTA_SHARE = 20  # the delta holds at most 1/20 of the entries (and at least DELTA_MIN): else the base is rewritten
DELTA_MIN = 16
_EARLIER_NAMES = ("load-cache.json",)  # what earlier versions kept: removed when this one is written
FORMAT = 7
MAGIC = b"ftzkb load cache\n"
DEFERRED_KEY = "adoptions"  # the list kept apart and decoded on first use
# The code whose results are cached: a change to any of these invalidates the cache.
_SOURCES = ("yamlload.py", "schema.py", "layout.py", "loader.py", "cache.py")

Problem = list  # [rule, line, col, zh, en]


class _JsonSpan:
    """A stretch of the cache's blob holding one JSON text, decoded once on first use (every
    reader shares the one value: do not change it)."""

    __slots__ = ("_blob", "_end", "_start", "_value")

    def __init__(self, blob: memoryview, start: int, end: int) -> None:
        self._blob, self._start, self._end = blob, start, end
        self._value: Any = None

    def value(self) -> Any:
        if self._value is None:
            self._value = json.loads(self.text())
        return self._value

    def text(self) -> bytes:
        return bytes(self._blob[self._start:self._end])


class Deferred(_JsonSpan):
    """A file's list of adoption records, still as the JSON text the cache holds, with what
    queries over every case ask of them already known: the carrier of each record (to find a
    carrier's records), the distinct dates written in them (for the data version's date), the
    cases records learned from (for the rule on learned-from cycles) and whether anything in them
    is marked for an audience other than the public (if not, the public view keeps them as they are).
    The carriers are half of the cache's index: they too stay JSON text until first asked for
    (validate asks only for those of the cases it judges again; `learned` holds its own carriers)."""

    __slots__ = ("_carriers", "dates", "learned", "marked")

    def __init__(self, blob: memoryview, start: int, end: int, carriers: list[str] | _JsonSpan, dates: list[str],
                 learned: list[list], marked: bool) -> None:
        super().__init__(blob, start, end)
        self._carriers, self.dates, self.learned, self.marked = carriers, dates, learned, marked

    @property
    def carriers(self) -> list[str]:
        """The carrier of each record, in order (decoded on first use)."""
        found = self._carriers
        if isinstance(found, _JsonSpan):
            found = self._carriers = found.value()
        return found

    def carriers_text(self) -> bytes:
        return self._carriers.text() if isinstance(self._carriers, _JsonSpan) else _json(self._carriers)

    def value(self) -> list:
        """The records, decoded once."""
        return super().value()


class DeferredHead(_JsonSpan):
    """A file's data without its adoption records, still as the JSON text the cache holds, with
    its id, its title and the cases it names (related, its successor): a corpus knows its cases by
    id at once and builds each case when it is first read (`Case.deferred`), so a command that
    reads a few cases decodes only those, and the similar-case rule, which asks every similar pair
    whether one names the other and quotes the other's title, decodes none."""

    __slots__ = ("id", "named", "title")

    def __init__(self, blob: memoryview, start: int, end: int, record_id: str, title: str | None = None,
                 named: list[str] | None = None) -> None:
        super().__init__(blob, start, end)
        self.id, self.title, self.named = record_id, title, named or []

    def value(self) -> dict:
        """The data, with `adoptions` (if the file has them) holding None."""
        return super().value()


def head_value(data: Any) -> Any:
    """The data of a file's facts, decoded if it is still a DeferredHead."""
    return data.value() if isinstance(data, DeferredHead) else data


@dataclass
class FileFacts:
    data: Any = None  # a DeferredHead from the cache; with a deferred list, its key holds None until `complete_data`
    error: Problem | None = None  # the file could not be loaded as YAML
    problems: list[Problem] = field(default_factory=list)  # schema problems, already placed
    canonical: bool | None = None  # layout verdict, for schema-valid files
    deferred: Deferred | None = None

    def as_list(self) -> list:
        assert self.deferred is None  # only facts worked out in this run travel between processes
        return [self.data, self.error, self.problems, self.canonical]

    @classmethod
    def of_list(cls, items: list) -> FileFacts:
        return cls(*items)


def complete_data(data: Any, deferred: Deferred | None) -> Any:
    """The file's data with its deferred list in place (a new mapping, the same order of keys)."""
    data = head_value(data)
    if deferred is None or not isinstance(data, dict):
        return data
    return {key: (deferred.value() if key == DEFERRED_KEY else value) for key, value in data.items()}


def enabled() -> bool:
    return os.environ.get("FTZKB_NO_CACHE", "") in ("", "0")


def cache_file(root: Path, name: str) -> Path | None:
    """Where a corpus keeps one of its caches (`.ftzkb-cache/NAME`); None with FTZKB_NO_CACHE=1."""
    return cache_dir(Path(root)) / name if enabled() else None


def file_key(raw: bytes, kind: str) -> str:
    # The file stamps keep these keys too (`load/stamps`): a change here needs a new stamps FORMAT.
    return hashlib.blake2b(raw, digest_size=16, person=kind.encode()[:16]).hexdigest()


def fingerprint() -> str:
    # The Python version too: the order of a decoded mapping's keys and float formatting are its.
    digest = hashlib.blake2b(f"format {FORMAT} {sys.version}".encode(), digest_size=16)
    package = Path(__file__).parent
    for path in [*sorted(SCHEMA_DIR.glob("*.json")), *(package / name for name in _SOURCES)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class LoadCache:
    def __init__(self, path: Path | None, entries: dict[str, list], blob: memoryview | None = None,
                 token: str = "", delta: dict[str, list] | None = None, delta_blob: memoryview | None = None) -> None:
        self.path, self.blob, self.token = path, blob or memoryview(b""), token
        self.base_keys = entries.keys() - (delta or {}).keys()
        self.entries = {**entries, **(delta or {})}
        self.delta_keys = set(delta or ())
        self.delta_blob = delta_blob or memoryview(b"")
        self.used: set[str] = set()
        self.added = False

    @classmethod
    def open(cls, root: Path) -> LoadCache:
        path = cache_file(root, CACHE_NAME)
        if path is None:
            return cls(None, {})
        expected = fingerprint()
        try:
            stored, blob = _read_part(path, expected)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(path, {})
        token = stored.get("token") or ""
        try:
            delta, delta_blob = _read_part(path.with_name(DELTA_NAME), expected)
            if not token or delta.get("base") != token:
                raise ValueError("a delta of another base")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            delta, delta_blob = {"entries": {}}, memoryview(b"")
        return cls(path, stored["entries"], blob, str(token), delta["entries"], delta_blob)

    def get(self, key: str) -> FileFacts | None:
        items = self.entries.get(key)
        if not isinstance(items, list) or len(items) != 5:
            return None
        self.used.add(key)
        data, error, problems, canonical, kept = items
        blob = self._blob_of(key)
        if isinstance(data, list):  # the span of the data's text, its id, title and the cases it names
            start, end, record_id, title, named = data
            if not (_span_fits(start, end, blob) and isinstance(record_id, str) and isinstance(named, list)):
                return None
            data = DeferredHead(blob, start, end, record_id, title if isinstance(title, str) else None, named)
        deferred = None
        if kept is not None:
            start, end, carriers_end, dates, learned, marked = kept  # the carriers' text follows the records'
            if not (_span_fits(start, end, blob) and _span_fits(end, carriers_end, blob)):
                return None
            carriers = _JsonSpan(blob, end, carriers_end)
            deferred = Deferred(blob, start, end, carriers, dates, learned, marked is not False)
        return FileFacts(data, error, problems, canonical, deferred)

    def put(self, key: str, facts: FileFacts) -> None:
        self.entries[key] = [facts.data, facts.error, facts.problems, facts.canonical, facts.deferred]
        self.base_keys.discard(key)
        self.delta_keys.add(key)
        self.used.add(key)
        self.added = True

    def save(self) -> None:
        """Keep the entries this run used; write only when something changed: the delta alone when
        few entries are new or unused, else the base. A cache that cannot be written (read-only
        checkout) is simply not kept."""
        if self.path is None or (not self.added and self.used == self.entries.keys()):
            return
        newer = self.used & self.delta_keys
        unused = self.base_keys - self.used
        if self.token and len(newer) + len(unused) <= max(DELTA_MIN, len(self.used) // DELTA_SHARE):
            if self.added or newer != self.delta_keys:
                self._write(self.path.with_name(DELTA_NAME), newer, {"base": self.token})
            return
        if self._write(self.path, self.used, {"token": os.urandom(8).hex()}):
            for name in (DELTA_NAME, *_EARLIER_NAMES):
                (self.path.parent / name).unlink(missing_ok=True)

    def _write(self, path: Path, keys: set[str], head: dict[str, str]) -> bool:
        from ftzkb.fsio import atomic_replace

        kept: dict[str, list] = {}
        texts: list[bytes] = []
        size = 0
        for key in sorted(keys):  # sorted: the same entries make the same file
            entry, data_part, text = self._stored(key)
            if data_part is not None:
                head_text, known_head = data_part
                entry[0] = [size, size + len(head_text), *known_head]
                texts.append(head_text)
                size += len(head_text)
            if text is not None:
                records_text, carriers_text = text
                entry[4] = [size, size + len(records_text), size + len(records_text) + len(carriers_text), *entry[4]]
                texts += [records_text, carriers_text]
                size += len(records_text) + len(carriers_text)
            kept[key] = entry
        index = json.dumps({"fingerprint": fingerprint(), **head, "entries": kept}, ensure_ascii=False,
                           separators=(",", ":")).encode("utf-8")
        try:
            path.parent.mkdir(exist_ok=True)  # never creates a missing corpus root
            atomic_replace(path, b"".join([MAGIC, b"%d\n" % len(index), index, *texts]))
        except OSError:
            return False
        return True

    def _blob_of(self, key: str) -> memoryview:
        return self.blob if key in self.base_keys else self.delta_blob

    def _stored(self, key: str) -> tuple[list, tuple[bytes, list] | None, tuple[bytes, bytes] | None]:
        """An entry as the file keeps it (the caller puts the spans in the first and last places),
        the text of its data with what the index knows of it ([id, title, cases named]; None for a
        file without data), and the texts of its deferred list and of that list's carriers."""
        data, error, problems, canonical, kept = self.entries[key]
        blob = self._blob_of(key)
        if isinstance(data, list):  # read from a file and not asked for: still in that file's blob
            start, end, *known_head = data
            head: tuple[bytes, list] | None = (bytes(blob[start:end]), known_head)
        elif isinstance(data, DeferredHead):
            head = (data.text(), [data.id, data.title, data.named])
        else:
            head = None
        if isinstance(kept, list):
            start, end, carriers_end, *known = kept
            return [None, error, problems, canonical, known], head, (bytes(blob[start:end]),
                                                                      bytes(blob[end:carriers_end]))
        if isinstance(kept, Deferred):
            known = [kept.dates, kept.learned, kept.marked]
            return [None, error, problems, canonical, known], head, (kept.text(), kept.carriers_text())
        if not isinstance(data, dict):
            return [None, error, problems, canonical, None], head, None
        records = data.get(DEFERRED_KEY)
        if not isinstance(records, list):
            return [None, error, problems, canonical, None], (_json(data), _known_head(data)), None
        head_data = {key: (None if key == DEFERRED_KEY else value) for key, value in data.items()}
        carriers = [r.get("carrier") for r in records]  # the schema passed them: mappings with a carrier
        dates = sorted({date for r in records
                        if isinstance(date := r.get("date"), str) and date not in ("", UNKNOWN_DATE)})
        learned = [[i, case, r.get("carrier")] for i, r in enumerate(records)
                   if isinstance(r.get("learned_from"), dict) and (case := r["learned_from"].get("case"))]
        known = [dates, learned, marked_audience(records)]
        return [None, error, problems, canonical, known], (_json(head_data), _known_head(data)), \
            (_json(records), _json(carriers))


def _known_head(data: dict) -> list:
    """What the index keeps beside a file's data: its id, its title and the cases it names."""
    title = data.get("title")
    life = data.get("lifecycle")
    successor = life.get("superseded_by") if isinstance(life, dict) else None
    named = [*(data.get("related") or ()), *([successor] if isinstance(successor, str) else [])]
    return [str(data.get("id")), title if isinstance(title, str) else None, [n for n in named if isinstance(n, str)]]


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _span_fits(start: Any, end: Any, blob: memoryview) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(blob)


def marked_audience(value: Any) -> bool:
    """Whether anything in `value` (however deep) says `audience:` other than public."""
    if isinstance(value, dict):
        audience = value.get("audience")
        if audience is not None and audience != PUBLIC:
            return True
        return any(marked_audience(item) for item in value.values() if isinstance(item, dict | list))
    if isinstance(value, list):
        return any(marked_audience(item) for item in value if isinstance(item, dict | list))
    return False


def _read_part(path: Path, expected: str) -> tuple[dict, memoryview]:
    """The index (its entries emptied if another fingerprint wrote it) and the blob of one cache file."""
    index, blob = _split(path.read_bytes())
    stored = json.loads(index)
    if stored.get("fingerprint") != expected or not isinstance(stored.get("entries"), dict):
        stored = {"entries": {}}
    return stored, blob


def _split(raw: bytes) -> tuple[bytes, memoryview]:
    """The index and the blob of deferred lists; ValueError if the file is not one of ours."""
    if not raw.startswith(MAGIC):
        raise ValueError("not a load cache")
    length_end = raw.index(b"\n", len(MAGIC))
    length = int(raw[len(MAGIC):length_end])
    start = length_end + 1
    if length < 0 or start + length > len(raw):
        raise ValueError("a truncated load cache")
    view = memoryview(raw)
    return raw[start:start + length], view[start + length:]
