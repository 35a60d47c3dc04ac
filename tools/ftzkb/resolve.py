"""One resolver for every reference a person types: a carrier, a case, a vocabulary value
(category, carrier type, status …) or a recognition level or batch.

A reference may be written as the id (any case, spaces for hyphens), the full Chinese name, the
short name, the English label, or an unambiguous prefix or part of one of them (`昆山经开区` →
`kunshan-etdz`, `金融` → `finance`, `kunshan-e` → `kunshan-etdz`). An ambiguous or unknown one is
refused with a message listing the nearest matches with their ids.

Matching goes in tiers and stops at the first that matches anything: the id itself, a whole name,
a prefix, a part. One match is the answer; several are ambiguous (a prefix shared by two carriers
does not silently pick one). Work is done only as far as it is needed: an exact id is checked
without looking at any name, so a command given ids pays nothing (`Resolver.resolve`).

Where the names come from: a loaded `Corpus` (`carriers_of`, `cases_of`), the files on disk for
commands that do not load the corpus (`carriers_on_disk`, `cases_on_disk`: the top-level name
lines of each file, cached by mtime and size in `.ftzkb-cache/`), the vocabularies (`vocabulary`),
or any mapping of ids to names (`Resolver(kind, names)`, e.g. from the search index).

Normalising every name (`key`) costs a corpus of 5,000 cases tens of milliseconds, so the names
cache keeps each file's keys too, and beside it a `NameIndex` — every key, one line per id — that
a lookup searches without normalising anything. A disk resolver trusts the index as it trusts the
names cache (the directory's mtime; its answer is confirmed in its file); a corpus resolver (of
`INDEXED_FROM` ids or more) only if the index was made from exactly its names (`names_digest`),
else it answers the plain way and stores an index of its own names for the next run. Either way
the answer is the plain one.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from pathlib import Path
from typing import TYPE_CHECKING

from ftzkb.i18n import current_lang, pick
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, cache_dir
from ftzkb.textunits import fold

if TYPE_CHECKING:
    from ftzkb.load.model import Corpus

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SHOWN = 6  # candidates named in a message
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PARENTHETICAL = re.compile(r"[（(][^）)]*[）)]")
_BATCH = re.compile(r"^(?P<level>.+?)\s*(?:-|第)\s*(?P<n>\d{1,3})\s*批?$")

Names = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Kind:
    """What is being referred to, for messages: `home` is where its ids live (carriers/), or None
    for a vocabulary."""

    zh: str
    en: str
    home: str | None = None


CARRIER = Kind("载体", "carrier", f"{CARRIERS_DIRNAME}/")
CASE = Kind("案例", "case", f"{CASES_DIRNAME}/")


class Unresolved(Exception):
    """A reference that names nothing, or several things; `candidates` are the nearest ids."""

    def __init__(self, zh: str, en: str, candidates: Sequence[str] = (), ambiguous: bool = False) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en
        self.candidates, self.ambiguous = tuple(candidates), ambiguous

    @property
    def message(self) -> str:
        return pick(self.zh, self.en)


_NOT_KEY = re.compile(r"[\W_]+")
_LATIN = re.compile("[a-z0-9]")
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")  # full-width letters and digits


def key(text: str) -> str:
    """What matching compares: lower case, full-width folded, only letters, digits and Han
    (`中国(江苏)` and `中国（江苏）` agree, so do `kunshan etdz` and `kunshan-etdz`)."""
    return _NOT_KEY.sub("", fold(text))


def looks_like_id(text: str) -> bool:
    return bool(ID.match(text))


class Resolver:
    """References of one kind. `names` maps id -> names (or is a function giving that mapping,
    called only when a reference is not an exact id); `is_id` answers "is this an id?" cheaply
    (default: membership in the names); `index`, if given, gives a `NameIndex` of these names (or
    None) when one is first needed: the fast path, which answers as the plain one does."""

    def __init__(self, kind: Kind, names: Names | Callable[[], Names],
                 is_id: Callable[[str], bool] | None = None,
                 index: Callable[[Resolver], NameIndex | None] | None = None) -> None:
        self.kind = kind
        self._names = names
        self._is_id = is_id
        self._lines: tuple[list[tuple[str, str]], list[int], str] | None = None
        self._index_source = index
        self._index: NameIndex | None = None

    @property
    def names(self) -> Names:
        if callable(self._names):
            self._names = self._names()
        return self._names

    def is_id(self, text: str) -> bool:
        return self._is_id(text) if self._is_id is not None else text in self.names

    def resolve(self, text: str) -> str:
        """The id `text` refers to; raises Unresolved."""
        given = text.strip()
        for candidate in dict.fromkeys((given, given.lower())):
            if candidate and self.is_id(candidate):
                return candidate
        if not given:
            raise Unresolved(f"{self.kind.zh}不能为空", f"the {self.kind.en} is empty")
        for found in self._tiers(key(given)):
            if len(found) == 1:
                return found[0]
            if found:
                raise self._ambiguous(given, found)
        raise self._unknown(given)

    def name_index(self) -> NameIndex | None:
        """The index of these names, if one was given and could be had."""
        if self._index_source is not None:
            self._index, self._index_source = self._index_source(self), None
        return self._index

    def display(self, item: str) -> str:
        """How an id is named in a message: its first name in the current language."""
        names = [n for n in self.names.get(item, ()) if n]
        if current_lang() == "en":
            latin = [n for n in names if not _HAN.search(n)]
            names = latin or names
        return names[0] if names else item

    # --- the tiers ---------------------------------------------------------------------------

    def _tiers(self, wanted: str) -> Iterator[list[str]]:
        """The ids each tier finds, in the order of the names: from the index when there is one,
        else from the names that may hold `wanted` (`_holding`)."""
        if not wanted:
            return
        index = self.name_index()
        if index is None:
            candidates = self._holding(wanted)
            for tier in (_exact, _prefix, _part):
                yield tier(candidates, wanted)
            return
        yield from index.tiers(wanted)

    def _holding(self, wanted: str, loose: bool = False) -> list[tuple[str, str]]:
        """(id, key) of the ids and names that may hold `wanted` (each tier matches a part of a
        key): one regular-expression pass over all of them, lower-cased, finds the texts holding its
        first and last characters (with `loose`, any pair of its characters), and only those are
        normalised — a national corpus has tens of thousands of names."""
        items, starts, blob = self._texts()
        if loose:
            pairs = {wanted[i:i + 2] for i in range(len(wanted) - 1)} or {wanted}
            pattern = "^[^\n]*(?:" + "|".join(map(re.escape, sorted(pairs))) + ")[^\n]*$"
        else:
            first, last = re.escape(wanted[0]), re.escape(wanted[-1])
            pattern = f"^(?=[^\n]*{first})(?=[^\n]*{last})[^\n]*$"
        if _LATIN.search(wanted):  # ＱＦＬＰ in a name answers to QFLP
            pattern += f"|^[^\n]*{_WIDE.pattern}[^\n]*$"
        found = []
        for match in re.finditer(pattern, blob, re.M):
            index = bisect_right(starts, match.start()) - 1
            found.append((items[index][0], key(items[index][1])))
        return found

    def _texts(self) -> tuple[list[tuple[str, str]], list[int], str]:
        """Every (id, text) — the id and each name — with where its lower-cased line starts in one blob."""
        if self._lines is None:
            items = [(item, text) for item, names in self.names.items() for text in (item, *names) if text]
            lowered = [text.lower().replace("\n", " ") for _, text in items]
            starts = list(accumulate((len(t) + 1 for t in lowered[:-1]), initial=0)) if lowered else []
            self._lines = (items, starts, "\n".join(lowered))
        return self._lines

    # --- messages ----------------------------------------------------------------------------

    def _ambiguous(self, given: str, found: list[str]) -> Unresolved:
        zh, en = self._listing(given, found)
        return Unresolved(f"{self.kind.zh}“{given}”不明确，有 {len(found)} 个符合{zh}请写得更完整，或写 id",
                          f"{self.kind.en} '{given}' is ambiguous: {len(found)} match{en} Write more of it, or the id",
                          found, ambiguous=True)

    def _unknown(self, given: str) -> Unresolved:
        near = self.nearest(given)
        zh, en = self._listing(given, near)
        home = self.kind.home
        if home is None:
            return Unresolved(f"“{given}”不是{self.kind.zh}词表中的值{zh or self._choices()[0]}",
                              f"'{given}' is not a {self.kind.en} value{en or self._choices()[1]}", near)
        if not _HAN.search(given) and not looks_like_id(given):
            return Unresolved(f"{self.kind.zh} id“{given}”只能用小写字母、数字和连字符{zh}",
                              f"{self.kind.en} id '{given}' may use only a-z, 0-9 and hyphens{en}", near)
        return Unresolved(f"{self.kind.zh}“{given}”不在 {home} 中{zh}",
                          f"{self.kind.en} '{given}' is not in {home}{en}", near)

    def _choices(self) -> tuple[str, str]:
        values = list(self.names)
        shown = ", ".join(values[:12]) + (" …" if len(values) > 12 else "")
        return f"；可选：{shown}", f"; choose from: {shown}"

    def _listing(self, given: str, items: Sequence[str]) -> tuple[str, str]:
        """`，是不是“a”或“b”？` — ids alone when an id was typed, else names with their ids."""
        if not items:
            return "", ""
        shown = list(items[:SHOWN])
        more = len(items) - len(shown)
        if looks_like_id(given.lower()) or (self.kind.home is None and given.isascii()):
            zh_items, en_items = [f"“{item}”" for item in shown], shown
        else:
            zh_items = [self._named(item, "“{name}”（{id}）") for item in shown]
            en_items = [self._named(item, "{name} ({id})") for item in shown]
        return (f"，是不是{_series(zh_items, '、', '或')}{f'（另有 {more} 个）' if more else ''}？",
                f"; did you mean {_series(en_items, ', ', ' or ')}{f' (and {more} more)' if more else ''}?")

    def _named(self, item: str, pattern: str) -> str:
        name = self.display(item)
        return f"“{item}”" if name == item and "“" in pattern else pattern.format(name=name, id=item)

    def nearest(self, given: str, limit: int = 3) -> list[str]:
        """Ids near an unknown reference: the closest spellings among the ids and names sharing a
        pair of characters with it (difflib over every name would cost a national corpus most of
        a second)."""
        wanted = key(given)
        spelled: dict[str, str] = {}
        for item, k in self._holding(wanted, loose=True) if wanted else ():
            spelled.setdefault(k, item)
            spelled.setdefault(item, item)
        close = difflib.get_close_matches(given.strip().lower(), list(spelled), n=limit * 2, cutoff=0.6)
        close += difflib.get_close_matches(wanted, list(spelled), n=limit * 2, cutoff=0.6)
        return list(dict.fromkeys(spelled[c] for c in close))[:limit]


def _exact(candidates: list[tuple[str, str]], wanted: str) -> list[str]:
    return list(dict.fromkeys(item for item, k in candidates if k == wanted))


def _prefix(candidates: list[tuple[str, str]], wanted: str) -> list[str]:
    return list(dict.fromkeys(item for item, k in candidates if k.startswith(wanted))) if _prefix_long(wanted) else []


def _part(candidates: list[tuple[str, str]], wanted: str) -> list[str]:
    return list(dict.fromkeys(item for item, k in candidates if wanted in k)) if _part_long(wanted) else []


def _prefix_long(wanted: str) -> bool:
    """Long enough to be taken as the start of a name."""
    return len(wanted) >= 2


def _part_long(wanted: str) -> bool:
    """Long enough to be taken as a part of a name."""
    return len(wanted) >= (2 if _HAN.search(wanted) else 3)


_FIELD, _LINE = " ", "|"  # in a NameIndex: around each key, between lines (`key` leaves out both)


@dataclass(frozen=True)
class NameIndex:
    """Every id's and name's key worked out ahead: one line per id, in the order of the names, its
    keys each between spaces, lines between bars (` kunshanetdz 昆山经开区 昆山经济技术开发区 |…`), so a
    tier is a plain text search: keys hold only letters, digits and Han. (Neither character needs
    escaping in JSON, which halves the time to read the index.) `digest` is `names_digest` of the
    names it was made from."""

    ids: tuple[str, ...]
    lines: str
    digest: str

    @classmethod
    def of(cls, names: Names, digest: str | None = None) -> NameIndex:
        ids = tuple(names)
        return cls(ids, _LINE.join(key_line(item, names[item]) for item in ids), digest or names_digest(names))

    def tiers(self, wanted: str) -> Iterator[list[str]]:
        """The ids whose keys equal `wanted`, then those starting with it, then those holding it."""
        yield self._holding(f"{_FIELD}{wanted}{_FIELD}")
        yield self._holding(f"{_FIELD}{wanted}") if _prefix_long(wanted) else []
        yield self._holding(wanted) if _part_long(wanted) else []

    def _holding(self, text: str) -> list[str]:
        """The ids of the lines holding `text`, each once (one pass: each hit's line is counted on
        from the one before)."""
        lines, found = self.lines, dict[str, None]()
        line = counted = 0
        at = lines.find(text)
        while at != -1:
            line += lines.count(_LINE, counted, at)
            counted = at
            found[self.ids[line]] = None
            end = lines.find(_LINE, at)
            at = lines.find(text, end) if end != -1 else -1
        return list(found)


def key_line(item: str, names: Iterable[str]) -> str:
    """One id's line of a `NameIndex`."""
    return _FIELD + _FIELD.join(key(text) for text in (item, *names) if text) + _FIELD


