"""The one model of the corpus: cases, their adoptions, and the carrier registry.

Records are built only from files that passed the schema, so constructors can
trust shapes. Each record keeps its file and the loaded YAML (for positions).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ftzkb.dates import UNKNOWN, PartialDate, parse_date
from ftzkb.load.cache import Deferred, DeferredHead
from ftzkb.load.yamlload import LoadedYaml
from ftzkb.vocab import INTERNAL as INTERNAL  # the audience values, kept importable from the model
from ftzkb.vocab import PUBLIC


@dataclass(frozen=True)
class Text:
    text: str
    audience: str = PUBLIC

    @classmethod
    def of(cls, value: Any) -> Text | None:
        if value is None:
            return None
        if isinstance(value, dict):
            return cls(value["text"], value.get("audience", PUBLIC))
        return cls(str(value))

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    document: str | None = None
    publisher: str | None = None
    date: str | None = None
    verification: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, data: dict) -> Source:
        values: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}  # the schema checked them
        return cls(**values)


@dataclass(frozen=True)
class Recognition:
    level: str
    batch: int | None = None
    date: str | None = None
    issuer: str | None = None
    document: str | None = None
    url: str | None = None
    verification: str | None = None
    note: Text | None = None

    @classmethod
    def of(cls, data: dict) -> Recognition:
        fields: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__ if k != "note"}
        return cls(**fields, note=Text.of(data.get("note")))

    @property
    def batch_key(self) -> str | None:
        """`provincial-replication-1`: how commands and pages name a batch."""
        return batch_key(self.level, self.batch) if self.batch else None


@dataclass(frozen=True)
class OutcomeFigure:
    """A sourced outcome figure of an adoption period or a flow: before → after, or a change."""

    metric: str
    source: Source
    label: str | None = None
    before: float | None = None
    after: float | None = None
    change_pct: float | None = None
    qualifier: str = "exact"
    unit: str | None = None
    as_of: str | None = None
    note: Text | None = None

    @classmethod
    def of(cls, data: dict) -> OutcomeFigure:
        return cls(data["metric"], Source.of(data["source"]), data.get("label"), data.get("before"),
                   data.get("after"), data.get("change_pct"), data.get("qualifier", "exact"), data.get("unit"),
                   data.get("as_of"), Text.of(data.get("note")))


def outcome_figures(data: dict) -> tuple[OutcomeFigure, ...]:
    figures = data.get("outcome_figures")
    return tuple(map(OutcomeFigure.of, figures)) if figures else ()


def batch_key(level: str, batch: int) -> str:
    return f"{level}-{batch}"


@dataclass(slots=True)  # not frozen: a frozen __init__ costs twice as much, over 100,000s of records
class Adoption:
    index: int
    carrier: str
    status: str
    date: str = "unknown"
    until: str | None = None
    mandate: str = "unknown"
    mandated_by: str | None = None
    learned_from_carrier: str | None = None
    learned_from_case: str | None = None
    evidence: tuple[Source, ...] = ()
    note: Text | None = None
    audience: str = PUBLIC
    outcome_figures: tuple[OutcomeFigure, ...] = ()

    @classmethod
    def of(cls, index: int, data: dict) -> Adoption:
        # Positional, and nothing built for absent parts: a corpus has 100,000s of these.
        get = data.get
        mandated, learned, evidence, note = get("mandated_by"), get("learned_from"), get("evidence"), get("note")
        return cls(index, data["carrier"], data["status"], get("date") or "unknown", get("until"),
                   get("mandate") or "unknown", batch_key(mandated["level"], mandated["batch"]) if mandated else None,
                   learned.get("carrier") if learned else None, learned.get("case") if learned else None,
                   tuple(map(Source.of, evidence)) if evidence else (), Text.of(note) if note is not None else None,
                   get("audience", PUBLIC), outcome_figures(data) if "outcome_figures" in data else ())

    @property
    def when(self) -> PartialDate | None:
        return parse_date(self.date)


class _Adoptions:
    """`Case.adoptions`: from the load cache the records are built on first read. A national
    corpus holds 100,000s of them and most queries read those of a few carriers only
    (`Case.record_carriers` answers which without building them)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    @overload
    def __get__(self, case: None, owner: type | None = None) -> tuple[Adoption, ...]: ...
    @overload
    def __get__(self, case: Case, owner: type | None = None) -> tuple[Adoption, ...]: ...

    def __get__(self, case: Case | None, owner: type | None = None) -> tuple[Adoption, ...]:
        if case is None:
            return ()  # the dataclass default
        value = case.__dict__[self.slot]
        if isinstance(value, Deferred):
            value = case.__dict__[self.slot] = adoptions_of(value.value())
        return value

    def __set__(self, case: Case, value: tuple[Adoption, ...] | Deferred) -> None:
        case.__dict__[self.slot] = value
        case.__dict__.pop(_BY_CARRIER, None)


