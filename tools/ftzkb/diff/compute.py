"""Comparing two loaded corpora (pure, no git): records and fields, adoptions per carrier."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TypeVar

from ftzkb.collate import pinyin_key
from ftzkb.diagnostics import Diagnostic
from ftzkb.gitrepo import GitError
from ftzkb.i18n import pick
from ftzkb.load import schema
from ftzkb.load.layout import child_schema
from ftzkb.load.model import INTERNAL, PUBLIC, Adoption, Carrier, Case, Corpus
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
_KIND_ORDER = {ADDED: 0, CHANGED: 1, REMOVED: 2}
_KIND_WORDS = {ADDED: ("新增", "added"), CHANGED: ("修改", "changed"), REMOVED: ("删除", "removed")}
_SCALARS = (str, int, float, bool, type(None))
_DATA_DIRS = (CASES_DIRNAME, CARRIERS_DIRNAME)


class DiffError(GitError):
    """A revision that cannot be read (unknown name, not a git repository): a usage error."""


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted, e.g. "origin.started"
    label_zh: str
    label_en: str
    old: Any = None  # kept for short scalar values only
    new: Any = None
    internal: bool = False  # the value is internal-only text: kept out of a public feed

    def label(self, lang: str | None = None) -> str:
        return pick(self.label_zh, self.label_en, lang)


@dataclass(frozen=True)
class RecordChange:
    """A case or a carrier added, changed or removed."""

    kind: str
    id: str
    name: str  # case title or carrier name
    fields: tuple[FieldChange, ...] = ()
    audience: str = PUBLIC


@dataclass(frozen=True)
class AdoptionChange:
    """One carrier's adoption record of one case, added, changed or removed."""

    kind: str
    carrier: str
    carrier_name: str
    case: str
    case_title: str
    old_status: str | None = None
    new_status: str | None = None
    date: str | None = None
    fields: tuple[FieldChange, ...] = ()
    audience: str = PUBLIC


@dataclass(frozen=True)
class LoadProblem:
    """A changed file that could not be loaded at one side of the comparison."""

    side: str  # "base" or "head"
    revision: str
    diagnostic: Diagnostic

    def as_dict(self) -> dict:
        return {"side": self.side, "revision": self.revision, **self.diagnostic.as_dict()}


_Change = TypeVar("_Change", RecordChange, AdoptionChange)


@dataclass
class CorpusDiff:
    base: str = ""
    head: str = ""
    cases: list[RecordChange] = field(default_factory=list)
    carriers: list[RecordChange] = field(default_factory=list)
    adoptions: list[AdoptionChange] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.cases or self.carriers or self.adoptions or self.problems)

    @property
    def head_unreadable(self) -> bool:
        return any(p.side == "head" for p in self.problems)

    def count(self, items: str, kind: str) -> int:
        return sum(change.kind == kind for change in getattr(self, items))

    def adoptions_by_carrier(self) -> list[tuple[str, str, list[AdoptionChange]]]:
        """(carrier id, carrier name, its changes), carriers in pinyin order of their names."""
        groups: dict[str, list[AdoptionChange]] = defaultdict(list)
        for change in self.adoptions:
            groups[change.carrier].append(change)
        ordered = sorted(groups.items(), key=lambda item: (pinyin_key(item[1][0].carrier_name), item[0]))
        return [(carrier, changes[0].carrier_name, changes) for carrier, changes in ordered]

    def public(self) -> CorpusDiff:
        """The same diff without anything marked internal (for a public site's change feed)."""
        def visible(changes: list[_Change]) -> Iterator[_Change]:
            for change in changes:
                kept = replace(change, fields=tuple(f for f in change.fields if not f.internal))
                if change.audience != INTERNAL and (kept.fields or not change.fields):
                    yield kept

        return CorpusDiff(self.base, self.head, cases=list(visible(self.cases)),
                          carriers=list(visible(self.carriers)), adoptions=list(visible(self.adoptions)))

    def as_dict(self) -> dict:
        return {"base": self.base, "head": self.head,
                "summary": {items: {kind: self.count(items, kind) for kind in _KIND_ORDER}
                            for items in ("cases", "adoptions", "carriers")},
                "cases": [asdict(c) for c in self.cases],
                "adoptions": [asdict(a) for a in self.adoptions],
                "carriers": [asdict(c) for c in self.carriers],
                "problems": [p.as_dict() for p in self.problems]}