_HASHED_AS = "utf-16-le"  # how names_digest hashes text: for Han, close to a copy (UTF-8 is three times slower)


def names_digest(names: Names) -> str:
    """What a `NameIndex` is keyed by: the ids in order, each with its names. Hashed as the ids, the
    number of names of each and all the names, texts joined by NUL (a few milliseconds at 5,000
    cases); in JSON where that would not be one to one (a text holding a NUL)."""
    import hashlib

    ids = "\0".join(names)
    every = "\0".join(list(chain.from_iterable(names.values())))  # a list first: twice as fast
    try:
        counts = bytes(map(len, names.values()))
    except ValueError:  # 256 names or more for one id
        counts = b""
    separated = ids.count("\0") == max(len(names) - 1, 0) and every.count("\0") == max(sum(counts) - 1, 0)
    digest = hashlib.sha1(usedforsecurity=False)  # a cache key; twice as quick as blake2b here
    if separated and len(counts) == len(names):
        for part in (ids.encode(_HASHED_AS, "surrogatepass"), counts, every.encode(_HASHED_AS, "surrogatepass")):
            digest.update(len(part).to_bytes(8, "big") + part)
    else:
        digest.update(b"json" + json.dumps(list(names.items())).encode())
    return digest.hexdigest()


def _series(items: Sequence[str], comma: str, last: str) -> str:
    """a、b或c / a, b or c."""
    return items[0] if len(items) == 1 else comma.join(items[:-1]) + last + items[-1]


