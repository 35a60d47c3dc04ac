"""What a carrier has not adopted yet: the cases it is eligible for, mandated ones first
(with their batch), then ranked by how many of its peers (carriers sharing a type) adopted them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from ..model import Case, Corpus
from .batches import batch_targets, batches
from .core import ADOPTED, REPLICATION_LEVELS, Index, eligible, index_of, sort_date

TEACHERS = 3


@dataclass(frozen=True)
class Teacher:
    carrier_id: str
    name: str
    date: str
    is_peer: bool


@dataclass
class Gap:
    case_id: str
    title: str
    origin: str
    started: str
    categories: tuple[str, ...]
    mandated_by: tuple[str, ...]  # batch keys that expect this carrier to adopt the case
    status: str | None  # its current record, if any (planned, piloting, declined…)
    peers_adopted: int
    adopters: int
    learn_from: tuple[Teacher, ...]


@dataclass
class GapReport:
    carrier_id: str
    name: str
    types: tuple[str, ...]
    peers: int
    eligible: int
    adopted: int
    gaps: list[Gap]

    def as_dict(self) -> dict:
        return asdict(self)


def peers_of(corpus: Corpus, carrier_id: str) -> set[str]:
    types = set(corpus.carriers[carrier_id].types)
    return {c.id for c in corpus.carriers.values() if c.id != carrier_id and types & set(c.types)}


def gaps(corpus: Corpus, carrier_id: str) -> GapReport:
    """Raises KeyError for an unknown carrier."""
    carrier = corpus.carriers[carrier_id]
    index = index_of(corpus)
    peers = peers_of(corpus, carrier_id)
    mandating = _mandating_batches(corpus, carrier_id)
    found: list[Gap] = []
    eligible_count = adopted = 0
    for case in corpus.cases.values():
        if case.lifecycle != "active" or case.origin_carrier == carrier_id or not eligible(case, carrier):
            continue
        eligible_count += 1
        own = index.current[case.id].get(carrier_id)
        if own is not None and own.status in ADOPTED:
            adopted += 1
            continue
        batch_keys = {k for k in case.batch_keys if k in mandating}
        if own is not None and own.mandate == "mandated" and own.mandated_by:
            batch_keys.add(own.mandated_by)
        found.append(_gap(corpus, index, case, own.status if own else None, tuple(sorted(batch_keys)), peers))
    found.sort(key=lambda g: (not g.mandated_by, -g.peers_adopted, -g.adopters, sort_date(g.started), g.case_id))
    return GapReport(carrier_id, carrier.display_name, carrier.types, len(peers), eligible_count, adopted, found)


def _mandating_batches(corpus: Corpus, carrier_id: str) -> set[str]:
    """Computed once per corpus index: a site build asks for every carrier's gaps."""
    memo = index_of(corpus).memo
    if "mandating" not in memo:
        by_carrier: dict[str, set[str]] = defaultdict(set)
        for info in batches(corpus):
            if info.level in REPLICATION_LEVELS:
                for target in batch_targets(corpus, info):
                    by_carrier[target].add(info.key)
        memo["mandating"] = by_carrier
    return memo["mandating"].get(carrier_id, set())


def _gap(corpus: Corpus, index: Index, case: Case, status: str | None, batch_keys: tuple[str, ...],
         peers: set[str]) -> Gap:
    adopters = [(c, r) for c, r in index.current[case.id].items() if r.status in ADOPTED]
    earliest = sorted(adopters, key=lambda item: (sort_date(item[1].date), item[1].index))[:TEACHERS]
    teachers = tuple(Teacher(c, corpus.carrier_name(c), r.date, c in peers) for c, r in earliest)
    return Gap(case.id, case.title, case.origin_carrier, case.started, case.categories, batch_keys, status,
               sum(c in peers for c, _ in adopters), len(adopters), teachers)