@dataclass(frozen=True)
class RevisionChange:
    """One commit of the history, for the change feed."""

    commit: str
    date: str  # ISO 8601, committer date
    author: str
    subject: str
    diff: CorpusDiff


# ---------------------------------------------------------------- comparing two corpora


def diff_corpora(old: Corpus, new: Corpus, unreadable: Collection[str] = (),
                 carrier_names: Mapping[str, str] | None = None) -> CorpusDiff:
    """Compare two loaded corpora. Ids in `unreadable` (files that failed to load on one side) are
    neither added nor removed: their absence says nothing about the data. `carrier_names` names the
    carriers that neither corpus holds (when only the changed files were loaded)."""
    result = CorpusDiff()
    names = {**(carrier_names or {}), **{k: c.display_name for k, c in old.carriers.items()},
             **{k: c.display_name for k, c in new.carriers.items()}}
    for kind, case_id in _keyed_changes(old.cases, new.cases, unreadable, ignore=("adoptions",)):
        old_case, new_case = old.cases.get(case_id), new.cases.get(case_id)
        case = new_case or old_case
        assert case is not None  # a changed id is on one side at least
        fields = _field_changes("case", old_case, new_case, ignore=("id", "adoptions")) if kind == CHANGED else ()
        if kind != CHANGED or fields:
            result.cases.append(RecordChange(kind, case_id, case.title, fields, case.audience))
    for case_id in sorted(old.cases.keys() | new.cases.keys()):
        if case_id not in unreadable:
            result.adoptions.extend(_adoption_changes(old.cases.get(case_id), new.cases.get(case_id), names))
    for kind, carrier_id in _keyed_changes(old.carriers, new.carriers, unreadable, ignore=()):
        old_carrier, new_carrier = old.carriers.get(carrier_id), new.carriers.get(carrier_id)
        carrier = new_carrier or old_carrier
        assert carrier is not None  # a changed id is on one side at least
        fields = _field_changes("carrier", old_carrier, new_carrier, ignore=("id",)) if kind == CHANGED else ()
        result.carriers.append(RecordChange(kind, carrier_id, carrier.display_name, fields, carrier.audience))
    _sort(result)
    return result


def _keyed_changes(old: dict, new: dict, unreadable: Collection[str], ignore: tuple[str, ...]
                   ) -> Iterator[tuple[str, str]]:
    for key in old.keys() | new.keys():
        if key in unreadable:
            continue
        if key not in old:
            yield ADDED, key
        elif key not in new:
            yield REMOVED, key
        elif _without(old[key].loaded.data, ignore) != _without(new[key].loaded.data, ignore):
            yield CHANGED, key


def _without(data: dict, keys: tuple[str, ...]) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def _sort(result: CorpusDiff) -> None:
    def by_kind_and_name(change: RecordChange) -> tuple[int, tuple[str, ...], str]:
        return _KIND_ORDER[change.kind], pinyin_key(change.name), change.id

    result.cases.sort(key=by_kind_and_name)
    result.carriers.sort(key=by_kind_and_name)
    result.adoptions.sort(key=lambda a: (pinyin_key(a.carrier_name), a.carrier, _KIND_ORDER[a.kind],
                                         pinyin_key(a.case_title), a.case, a.date or ""))


def _field_changes(kind: str, before: Case | Carrier | None, after: Case | Carrier | None, ignore: tuple[str, ...]
                   ) -> tuple[FieldChange, ...]:
    assert before is not None and after is not None  # only a record on both sides has changed fields
    return tuple(_diff_mapping(before.loaded.data, after.loaded.data, schema.raw_schema(kind), (), ignore))


def _diff_mapping(old: dict, new: dict, node_schema: dict, prefix: tuple[str, ...],
                  ignore: tuple[str, ...] = ()) -> Iterator[FieldChange]:
    """Changed keys in schema order; one level of nested mappings is broken down (origin.started)."""
    keys = [k for k in _schema_order(node_schema, old, new) if k not in ignore]
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        sub_schema = child_schema(node_schema, key)
        if isinstance(before, dict) and isinstance(after, dict) and not prefix:
            yield from _diff_mapping(before, after, sub_schema, (key,))
        else:
            yield _field_change((*prefix, key), sub_schema, before, after)