# --- where names come from ---------------------------------------------------------------------


def carriers_of(corpus: Corpus) -> Resolver:
    carriers = corpus.carriers
    return Resolver(CARRIER, lambda: {c.id: _carrier_names(c.short_name, c.name, c.name_en)
                                      for c in carriers.values()}, is_id=carriers.__contains__,
                    index=lambda resolver: index_of_names(corpus.root, CARRIERS_DIRNAME, resolver.names))


def cases_of(corpus: Corpus) -> Resolver:
    cases = corpus.cases
    return Resolver(CASE, lambda: {c.id: (c.title, c.title_en) if c.title_en else (c.title,) for c in cases.values()},
                    is_id=cases.__contains__,
                    index=lambda resolver: index_of_names(corpus.root, CASES_DIRNAME, resolver.names))


def _carrier_names(short: str | None, name: str, english: str | None) -> tuple[str, ...]:
    return tuple(n for n in (short, name, english) if n)


def carriers_on_disk(root: Path) -> Resolver:
    """Carriers by their files, for commands that do not load the corpus."""
    return DiskResolver(CARRIER, Path(root), CARRIERS_DIRNAME)


def cases_on_disk(root: Path) -> Resolver:
    return DiskResolver(CASE, Path(root), CASES_DIRNAME)


