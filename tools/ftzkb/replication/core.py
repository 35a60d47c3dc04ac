"""What every replication query shares: which record counts, who is eligible, how
carriers are ordered, and durations between partial dates.

A carrier can hold several records for one case (non-overlapping periods); the
*current* record is the open one (no `until`) with the latest date. Only `adopted`
and `adapted` count as adoptions; `piloting` and `planned` are in progress.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TypeVar

from ftzkb.dates import parse_date
from ftzkb.load.model import Adoption, Carrier, Case, Corpus
from ftzkb.vocab import vocab

ADOPTED = frozenset({"adopted", "adapted"})
IN_PROGRESS = frozenset({"piloting", "planned"})
FTZ_TYPES = frozenset({"ftz", "ftz-area"})
REPLICATION_LEVELS = frozenset({"national-replication", "provincial-replication"})
DURATION_METHOD = "midpoint"
DURATION_NOTE_ZH = ("按日期区间中点计算（只写年份取年中、只写年月取月中）；“不晚于”与不明日期不计；"
                    "复制早于首创的按 0 天计")
DURATION_NOTE_EN = ("computed from the midpoints of partial dates (year → mid-year, month → mid-month); "
                    "'no later than' and unknown dates are left out; adoptions dated before the origin count as 0 days")


def is_adopted(status: str) -> bool:
    return status in ADOPTED


def is_ftz(carrier: Carrier | None) -> bool:
    return carrier is not None and bool(FTZ_TYPES & set(carrier.types))


def eligible(case: Case, carrier: Carrier) -> bool:
    """A case with no preconditions suits every carrier; otherwise one of its types must match."""
    return suits(case, carrier.types)


def suits(case: Case, carrier_types: Iterable[str]) -> bool:
    """`eligible`, for a carrier of these types."""
    return not case.suited_carrier_types or not frozenset(carrier_types).isdisjoint(case.suited_carrier_types)


def record_rank(record: Adoption) -> tuple:
    """Records of one carrier compare by this; the greatest is the current one."""
    when = parse_date(record.date)
    return record.until is None, when.earliest if when else dt.date.min, record.index


def current_records(case: Case) -> dict[str, Adoption]:
    """Per adopting carrier, the record that describes its situation now."""
    best: dict[str, Adoption] = {}
    for record in case.adoptions:
        held = best.get(record.carrier)
        if held is None or record_rank(record) > record_rank(held):
            best[record.carrier] = record
    return best


def current_record(case: Case, carrier_id: str) -> Adoption | None:
    """The carrier's current record of the case (`current_records` for one carrier: only its
    records are built)."""
    records = case.records_of(carrier_id)
    return max(records, key=record_rank) if records else None


def year_of(text: str | None) -> int | None:
    date = parse_date(text)
    return None if date is None or date.no_later_than else date.year


@lru_cache(maxsize=65536)
def sort_date(text: str | None) -> dt.date:
    """For ordering by date; unknown dates go last."""
    date = parse_date(text)
    return date.midpoint if date else dt.date.max


@lru_cache(maxsize=65536)
def _midpoint_ordinal(text: str | None) -> int | None:
    date = parse_date(text)
    return None if date is None or date.no_later_than else date.midpoint.toordinal()


def days_between(start: str | None, end: str | None) -> int | None:
    """Days from one written date to another, by midpoints; None when either is unknown or only
    "no later than"; 0 when the second comes first."""
    first, second = _midpoint_ordinal(start), _midpoint_ordinal(end)
    if first is None or second is None:
        return None
    return max(0, second - first)


@dataclass(frozen=True)
class Duration:
    """Median days from a case's start to its adoption, over the pairs where both dates are usable."""

    median_days: float | None
    measured: int
    skipped: int
    method: str = DURATION_METHOD

    @classmethod
    def of(cls, days: Iterable[int | None]) -> Duration:
        values = list(days)
        known = [d for d in values if d is not None]
        median = float(statistics.median(known)) if known else None
        return cls(median, len(known), len(values) - len(known))


def type_rank(carrier: Carrier | None) -> int:
    order = vocab("carrier_type").values
    if carrier is None or not carrier.types:
        return len(order)
    return min(order.index(t) if t in order else len(order) for t in carrier.types)


def primary_type(carrier: Carrier | None) -> str:
    """The type a carrier is grouped under: its first listed type (FTZ types win)."""
    if carrier is None or not carrier.types:
        return "other"
    ftz = [t for t in carrier.types if t in FTZ_TYPES]
    return (ftz or list(carrier.types))[0]


def carrier_order(corpus: Corpus, carrier_ids: Iterable[str]) -> list[str]:
    """FTZ first, then by carrier type in vocabulary order, then by pinyin of the name;
    ids missing from the registry last."""
    rank = index_of(corpus).carrier_rank
    return sorted(set(carrier_ids), key=lambda c: (rank.get(c, len(rank)), c))


def _carrier_rank(corpus: Corpus) -> dict[str, int]:
    from ftzkb.collate import pinyin_key

    def key(carrier: Carrier) -> tuple:
        return type_rank(carrier), pinyin_key(carrier.display_name), carrier.id
    return {c.id: i for i, c in enumerate(sorted(corpus.carriers.values(), key=key))}


def case_order(cases: Iterable[Case]) -> list[Case]:
    return sorted(cases, key=lambda case: (sort_date(case.started), case.id))


