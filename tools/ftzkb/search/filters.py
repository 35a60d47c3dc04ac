"""Search filters: what they accept (vocabulary values or their Chinese/English labels, carrier ids
or names, year ranges) and the whoosh filter query they become. They work from stored index fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.query import Query

KINDS = ("case", "carrier")


class FilterError(Exception):
    """A filter value that names nothing (exit code 2), with did-you-mean hints."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Filters:
    """Values within one filter are alternatives (OR); different filters all apply (AND)."""

    origin: tuple[str, ...] = ()  # carrier ids where cases originated
    category: tuple[str, ...] = ()
    carrier_type: tuple[str, ...] = ()  # a case's origin carrier type; a carrier's own type
    suits: tuple[str, ...] = ()  # carrier types a case suits (preconditions)
    recognition: tuple[str, ...] = ()  # recognition levels or batches (provincial-replication-1)
    status: tuple[str, ...] = ()  # lifecycle status
    year_from: int | None = None  # year the case started, inclusive
    year_to: int | None = None
    kind: str | None = None  # "case" or "carrier"; None for both

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in ((), None) for f in fields(self))

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in ((), None)}


# filter -> (index field, vocabulary whose values it takes)
VOCABULARY_FILTERS = {
    "category": ("category", "category"), "carrier_type": ("carrier_type", "carrier_type"),
    "suits": ("suits", "carrier_type"), "recognition": ("recognition", "recognition_level"),
    "status": ("status", "lifecycle_status"),
}
CASE_ONLY = ("origin", "category", "suits", "recognition", "status", "year_from", "year_to")


def make_filters(*, origin: Iterable[str] = (), category: Iterable[str] = (), carrier_type: Iterable[str] = (),
                 suits: Iterable[str] = (), recognition: Iterable[str] = (), status: Iterable[str] = (),
                 year: str | None = None, kind: str | None = None,
                 carriers: Callable[[], Mapping[str, Iterable[str]]] = dict) -> Filters:
    """Filters from what a user typed: vocabulary values or labels, carrier ids or names (looked up
    in `carriers()`, id -> names, only when needed), a year range. Raises FilterError."""
    given = {"category": category, "carrier_type": carrier_type, "suits": suits, "recognition": recognition,
             "status": status}
    chosen = {name: tuple(dict.fromkeys(resolve_vocabulary(VOCABULARY_FILTERS[name][1], value) for value in values))
              for name, values in given.items()}
    known = carriers() if origin else {}
    origins = tuple(dict.fromkeys(cid for value in origin for cid in resolve_carrier(value, known)))
    low, high = parse_years(year) if year else (None, None)
    if kind not in (None, *KINDS):
        raise FilterError(f"未知的类别“{kind}”：应为 case 或 carrier", f"unknown kind '{kind}': use case or carrier")
    return Filters(origin=origins, year_from=low, year_to=high, kind=kind, **chosen)


def resolve_vocabulary(vocabulary: str, given: str) -> str:
    """A vocabulary value from its value, its zh/en label or an unambiguous prefix (金融 → finance);
    `recognition_level` also takes batches (provincial-replication-1, 全省复制推广第1批)."""
    from ftzkb.resolve import Unresolved, recognitions
    from ftzkb.resolve import vocabulary as vocabulary_resolver

    resolver = recognitions(None) if vocabulary == "recognition_level" else vocabulary_resolver(vocabulary)
    try:
        return resolver.resolve(given)
    except Unresolved as exc:
        raise FilterError(exc.zh, exc.en) from None


def resolve_carrier(given: str, carriers: Mapping[str, Iterable[str]]) -> list[str]:
    """The carrier id for an id, a name (full, short or English) or an unambiguous prefix of one;
    `carriers` maps id -> names."""
    from ftzkb.resolve import CARRIER, Resolver, Unresolved

    try:
        return [Resolver(CARRIER, {cid: tuple(names) for cid, names in carriers.items()}).resolve(given)]
    except Unresolved as exc:
        raise FilterError(exc.zh, exc.en) from None


def parse_years(text: str) -> tuple[int | None, int | None]:
    """2020, 2020-2022, 2020..2022, 2020-, -2022 (also with ～ or 至) → (from, to)."""
    cleaned = text.strip().replace("至", "-").replace("～", "-").replace("~", "-").replace("..", "-")
    cleaned = cleaned.replace("—", "-").replace("–", "-")
    match = re.fullmatch(r"([0-9]{4})?\s*(-)?\s*([0-9]{4})?", cleaned)
    if not match or not (match.group(1) or match.group(3)):
        raise FilterError(f"年份范围“{text}”无法识别：应写作 2020、2020-2022、2020- 或 -2022",
                          f"cannot read the year range '{text}': write 2020, 2020-2022, 2020- or -2022")
    first, dash, last = match.groups()
    low = int(first) if first else None
    high = int(last) if last else (low if not dash else None)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


def filter_query(filters: Filters) -> Query | None:
    """The whoosh query every hit must match, or None."""
    from whoosh.query import And, NumericRange, Or, Term

    clauses = []
    for name, (field, _) in VOCABULARY_FILTERS.items():
        values = getattr(filters, name)
        if values:
            clauses.append(Or([Term(field, v) for v in values]))
    if filters.origin:
        clauses.append(Or([Term("origin", v) for v in filters.origin]))
    if filters.year_from is not None or filters.year_to is not None:
        clauses.append(NumericRange("year", filters.year_from, filters.year_to))
    kind = filters.kind or ("case" if any(getattr(filters, name) not in ((), None) for name in CASE_ONLY) else None)
    if kind:
        clauses.append(Term("kind", kind))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else And(clauses)