class DiskResolver(Resolver):
    """Ids by file; names from the cached name lines (`names_on_disk`). The cache is trusted while
    the directory's mtime stands (a file added, removed or replaced moves it); an answer found that
    way is confirmed by reading its one file, and anything else — no answer, several, or a name the
    file no longer has — is worked out again from every file's mtime and size."""

    def __init__(self, kind: Kind, root: Path, dirname: str) -> None:
        folder = root / dirname
        super().__init__(kind, lambda: names_on_disk(root, dirname, quick=True),
                         is_id=lambda text: looks_like_id(text) and (folder / f"{text}.yaml").is_file(),
                         index=lambda _: index_on_disk(root, dirname))
        self.root, self.dirname, self.folder = root, dirname, folder

    fresh = False  # the names were read file by file in this process

    def resolve(self, text: str) -> str:
        try:
            found = super().resolve(text)
        except Unresolved:
            if self.fresh or not text.strip():
                raise
            self._reread()
            return super().resolve(text)
        if self.fresh or self._confirmed(found, text):
            return found
        self._reread()
        return super().resolve(text)

    def _confirmed(self, found: str, text: str) -> bool:
        """The id itself was typed, or its file still has the name that matched."""
        wanted = key(text)
        return found in (text.strip(), text.strip().lower()) or any(
            wanted in key(n) for n in (found, *_names_in(self.folder / f"{found}.yaml")))

    def _reread(self) -> None:
        """Every file's names afresh; from now on matched the plain way (the index may be stale)."""
        self._names, self._lines, self.fresh = names_on_disk(self.root, self.dirname), None, True
        self._index_source, self._index = None, None