def _schema_order(node_schema: dict, *mappings: dict) -> list[str]:
    declared = list(schema.resolve(node_schema).get("properties", {}))
    present = [k for m in mappings for k in m]
    return [k for k in declared if k in present] + sorted({k for k in present if k not in declared})


def _field_change(path: tuple[str, ...], field_schema: dict, before: Any, after: Any) -> FieldChange:
    zh, en = _description(field_schema, path[-1])
    short = isinstance(before, _SCALARS) and isinstance(after, _SCALARS)
    internal = any(isinstance(v, dict) and v.get("audience") == INTERNAL for v in (before, after))
    return FieldChange(".".join(path), zh, en, before if short else None, after if short else None, internal)


def _description(field_schema: dict, fallback: str) -> tuple[str, str]:
    """The zh/en label of a field: its schema description, "中文 / English"."""
    text = schema.resolve(field_schema).get("description", "")
    zh, _, en = text.partition(" / ")
    zh, en = zh.split("（")[0].strip(), en.split(" (")[0].strip()
    return zh or fallback, en or fallback


# ---------------------------------------------------------------- adoptions, per carrier

_Record = tuple[Adoption, dict]  # an adoption and its plain data as written


def _adoption_changes(before: Case | None, after: Case | None, names: dict[str, str]) -> Iterator[AdoptionChange]:
    current = after or before
    if current is None:  # on neither side: nothing to compare
        return
    old_by_carrier, new_by_carrier = _by_carrier(before), _by_carrier(after)
    item_schema = schema.resolve(child_schema(schema.raw_schema("case"), "adoptions")).get("items", {})
    for carrier in sorted(old_by_carrier.keys() | new_by_carrier.keys()):
        for old, new in _pair_periods(old_by_carrier.get(carrier, []), new_by_carrier.get(carrier, [])):
            change = _adoption_change(current, names.get(carrier, carrier), old, new, item_schema)
            if change is not None:
                yield change


def _by_carrier(case: Case | None) -> dict[str, list[_Record]]:
    groups: dict[str, list[_Record]] = defaultdict(list)
    if case is not None:
        written = case.loaded.data.get("adoptions") or []
        for adoption in case.adoptions:
            groups[adoption.carrier].append((adoption, written[adoption.index]))
    return groups


def _pair_periods(old: list[_Record], new: list[_Record]) -> list[tuple[_Record | None, _Record | None]]:
    """Match one carrier's records across revisions: a single record on both sides is the same record
    (its date may have changed); several periods are matched by date, the rest in order."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    pairs: list[tuple[_Record | None, _Record | None]] = []
    unmatched_new, unmatched_old = list(new), []
    for record in old:
        same_date = next((n for n in unmatched_new if n[0].date == record[0].date), None)
        if same_date is None:
            unmatched_old.append(record)
        else:
            unmatched_new.remove(same_date)
            pairs.append((record, same_date))
    for index in range(max(len(unmatched_old), len(unmatched_new))):
        pairs.append((unmatched_old[index] if index < len(unmatched_old) else None,
                      unmatched_new[index] if index < len(unmatched_new) else None))
    return pairs


def _adoption_change(case: Case, carrier_name: str, old: _Record | None, new: _Record | None,
                     item_schema: dict) -> AdoptionChange | None:
    fields: tuple[FieldChange, ...] = ()
    if old is not None and new is not None:
        fields = tuple(_diff_mapping(old[1], new[1], item_schema, (), ignore=("carrier",)))
        if not fields:
            return None
        kind = CHANGED
    else:
        kind = ADDED if old is None else REMOVED
    record = new or old
    assert record is not None  # periods are paired with one side at least
    shown = record[0]
    audience = INTERNAL if INTERNAL in (case.audience, shown.audience) else shown.audience
    return AdoptionChange(kind, shown.carrier, carrier_name, case.id, case.title,
                          old[0].status if old else None, new[0].status if new else None, shown.date, fields,
                          audience)


