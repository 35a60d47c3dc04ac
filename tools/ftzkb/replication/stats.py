"""Figures per carrier and per FTZ area: cases originated, replicated outward (to whom),
adopted inward (from whom), by year and category; time to adopt; cumulative curves; and
the figures sources reported, beside the ones computed from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ftzkb.dates import parse_date
from ftzkb.load.model import Adoption, Carrier, Case, Corpus, ReportedFigure
from ftzkb.replication.core import (
    ADOPTED,
    DURATION_NOTE_EN,
    DURATION_NOTE_ZH,
    Duration,
    Index,
    carrier_order,
    days_between,
    index_of,
    is_ftz,
)

UNDATED = "unknown"


@dataclass(frozen=True)
class CurvePoint:
    month: str  # YYYY-MM
    count: int  # cumulative


@dataclass(frozen=True)
class Curve:
    points: tuple[CurvePoint, ...]
    undated: int


@dataclass(frozen=True)
class FigureComparison:
    """A reported figure and what the knowledge base's records give for the same metric and date."""

    metric: str
    reported: int
    qualifier: str
    as_of: str
    label: str | None
    source_title: str
    source_url: str | None
    computed: int | None  # None: the records cannot give this metric
    covers: tuple[str, ...] = ()  # the carriers whose cases the computed figure counts


@dataclass
class CarrierStats:
    carrier_id: str
    name: str
    types: tuple[str, ...]
    is_ftz: bool
    originated: list[str]
    outward: int  # adoptions of its cases by other carriers
    outward_cases: int  # its cases adopted at least once
    outward_to: dict[str, int]
    inward: int  # cases it adopted
    inward_from: dict[str, int]
    in_progress: int  # piloting or planned
    by_year: dict[str, dict[str, int]]
    by_category: dict[str, dict[str, int]]
    time_to_adopt_inward: Duration
    time_to_adopt_outward: Duration
    inward_curve: Curve
    outward_curve: Curve
    reported: list[FigureComparison] = field(default_factory=list)
    duration_note: tuple[str, str] = (DURATION_NOTE_ZH, DURATION_NOTE_EN)

    def as_dict(self) -> dict:
        return asdict(self)


def _adopted(index: Index, case: Case) -> list[tuple[str, Adoption]]:
    return [(c, r) for c, r in index.current[case.id].items() if r.status in ADOPTED]


def _bump(table: dict[str, dict[str, int]], key: str, column: str) -> None:
    row = table.setdefault(key, {"originated": 0, "outward": 0, "inward": 0})
    row[column] += 1


def _year_key(text: str | None) -> str:
    date = parse_date(text)
    return str(date.year) if date else UNDATED


def carrier_stats(corpus: Corpus, carrier_id: str) -> CarrierStats:
    """Raises KeyError for an unknown carrier."""
    carrier = corpus.carriers[carrier_id]
    index = index_of(corpus)
    by_year: dict[str, dict[str, int]] = {}
    by_category: dict[str, dict[str, int]] = {}
    originated = index.originated_by.get(carrier_id, [])
    outward_to: Counter[str] = Counter()
    outward_records: list[tuple[Case, Adoption]] = []
    for case in originated:
        _bump(by_year, _year_key(case.started), "originated")
        for category in case.categories:
            _bump(by_category, category, "originated")
        for adopter, record in _adopted(index, case):
            outward_to[adopter] += 1
            outward_records.append((case, record))
            _bump(by_year, _year_key(record.date), "outward")
            for category in case.categories:
                _bump(by_category, category, "outward")
    inward_from: Counter[str] = Counter()
    inward_records = index.inward.get(carrier_id, [])
    for case, record in inward_records:
        inward_from[case.origin_carrier] += 1
        _bump(by_year, _year_key(record.date), "inward")
        for category in case.categories:
            _bump(by_category, category, "inward")
    in_progress = index.in_progress[carrier_id]
    return CarrierStats(
        carrier_id=carrier_id, name=carrier.display_name, types=carrier.types, is_ftz=is_ftz(carrier),
        originated=[case.id for case in originated], outward=len(outward_records),
        outward_cases=len({case.id for case, _ in outward_records}),
        outward_to=_ordered_counts(corpus, outward_to), inward=len(inward_records),
        inward_from=_ordered_counts(corpus, inward_from), in_progress=in_progress,
        by_year=dict(sorted(by_year.items())), by_category=by_category,
        time_to_adopt_inward=time_to_adopt(inward_records), time_to_adopt_outward=time_to_adopt(outward_records),
        inward_curve=cumulative_curve(r.date for _, r in inward_records),
        outward_curve=cumulative_curve(r.date for _, r in outward_records),
        reported=[compare_figure(corpus, index, carrier, figure) for figure in carrier.reported_figures],
    )


def _ordered_counts(corpus: Corpus, counts: Counter[str]) -> dict[str, int]:
    """Largest first; ties in the usual carrier order."""
    order = {c: i for i, c in enumerate(carrier_order(corpus, counts))}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], order[item[0]])))


def time_to_adopt(records: Iterable[tuple[Case, Adoption]]) -> Duration:
    return Duration.of(days_between(case.started, record.date) for case, record in records)


def cumulative_curve(dates: Iterable[str]) -> Curve:
    """Adoptions counted month by month; a year-only date counts in its middle month (July),
    a "no later than" date in its last month."""
    per_month: Counter[str] = Counter()
    undated = 0
    for text in dates:
        month = _month(text)
        if month is None:
            undated += 1
        else:
            per_month[month] += 1
    points, total = [], 0
    for month in sorted(per_month):
        total += per_month[month]
        points.append(CurvePoint(month, total))
    return Curve(tuple(points), undated)