def vocabulary(name: str) -> Resolver:
    """A controlled vocabulary: values, their zh/en labels, and the labels without their
    parenthetical part (`要素自由流动（人才、数据、技术）` also answers to `要素自由流动`)."""
    from ftzkb.vocab import vocab

    words = vocab(name)
    table = {value: _label_names(words.labels.get(value, {})) for value in words.values}
    return Resolver(Kind(words.title_zh, name.replace("_", " ")), table)


def _label_names(labels: Mapping[str, str]) -> tuple[str, ...]:
    zh, en = labels.get("zh", ""), labels.get("en", "")
    shorter = [_PARENTHETICAL.sub("", n).strip() for n in (zh, en)]
    return tuple(dict.fromkeys(n for n in (zh, en, *shorter) if n))


def recognitions(batches: Iterable[str] | None = None) -> Resolver:
    """Recognition levels and batches (`provincial-replication-1`, also `全省复制推广第1批`).
    With `batches` None any batch number of a known level is accepted (the search index alone
    does not list them); with the corpus's batch keys, only those."""
    from ftzkb.vocab import vocab

    levels = vocab("recognition_level")
    level_names = {value: _label_names(levels.labels.get(value, {})) for value in levels.values}
    batch_names: dict[str, tuple[str, ...]] = {}
    for batch in batches or ():
        level, _, number = batch.rpartition("-")
        batch_names[batch] = tuple(f"{label}第{number}批" for label in level_names.get(level, ()) if _HAN.search(label))
    return _RecognitionResolver(level_names, batch_names, open_batches=batches is None)