T = TypeVar("T")


@dataclass
class Tables:
    """Current records, and cases and adoptions per carrier: one pass over every record."""

    current: dict[str, dict[str, Adoption]] = field(default_factory=dict)
    adopted_by: dict[str, list[tuple[Case, Adoption]]] = field(default_factory=lambda: defaultdict(list))
    originated_by: dict[str, list[Case]] = field(default_factory=lambda: defaultdict(list))
    # only current records with an adopted status: by adopter (inward) and by origin (outward)
    inward: dict[str, list[tuple[Case, Adoption]]] = field(default_factory=lambda: defaultdict(list))
    outward: dict[str, list[tuple[Case, Adoption]]] = field(default_factory=lambda: defaultdict(list))
    inward_days: dict[str, list[int | None]] = field(default_factory=lambda: defaultdict(list))  # time to adopt
    in_progress: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, corpus: Corpus) -> Tables:
        from ftzkb.load.loader import paused_gc

        tables = cls()
        with paused_gc():  # 100,000s of small tuples; the cycle collector would walk them again and again
            for case in corpus.cases.values():
                tables._add(case)
        return tables

    def _add(self, case: Case) -> None:
        records = current_records(case)
        self.current[case.id] = records
        self.originated_by[case.origin_carrier].append(case)
        outward = self.outward[case.origin_carrier]
        for carrier_id, record in records.items():
            self.adopted_by[carrier_id].append((case, record))
            if record.status in ADOPTED:
                self.inward[carrier_id].append((case, record))
                self.inward_days[carrier_id].append(days_between(case.started, record.date))
                outward.append((case, record))
            elif record.status in IN_PROGRESS:
                self.in_progress[carrier_id] += 1


@dataclass
class Index:
    """Lookups kept per corpus, each worked out on first use: the record tables (every record
    built and ranked), the carriers' order, and derived tables cached with them. One carrier's
    ledger needs neither of the first two."""

    corpus: Corpus
    signature: tuple = ()
    memo: dict = field(default_factory=dict)  # derived tables cached with the index (same lifetime)

    def remember(self, table: str, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, kept in the named table of derived results under `key`."""
        found = self.memo.setdefault(table, {})
        if key not in found:
            found[key] = compute()
        return found[key]

    @classmethod
    def build(cls, corpus: Corpus) -> Index:
        return cls(corpus, signature=_signature(corpus))

    @cached_property
    def tables(self) -> Tables:
        return Tables.of(self.corpus)

    @cached_property
    def carrier_rank(self) -> dict[str, int]:
        return _carrier_rank(self.corpus)

    @property
    def current(self) -> dict[str, dict[str, Adoption]]:
        return self.tables.current

    @property
    def adopted_by(self) -> dict[str, list[tuple[Case, Adoption]]]:
        return self.tables.adopted_by

    @property
    def originated_by(self) -> dict[str, list[Case]]:
        return self.tables.originated_by

    @property
    def inward(self) -> dict[str, list[tuple[Case, Adoption]]]:
        return self.tables.inward

    @property
    def outward(self) -> dict[str, list[tuple[Case, Adoption]]]:
        return self.tables.outward

    @property
    def inward_days(self) -> dict[str, list[int | None]]:
        return self.tables.inward_days

    @property
    def in_progress(self) -> Counter[str]:
        return self.tables.in_progress

    def adopted(self) -> Iterator[tuple[Case, Adoption]]:
        """Every current record with an adopted status."""
        for records in self.inward.values():
            yield from records


HOLDERS = "record-holders"


def record_holders(corpus: Corpus) -> dict[str, set[str]]:
    """carrier id -> the cases it holds records of: read off each case's list of record carriers
    (the records themselves are built only where a query then reads them)."""
    def compute() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for case in corpus.cases.values():
            for carrier_id in case.record_carriers():
                found.setdefault(carrier_id, set()).add(case.id)
        return found

    return index_of(corpus).remember(HOLDERS, None, compute)


def cases_held_by(corpus: Corpus, carrier_id: str) -> set[str]:
    """The cases one carrier holds records of. The first question looks through each case's record
    carriers for this one (a twentieth of the cost of making `record_holders`: one carrier's
    ledger asks once); from the second on, the table is made and answers (the site asks for every
    carrier)."""
    index = index_of(corpus)
    table = index.memo.get(HOLDERS, {}).get(None)
    if table is None:
        asked = index.remember("holders-asked", None, lambda: [0])  # how often, before the table was made
        asked[0] += 1
        if asked[0] == 1:
            return {case.id for case in corpus.cases.values() if carrier_id in case.record_carriers()}
        table = record_holders(corpus)
    return table.get(carrier_id, set())


def _signature(corpus: Corpus) -> tuple[int, int]:
    return len(corpus.cases), len(corpus.carriers)


_INDEXES: dict[int, Index] = {}


def index_of(corpus: Corpus, refresh: bool = False) -> Index:
    """The index of this corpus object, built on first use (a page build asks for it hundreds of
    times) and rebuilt when cases or carriers were added or removed; after replacing a case's
    adoptions in place, pass `refresh=True`."""
    index = _INDEXES.get(id(corpus))
    if refresh or index is None or index.corpus is not corpus or index.signature != _signature(corpus):
        if len(_INDEXES) >= 4:
            _INDEXES.clear()
        index = _INDEXES[id(corpus)] = Index.build(corpus)
    return index