_BY_CARRIER = "_records_by_carrier"  # a case's record positions per carrier, worked out on first ask


def adoptions_of(records: list[dict] | None) -> tuple[Adoption, ...]:
    return tuple(Adoption.of(i, a) for i, a in enumerate(records or ()))


@dataclass
class Case:
    id: str
    title: str
    summary: str
    origin_carrier: str
    started: str
    categories: tuple[str, ...]
    sources: tuple[Source, ...]
    path: Path
    loaded: LoadedYaml
    title_en: str | None = None
    problem: Text | None = None
    measures: Text | None = None
    outcomes: Text | None = None
    origin_unit: str | None = None
    linkage: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    suited_carrier_types: tuple[str, ...] = ()
    replication_scope: str = "unknown"
    preconditions_note: Text | None = None
    related: tuple[str, ...] = ()
    lifecycle: str = "active"
    superseded_by: str | None = None
    lifecycle_note: Text | None = None
    audience: str = PUBLIC
    adoptions: _Adoptions = _Adoptions()
    note: Text | None = None

    @classmethod
    def of(cls, data: dict, path: Path, loaded: LoadedYaml) -> Case:
        """`data` as the loader gives it: with the adoptions deferred (`loaded.deferred`) or not."""
        origin = data["origin"]
        pre = data.get("preconditions") or {}
        life = data.get("lifecycle") or {}
        return cls(
            id=data["id"], title=data["title"], summary=data["summary"],
            origin_carrier=origin["carrier"], started=origin.get("started") or "unknown",
            origin_unit=origin.get("unit"),
            categories=tuple(data["categories"]),
            sources=tuple(Source.of(s) for s in data["sources"]),
            path=path, loaded=loaded,
            title_en=data.get("title_en"),
            problem=Text.of(data.get("problem")), measures=Text.of(data.get("measures")),
            outcomes=Text.of(data.get("outcomes")),
            linkage=tuple(data.get("linkage") or ()), tags=tuple(data.get("tags") or ()),
            recognitions=tuple(Recognition.of(r) for r in data.get("recognitions") or ()),
            suited_carrier_types=tuple(pre.get("carrier_types") or ()),
            replication_scope=pre.get("scope", "unknown"),
            preconditions_note=Text.of(pre.get("note")),
            related=tuple(data.get("related") or ()),
            lifecycle=life.get("status", "active"), superseded_by=life.get("superseded_by"),
            lifecycle_note=Text.of(life.get("note")),
            audience=data.get("audience", PUBLIC),
            adoptions=loaded.deferred if loaded.deferred is not None else adoptions_of(data.get("adoptions")),
            note=Text.of(data.get("note")),
        )

    @classmethod
    def deferred(cls, head: DeferredHead, path: Path, loaded: LoadedYaml) -> Case:
        """A case known by its id, file and records (deferred as loaded), whose other fields are
        decoded and built from `head` when one is first read (see `__getattr__`). A whole-corpus
        validate after an edit reads a few hundred of 5,000 cases."""
        case = cls.__new__(cls)
        case.__dict__.update(id=head.id, path=path, loaded=loaded, _head=head)
        if head.title is not None:
            case.__dict__["title"] = head.title
        # No deferred list: the file has no records (the cache keeps every list of them apart).
        case.adoptions = loaded.deferred if loaded.deferred is not None else adoptions_of(None)
        return case

    if not TYPE_CHECKING:  # for the type checker every field is there, as it is for every reader
        def __getattr__(self, name: str) -> Any:
            """Only for a field of a deferred case not read yet: build every field from its data."""
            head = self.__dict__.pop("_head", None) if not name.startswith("__") else None
            if head is None:
                raise AttributeError(name)
            built = Case.of(head.value(), self.path, self.loaded)
            for item in fields(Case):
                if item.name not in self.__dict__ and item.name != "adoptions":
                    self.__dict__[item.name] = getattr(built, item.name)
            return getattr(self, name)

    @property
    def start(self) -> PartialDate | None:
        return parse_date(self.started)

    def record_carriers(self) -> list[str]:
        """The carrier of each adoption record, in order, without building records not yet built."""
        value = self.__dict__["_adoptions"]
        return value.carriers if isinstance(value, Deferred) else [a.carrier for a in value]

    def records_of(self, carrier_id: str) -> tuple[Adoption, ...]:
        """One carrier's records of this case, all periods, in order. From the load cache only
        these are built; the positions are grouped by carrier once (every carrier's ledger asks)."""
        groups = self.__dict__.get(_BY_CARRIER)
        if groups is None:
            groups = {}
            for position, carrier in enumerate(self.record_carriers()):
                groups.setdefault(carrier, []).append(position)
            self.__dict__[_BY_CARRIER] = groups
        positions = groups.get(carrier_id, ())
        value = self.__dict__["_adoptions"]
        if isinstance(value, Deferred):
            records = value.value()
            return tuple(Adoption.of(i, records[i]) for i in positions)
        return tuple(value[i] for i in positions)

    def learned_cases(self) -> list[tuple[int, str, str]]:
        """(index in the file, case id learned from, carrier) of each adoption record that learned
        from a case, without building them."""
        value = self.__dict__["_adoptions"]
        if isinstance(value, Deferred):
            return [(i, case_id, carrier) for i, case_id, carrier in value.learned]
        return [(a.index, a.learned_from_case, a.carrier) for a in value if a.learned_from_case]

    def named_cases(self) -> set[str]:
        """The cases this one names: related, its successor, and those its records learned from
        (from the load cache's index, without building the case)."""
        head = self.__dict__.get("_head")
        if head is not None:
            named = head.named
        else:
            named = [*self.related, *([self.superseded_by] if self.superseded_by else [])]
        return {*named, *(case_id for _, case_id, _ in self.learned_cases())}

    def records_marked(self) -> bool | None:
        """Whether anything in the adoption records is marked for an audience other than the public;
        None when the records were built (then only they can say)."""
        value = self.__dict__["_adoptions"]
        return value.marked if isinstance(value, Deferred) else None

    def record_dates(self) -> list[str]:
        """The distinct known dates of the adoption records, sorted, without building them."""
        value = self.__dict__["_adoptions"]
        return value.dates if isinstance(value, Deferred) else sorted({a.date for a in value if a.date != UNKNOWN})

    @property
    def batch_keys(self) -> tuple[str, ...]:
        return tuple(k for r in self.recognitions if (k := r.batch_key))