class _RecognitionResolver(Resolver):
    """Levels and batches; a batch may also be written as a level (its id or name) and a number."""

    def __init__(self, levels: Names, batches: Names, open_batches: bool) -> None:
        super().__init__(Kind("认定层级或批次", "recognition level or batch"), {**levels, **batches})
        self.levels = Resolver(Kind("认定层级", "recognition level"), levels)
        self.batches = Resolver(Kind("批次", "batch"), batches)
        self.open_batches = open_batches

    def resolve(self, text: str) -> str:
        try:
            return super().resolve(text)
        except Unresolved as first:
            batch = _BATCH.match(text.strip())
            if not batch:
                raise
            error = first
        try:
            level = self.levels.resolve(batch.group("level"))
        except Unresolved as wrong_level:
            raise (wrong_level if wrong_level.ambiguous else error) from None
        found = f"{level}-{int(batch.group('n'))}"
        if self.open_batches or found in self.names:
            return found
        near = self.batches.nearest(found)
        zh, en = self._listing(found, near)
        raise Unresolved(f"没有批次“{text.strip()}”{zh}", f"no batch '{text.strip()}'{en}", near)


# --- names of files on disk --------------------------------------------------------------------

NAMES_CACHE_FORMAT = 2  # 2: each file's entry ends with its line of the name index
INDEX_FORMAT = 1
# Below this many ids a loaded corpus's names are matched the plain way: checking and reading an
# index costs as much as it saves (at 600 carriers, a few milliseconds either way).
INDEXED_FROM = 1000
_NAME_LINE = re.compile(rb"^(title|title_en|name|short_name|name_en):[ \t]*(.*?)[ \t]*\r?$", re.M)
_HEAD_BYTES = 8192  # the names are near the top of a file in canonical layout


def names_on_disk(root: Path, dirname: str, quick: bool = False) -> dict[str, tuple[str, ...]]:
    """id (file stem) -> names from the top-level name lines of every file in `root/dirname`,
    reading only files whose mtime or size changed since the cache in `.ftzkb-cache/` was written.
    With `quick`, the cache is taken as it is while the directory's mtime has not moved."""
    return {stem: tuple(entry[2]) for stem, entry in _files_on_disk(root, dirname, quick)[0].items()}


def _files_on_disk(root: Path, dirname: str, quick: bool) -> tuple[dict[str, list], NameIndex | None]:
    """stem -> [mtime_ns, size, names, index line], in the order of the file names (the loader's);
    the names cache and the name index beside it rewritten when anything changed (that index is
    returned too, else None)."""
    folder = root / dirname
    cache_path = cache_dir(root) / f"names-{dirname}.json"
    marks = _directory_marks(folder)
    if marks is None:
        return {}, None
    cached, cached_marks = _read_names_cache(cache_path)
    if quick and cached and cached_marks == marks:
        return cached, None
    found: dict[str, list] = {}
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".yaml") and e.is_file()]
    except OSError:
        return {}, None
    for entry in entries:
        stem = entry.name[:-5]
        stat = entry.stat()
        old = cached.get(stem)
        if old and old[0] == stat.st_mtime_ns and old[1] == stat.st_size:
            found[stem] = old
        else:
            names = _names_in(Path(entry.path))
            found[stem] = [stat.st_mtime_ns, stat.st_size, names, key_line(stem, names)]
    found = dict(sorted(found.items(), key=lambda item: item[0] + ".yaml"))  # in the loader's order
    if found == cached and marks == cached_marks:
        return found, None
    _write_names_cache(cache_path, found, marks)
    index = _index_of_files(found)
    _write_index(_index_path(root, dirname), index, marks)
    return found, index


def _directory_marks(folder: Path) -> list | None:
    try:
        return [os.stat(folder).st_mtime_ns]
    except OSError:
        return None


