"""How much the corpus holds, and how much of it is known: counts of records, how many facts are
verified, how many dates are unknown, and what the corpus holds against the totals that sources
report (cases replicated nationally and province-wide, carriers of each type). Used by
`ftzkb coverage` and the site's 数据说明 page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from ftzkb.dates import parse_date
from ftzkb.load.model import Carrier, Corpus, ReportedFigure
from ftzkb.replication.core import ADOPTED, index_of
from ftzkb.replication.stats import compare_figure

VERIFICATION_KEYS = ("verified", "partial", "unverified", "unmarked")
# kind of fact / of date -> (zh, en), in the order they are shown
FACT_KINDS = {"case_sources": ("案例来源", "case sources"), "recognitions": ("认定与入选", "recognitions"),
              "adoption_evidence": ("复制记录的证据", "adoption evidence"),
              "carrier_sources": ("载体来源", "carrier sources"),
              "carrier_membership": ("载体身份", "carrier membership"),
              "reported_figures": ("公布的数字", "reported figures"),
              "flows": ("载体层面的流向", "carrier-level flows")}
DATE_KINDS = {"case_started": ("案例开始日期", "case start"), "adoptions": ("复制记录日期", "adoption dates"),
              "recognitions": ("认定日期", "recognition dates"),
              "carrier_established": ("载体设立日期", "carrier establishment")}
# Reported totals the corpus can be held against: the replication counts and the carrier counts.
TOTAL_METRICS = ("replicated-nationwide", "replicated-province", "carrier-count")


@dataclass(frozen=True)
class HeldTotal:
    """A total a source reports, and what the corpus holds of it."""

    carrier_id: str  # the carrier whose file records the figure
    metric: str
    carrier_type: str | None  # for carrier-count
    label: str | None
    reported: int
    qualifier: str
    as_of: str
    held: int | None  # None: the records cannot count it
    source_title: str
    source_url: str | None


@dataclass(frozen=True)
class DateGaps:
    unknown: int  # no usable date
    no_later_than: int  # only an upper bound ("<=2021-05")
    total: int


@dataclass
class Coverage:
    cases: int
    carriers: int
    adoption_records: int  # every period
    current_adopted: int  # carriers × cases whose current record is an adoption
    carriers_with_records: int
    flows: dict[str, int]  # reported | planned -> carrier-level flows
    verification: dict[str, dict[str, int]]  # kind of fact -> verified / partial / unverified / unmarked
    dates: dict[str, DateGaps]
    totals: list[HeldTotal] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def coverage(corpus: Corpus) -> Coverage:
    index = index_of(corpus)
    records = [record for case in corpus.cases.values() for record in case.adoptions]
    current = [record for per_case in index.current.values() for record in per_case.values()]
    involved = {r.carrier for r in records} | {c.origin_carrier for c in corpus.cases.values() if c.adoptions}
    flows = Counter(flow.kind for flow in corpus.carrier_flows())
    return Coverage(
        cases=len(corpus.cases), carriers=len(corpus.carriers), adoption_records=len(records),
        current_adopted=sum(1 for r in current if r.status in ADOPTED), carriers_with_records=len(involved),
        flows={"reported": flows.get("reported", 0), "planned": flows.get("planned", 0)},
        verification=_verification(corpus), dates=_dates(corpus), totals=held_totals(corpus))


def _count(marks: Iterable[str | None]) -> dict[str, int]:
    found = Counter(mark or "unmarked" for mark in marks)
    return {key: found.get(key, 0) for key in VERIFICATION_KEYS}


def _verification(corpus: Corpus) -> dict[str, dict[str, int]]:
    cases, carriers = corpus.cases.values(), corpus.carriers.values()
    return {
        "case_sources": _count(s.verification for c in cases for s in c.sources),
        "recognitions": _count(r.verification for c in cases for r in c.recognitions),
        "adoption_evidence": _count(s.verification for c in cases for a in c.adoptions for s in a.evidence),
        "carrier_sources": _count(s.verification for c in carriers for s in c.sources),
        "carrier_membership": _count(c.membership for c in carriers),
        "reported_figures": _count(f.source.verification for c in carriers for f in c.reported_figures),
        "flows": _count(f.verification for f in corpus.carrier_flows()),
    }


def _gaps(texts: Iterable[str | None]) -> DateGaps:
    unknown = bounded = total = 0
    for text in texts:
        total += 1
        date = parse_date(text)
        unknown += date is None
        bounded += date is not None and date.no_later_than
    return DateGaps(unknown, bounded, total)


def _dates(corpus: Corpus) -> dict[str, DateGaps]:
    cases = corpus.cases.values()
    return {"case_started": _gaps(c.started for c in cases),
            "adoptions": _gaps(a.date for c in cases for a in c.adoptions),
            "recognitions": _gaps(r.date for c in cases for r in c.recognitions),
            "carrier_established": _gaps(c.established for c in corpus.carriers.values())}


def held_totals(corpus: Corpus) -> list[HeldTotal]:
    """The latest figure of each reported total (per carrier, metric and counted type)."""
    latest: dict[tuple, tuple[Carrier, ReportedFigure]] = {}
    for carrier in corpus.carriers.values():
        for figure in carrier.reported_figures:
            if figure.metric not in TOTAL_METRICS:
                continue
            key = (carrier.id, figure.metric, figure.carrier_type)
            held = latest.get(key)
            if held is None or _when(figure) > _when(held[1]):
                latest[key] = (carrier, figure)
    order = {metric: i for i, metric in enumerate(TOTAL_METRICS)}
    rows = [_held(corpus, carrier, figure) for carrier, figure in latest.values()]
    return sorted(rows, key=lambda t: (order[t.metric], t.carrier_id, t.carrier_type or ""))


_UNDATED = dt.date(1900, 12, 31)  # the latest day of 1900: an undated figure is older than any dated one


def _when(figure: ReportedFigure) -> dt.date:
    date = parse_date(figure.as_of)
    return date.latest if date else _UNDATED


def _held(corpus: Corpus, carrier: Carrier, figure: ReportedFigure) -> HeldTotal:
    if figure.metric == "carrier-count":
        # what the source counts is the reporting carrier's province ("江苏有国家级经开区27家")
        held = sum(1 for c in corpus.carriers.values() if figure.carrier_type in c.types
                   and c.province == carrier.province) if figure.carrier_type else None
    else:
        held = compare_figure(corpus, index_of(corpus), carrier, figure).computed
    return HeldTotal(carrier.id, figure.metric, figure.carrier_type, figure.label, figure.value, figure.qualifier,
                     figure.as_of, held, figure.source.title, figure.source.url)