@lru_cache(maxsize=65536)
def _month(text: str | None) -> str | None:
    date = parse_date(text)
    if date is None:
        return None
    day = date.latest if date.no_later_than else date.midpoint
    return f"{day.year:04d}-{day.month:02d}"


def area_stats(corpus: Corpus) -> list[CarrierStats]:
    """The stats of every FTZ carrier (the zone as a whole and its areas), FTZ-first order."""
    ftz = [c for c in corpus.carriers.values() if is_ftz(c)]
    return [carrier_stats(corpus, carrier_id) for carrier_id in carrier_order(corpus, (c.id for c in ftz))]


@dataclass(frozen=True)
class CarrierSummary:
    carrier_id: str
    name: str
    types: tuple[str, ...]
    originated: int
    outward: int
    inward: int
    in_progress: int
    median_days_inward: float | None


def carrier_overview(corpus: Corpus) -> list[CarrierSummary]:
    """One line per carrier, for the overview table (cheaper than full stats for all)."""
    index = index_of(corpus)
    rows = []
    for carrier_id in carrier_order(corpus, corpus.carriers):
        carrier = corpus.carriers[carrier_id]
        inward = index.inward.get(carrier_id, [])
        rows.append(CarrierSummary(carrier_id, carrier.display_name, carrier.types,
                                   len(index.originated_by.get(carrier_id, [])), len(index.outward.get(carrier_id, [])),
                                   len(inward), index.in_progress[carrier_id],
                                   Duration.of(index.inward_days.get(carrier_id, [])).median_days))
    return rows


@dataclass(frozen=True)
class CorpusTotals:
    cases: int
    carriers: int
    records: int
    adopted: int
    in_progress: int
    directions: dict[str, int]
    time_to_adopt: Duration
    curve: Curve


def corpus_totals(corpus: Corpus) -> CorpusTotals:
    from ftzkb.replication.matrix import flow_matrix

    index = index_of(corpus)
    adopted = list(index.adopted())
    days = [d for values in index.inward_days.values() for d in values]
    return CorpusTotals(len(corpus.cases), len(corpus.carriers), sum(len(c.adoptions) for c in corpus.cases.values()),
                        len(adopted), sum(index.in_progress.values()), flow_matrix(corpus, "type").directions,
                        Duration.of(days), cumulative_curve(r.date for _, r in adopted))


# --- reported figures beside computed ones ---------------------------------------------------

def _within(cutoff: dt.date | None, text: str | None) -> bool:
    """Counted as of `cutoff`: dated no later than it, or undated (cannot be excluded)."""
    date = parse_date(text)
    return cutoff is None or date is None or date.earliest <= cutoff


def _recognised(levels: set[str]) -> Callable[[Corpus, Index, Case, dt.date | None], bool]:
    def test(corpus: Corpus, index: Index, case: Case, cutoff: dt.date | None) -> bool:
        return any(r.level in levels and _within(cutoff, r.date) for r in case.recognitions)
    return test


def _adopted_by_types(types: set[str] | None) -> Callable[[Corpus, Index, Case, dt.date | None], bool]:
    def test(corpus: Corpus, index: Index, case: Case, cutoff: dt.date | None) -> bool:
        for adopter, record in _adopted(index, case):
            carrier = corpus.carriers.get(adopter)
            if _within(cutoff, record.date) and (types is None or (carrier and set(carrier.types) & types)):
                return True
        return False
    return test


_METRIC_TESTS: dict[str, Callable[[Corpus, Index, Case, dt.date | None], bool]] = {
    "innovation-results": lambda corpus, index, case, cutoff: True,
    "firsts": _recognised({"first-in-country", "first-in-province"}),
    "replicated-nationwide": _recognised({"national-replication"}),
    "replicated-province": _recognised({"provincial-replication"}),
    "best-practice-cases": _recognised({"national-best-practice"}),
    "replicated-to-linked-zones": _adopted_by_types({"linked-innovation-zone"}),
    "promoted-outward": _adopted_by_types(None),
}


def reporting_unit(corpus: Corpus, carrier: Carrier) -> tuple[str, ...]:
    """The carriers a source's figure for `carrier` covers: itself, the carriers lying inside it
    (`parent`), and for a zone as a whole (`ftz`) the FTZ areas of its province."""
    members = {carrier.id}
    if "ftz" in carrier.types:
        members |= {c.id for c in corpus.carriers.values()
                    if "ftz-area" in c.types and c.province == carrier.province}
    children: dict[str, list[str]] = {}
    for other in corpus.carriers.values():
        if other.parent:
            children.setdefault(other.parent, []).append(other.id)
    pending = list(members)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in members:
                members.add(child)
                pending.append(child)
    return tuple(carrier_order(corpus, members))


def compare_figure(corpus: Corpus, index: Index, carrier: Carrier, figure: ReportedFigure) -> FigureComparison:
    """The computed figure counts the cases of the reporting unit that started by the figure's date
    and meet the metric by then; "other" has no computed counterpart."""
    as_of = parse_date(figure.as_of)
    cutoff = as_of.latest if as_of else None
    test = _METRIC_TESTS.get(figure.metric)
    unit = reporting_unit(corpus, carrier)
    computed = None
    if test is not None:
        computed = sum(1 for member in unit for case in index.originated_by.get(member, [])
                       if _within(cutoff, case.started) and test(corpus, index, case, cutoff))
    return FigureComparison(figure.metric, figure.value, figure.qualifier, figure.as_of, figure.label,
                            figure.source.title, figure.source.url, computed, unit)