# A dataclass keeps each default as a class attribute, which would answer for a deferred case's
# unbuilt fields (its `related` would read () instead of reaching `__getattr__`). `__init__` and
# `replace` take the defaults from the fields, so the class attributes can go; the descriptor stays.
for _field in fields(Case):
    if _field.name != "adoptions" and _field.name in Case.__dict__:
        delattr(Case, _field.name)
del _field


@dataclass(frozen=True)
class ReportedFigure:
    metric: str
    value: int
    as_of: str
    source: Source
    qualifier: str = "exact"
    label: str | None = None
    note: str | None = None
    carrier_type: str | None = None  # for the metric carrier-count: which type was counted

    @classmethod
    def of(cls, data: dict) -> ReportedFigure:
        return cls(metric=data["metric"], value=data["value"], as_of=data["as_of"],
                   source=Source.of(data["source"]), qualifier=data.get("qualifier", "exact"),
                   label=data.get("label"), note=data.get("note"), carrier_type=data.get("carrier_type"))


@dataclass(frozen=True)
class CarrierFlow:
    """A replication between carriers that a source reports (or plans) without naming cases:
    shown beside the case-level counts as *reported*, never split into adoption records."""

    index: int  # its place in the carrier file's `flows` list
    recorded_in: str  # the carrier whose file holds it
    kind: str  # reported | planned
    subject: str
    date: str
    evidence: tuple[Source, ...]
    verification: str
    source_carrier: str | None = None
    source_label: str | None = None
    target_carrier: str | None = None
    target_label: str | None = None
    count: int | None = None
    qualifier: str = "exact"
    outcome_figures: tuple[OutcomeFigure, ...] = ()
    note: Text | None = None

    @classmethod
    def of(cls, index: int, recorded_in: str, data: dict) -> CarrierFlow:
        return cls(index, recorded_in, data["kind"], data["subject"], data["date"],
                   tuple(map(Source.of, data["evidence"])), data["verification"], data.get("from"),
                   data.get("from_label"), data.get("to"), data.get("to_label"), data.get("count"),
                   data.get("qualifier", "exact"), outcome_figures(data), Text.of(data.get("note")))