def index_on_disk(root: Path, dirname: str) -> NameIndex | None:
    """The name index of the files in `root/dirname`, trusted while the directory's mtime stands
    (as the names cache is); made from the names cache when it does not. None without caches."""
    if not _caching():
        return None
    marks = _directory_marks(root / dirname)
    if marks is None:
        return None
    stored = _read_index(_index_path(root, dirname))
    if stored is not None and stored[1] == marks:
        return stored[0]
    files, written = _files_on_disk(root, dirname, quick=True)
    if written is not None:
        return written
    index = _index_of_files(files)
    _write_index(_index_path(root, dirname), index, marks)
    return index


def index_of_names(root: Path, dirname: str, names: Names) -> NameIndex | None:
    """The stored name index, if it was made from exactly these names (a loaded corpus's). If not,
    None — the plain path answers — and an index of these names is stored for the next run, unless
    the stored one is the current index of the files themselves (these names then differ from the
    files', e.g. files with errors left out: storing would only take turns with `index_on_disk`)."""
    if not _caching() or len(names) < INDEXED_FROM:
        return None
    path = _index_path(root, dirname)
    digest = names_digest(names)
    stored = _read_index(path)
    if stored is not None and stored[0].digest == digest:
        return stored[0]
    if stored is None or stored[1] is None or stored[1] != _directory_marks(root / dirname):
        _write_index(path, NameIndex.of(names, digest), None)
    return None


def _index_of_files(files: dict[str, list]) -> NameIndex:
    return NameIndex(tuple(files), _LINE.join(entry[3] for entry in files.values()),
                     names_digest({stem: entry[2] for stem, entry in files.items()}))


def _index_path(root: Path, dirname: str) -> Path:
    return cache_dir(root) / f"names-{dirname}-index.json"


def _read_index(path: Path) -> tuple[NameIndex, list | None] | None:
    """The stored index and the directory marks it was made under (None: made from a corpus's names)."""
    if not _caching():
        return None
    try:
        stored = json.loads(path.read_bytes())
        if stored.get("format") == INDEX_FORMAT:
            ids, lines, digest = stored["ids"], stored["lines"], stored["digest"]
            if isinstance(ids, list) and isinstance(lines, str) and (
                    lines.count(_LINE) == len(ids) - 1 if ids else not lines):
                return NameIndex(tuple(ids), lines, str(digest)), stored.get("directory")
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    return None


def _write_index(path: Path, index: NameIndex, marks: list | None) -> None:
    document = {"format": INDEX_FORMAT, "directory": marks, "digest": index.digest, "ids": list(index.ids),
                "lines": index.lines}
    _write_cache(path, document)


def _names_in(path: Path) -> list[str]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return []
    order = {"short_name": 0, "title": 1, "name": 1, "title_en": 2, "name_en": 2}
    pairs = sorted(((m.group(1).decode(), _scalar(m.group(2))) for m in _NAME_LINE.finditer(head)),
                   key=lambda pair: order[pair[0]])
    return list(dict.fromkeys(value for _, value in pairs if value))


def _scalar(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    return text.split(" #", 1)[0].strip()


def _caching() -> bool:
    return os.environ.get("FTZKB_NO_CACHE", "") in ("", "0")


def _read_names_cache(path: Path) -> tuple[dict[str, list], list | None]:
    if not _caching():
        return {}, None
    try:
        stored = json.loads(path.read_bytes())
        files = stored.get("files")
        if stored.get("format") == NAMES_CACHE_FORMAT and isinstance(files, dict) and all(
                isinstance(entry, list) and len(entry) == 4 for entry in files.values()):
            return files, stored.get("directory")
    except (OSError, ValueError, AttributeError):
        pass
    return {}, None


def _write_names_cache(path: Path, files: dict[str, list], marks: list) -> None:
    _write_cache(path, {"format": NAMES_CACHE_FORMAT, "directory": marks, "files": files})


def _write_cache(path: Path, document: dict) -> None:
    if not _caching():
        return
    from ftzkb.fsio import atomic_replace

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_replace(path, json.dumps(document, ensure_ascii=False).encode())
    except (OSError, UnicodeError):  # UnicodeError: a lone surrogate from an escape in a name
        pass  # a cache that cannot be written costs time, never an answer
