"""The adoption matrix (cases × carriers) and the origin × adopter flow counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ftzkb.load.model import Case, Corpus
from ftzkb.replication.core import ADOPTED, carrier_order, case_order, index_of, is_ftz, primary_type, year_of
from ftzkb.vocab import vocab


@dataclass(frozen=True)
class MatrixFilters:
    """Empty tuples mean "no restriction". `origins` take carrier ids or carrier types;
    `recognitions` take levels (`provincial-replication`) or batch keys (`provincial-replication-1`);
    `years` is an inclusive (first, last) range of adoption years."""

    origins: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    carrier_types: tuple[str, ...] = ()
    recognitions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    years: tuple[int, int] | None = None

    @property
    def restricts_cells(self) -> bool:
        return bool(self.carrier_types or self.statuses or self.years)


@dataclass(frozen=True)
class Cell:
    status: str
    date: str
    mandate: str
    mandated_by: str | None = None
    learned_from: str | None = None


@dataclass
class MatrixRow:
    case_id: str
    title: str
    origin: str
    origin_name: str
    started: str
    categories: tuple[str, ...]
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Matrix:
    rows: list[MatrixRow]
    carriers: list[str]  # column order
    carrier_names: dict[str, str]

    def as_dict(self) -> dict:
        """Plain data for JSON; a cell leaves out the fields it does not have."""
        return {"carriers": [{"id": c, "name": self.carrier_names[c]} for c in self.carriers],
                "rows": [{**{k: v for k, v in vars(row).items() if k != "cells"},
                          "cells": {c: _cell_dict(cell) for c, cell in row.cells.items()}} for row in self.rows]}


def _cell_dict(cell: Cell) -> dict:
    return {k: v for k, v in (("status", cell.status), ("date", cell.date), ("mandate", cell.mandate),
                              ("mandated_by", cell.mandated_by), ("learned_from", cell.learned_from)) if v is not None}


def case_matches(corpus: Corpus, case: Case, filters: MatrixFilters) -> bool:
    if filters.origins and not _origin_matches(corpus, case, filters.origins):
        return False
    if filters.categories and not set(filters.categories) & set(case.categories):
        return False
    if filters.recognitions:
        names = {r.level for r in case.recognitions} | set(case.batch_keys)
        if not names & set(filters.recognitions):
            return False
    return True


def _origin_matches(corpus: Corpus, case: Case, origins: tuple[str, ...]) -> bool:
    if case.origin_carrier in origins:
        return True
    carrier = corpus.carriers.get(case.origin_carrier)
    return carrier is not None and bool(set(carrier.types) & set(origins))


def _cell_matches(corpus: Corpus, carrier_id: str, cell: Cell, filters: MatrixFilters) -> bool:
    if filters.statuses and cell.status not in filters.statuses:
        return False
    if filters.carrier_types:
        carrier = corpus.carriers.get(carrier_id)
        if carrier is None or not set(carrier.types) & set(filters.carrier_types):
            return False
    if filters.years:
        year = year_of(cell.date)
        if year is None or not filters.years[0] <= year <= filters.years[1]:
            return False
    return True


def adoption_matrix(corpus: Corpus, filters: MatrixFilters | None = None) -> Matrix:
    """One row per case (ordered by start date), one column per carrier that holds a cell,
    each cell the carrier's current record. With cell filters (status, carrier type, year),
    rows left without cells are dropped."""
    filters = filters or MatrixFilters()
    index = index_of(corpus)
    rows: list[MatrixRow] = []
    for case in case_order(c for c in corpus.cases.values() if case_matches(corpus, c, filters)):
        cells = {carrier_id: Cell(r.status, r.date, r.mandate, r.mandated_by, r.learned_from_carrier)
                 for carrier_id, r in index.current[case.id].items()}
        if filters.restricts_cells:
            cells = {k: v for k, v in cells.items() if _cell_matches(corpus, k, v, filters)}
        if cells or not filters.restricts_cells:
            rows.append(MatrixRow(case.id, case.title, case.origin_carrier, corpus.carrier_name(case.origin_carrier),
                                  case.started, case.categories, cells))
    columns = carrier_order(corpus, (c for row in rows for c in row.cells))
    return Matrix(rows, columns, {c: corpus.carrier_name(c) for c in columns})


def status_counts(matrix: Matrix) -> dict[str, int]:
    counts = Counter(cell.status for row in matrix.rows for cell in row.cells.values())
    return {status: counts[status] for status in vocab("adoption_status").values if counts[status]}


@dataclass
class Flow:
    """Adoptions counted by origin (row) and adopter (column), grouped by carrier or by type.
    `directions` sums the two ways of replication: FTZ → other carriers and other carriers → FTZ."""

    group_by: str
    origins: list[str]
    adopters: list[str]
    counts: dict[tuple[str, str], int]
    directions: dict[str, int]

    def count(self, origin: str, adopter: str) -> int:
        return self.counts.get((origin, adopter), 0)

    def as_dict(self) -> dict:
        return {"group_by": self.group_by, "origins": self.origins, "adopters": self.adopters,
                "counts": [{"origin": o, "adopter": a, "count": n} for (o, a), n in sorted(self.counts.items())],
                "directions": self.directions}


DIRECTIONS = ("ftz-to-ftz", "ftz-to-other", "other-to-ftz", "other-to-other")


def flow_matrix(corpus: Corpus, group_by: str = "carrier", statuses: frozenset[str] = ADOPTED) -> Flow:
    """`group_by` is "carrier" (ids) or "type" (each carrier's primary type)."""
    index = index_of(corpus)
    group = {c.id: (primary_type(c) if group_by == "type" else c.id) for c in corpus.carriers.values()}
    side = {c.id: "ftz" if is_ftz(c) else "other" for c in corpus.carriers.values()}
    counts: Counter[tuple[str, str]] = Counter()
    directions: Counter[str] = Counter({d: 0 for d in DIRECTIONS})
    records = index.adopted() if statuses == ADOPTED else (
        (case, record) for case in corpus.cases.values() for record in index.current[case.id].values()
        if record.status in statuses)
    for case, record in records:
        origin, adopter = case.origin_carrier, record.carrier
        counts[group.get(origin, origin), group.get(adopter, adopter)] += 1
        directions[f"{side.get(origin, 'other')}-to-{side.get(adopter, 'other')}"] += 1
    origins = _flow_axis(corpus, group_by, {o for o, _ in counts})
    adopters = _flow_axis(corpus, group_by, {a for _, a in counts})
    return Flow(group_by, origins, adopters, dict(counts), dict(directions))


def _flow_axis(corpus: Corpus, group_by: str, keys: set[str]) -> list[str]:
    if group_by == "type":
        order = vocab("carrier_type").values
        return sorted(keys, key=lambda t: order.index(t) if t in order else len(order))
    return carrier_order(corpus, keys)