@dataclass
class Carrier:
    id: str
    name: str
    types: tuple[str, ...]
    province: str
    sources: tuple[Source, ...]
    path: Path
    loaded: LoadedYaml
    short_name: str | None = None
    name_en: str | None = None
    parent: str | None = None
    city: str | None = None
    established: str | None = None
    dates: tuple[tuple[str, str], ...] = ()
    area_km2: float | None = None
    membership: str = "verified"
    reported_figures: tuple[ReportedFigure, ...] = ()
    flows: tuple[CarrierFlow, ...] = ()
    note: Text | None = None
    audience: str = PUBLIC

    @classmethod
    def of(cls, data: dict, path: Path, loaded: LoadedYaml) -> Carrier:
        return cls(
            id=data["id"], name=data["name"], types=tuple(data["types"]), province=data["province"],
            sources=tuple(Source.of(s) for s in data["sources"]), path=path, loaded=loaded,
            short_name=data.get("short_name"), name_en=data.get("name_en"), parent=data.get("parent"),
            city=data.get("city"), established=data.get("established"),
            dates=tuple((d["date"], d["event"]) for d in data.get("dates") or ()),
            area_km2=data.get("area_km2"), membership=data.get("membership", "verified"),
            reported_figures=tuple(ReportedFigure.of(f) for f in data.get("reported_figures") or ()),
            flows=tuple(CarrierFlow.of(i, data["id"], f) for i, f in enumerate(data.get("flows") or ())),
            note=Text.of(data.get("note")), audience=data.get("audience", PUBLIC),
        )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass
class Corpus:
    root: Path
    cases: dict[str, Case] = field(default_factory=dict)
    carriers: dict[str, Carrier] = field(default_factory=dict)

    def carrier_flows(self) -> list[CarrierFlow]:
        """Every carrier-level flow, each once (it is recorded in one of its two ends' files)."""
        return [flow for carrier in self.carriers.values() for flow in carrier.flows]

    def carrier_name(self, carrier_id: str) -> str:
        carrier = self.carriers.get(carrier_id)
        return carrier.display_name if carrier else carrier_id
