"""What a carrier has not adopted yet: the cases it is eligible for, mandated ones first
(with their batch), then ranked by how many of its peers (carriers sharing a type) adopted them."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from dataclasses import asdict, dataclass

from ..model import Adoption, Case, Corpus
from .batches import batch_targets, batches
from .core import ADOPTED, REPLICATION_LEVELS, index_of, sort_date, suits

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
    gaps: list[Gap]  # best first; only the first `limit` when one was given
    total: int  # gaps in all

    def as_dict(self) -> dict:
        return asdict(self)


def peers_of(corpus: Corpus, carrier_id: str) -> set[str]:
    """The other carriers sharing a type with this one."""
    return set(_sharing_a_type(corpus, frozenset(corpus.carriers[carrier_id].types))) - {carrier_id}


def gaps(corpus: Corpus, carrier_id: str, limit: int | None = None) -> GapReport:
    """Raises KeyError for an unknown carrier. Only the first `limit` gaps are described; all are
    counted. A site build asks every carrier for its gaps, and carriers grow with cases, so the
    rankings are shared by the carriers of one set of types, and each carrier costs its own
    records, its mandated cases and `limit` rather than the whole corpus."""
    carrier = corpus.carriers[carrier_id]
    types = frozenset(carrier.types)
    pool, position = _ranked_pool(corpus, types)
    records = index_of(corpus).adopted_by.get(carrier_id, [])  # its current records, of any status
    own = {case.id: record for case, record in records}
    originated = sum(case.id in position for case in index_of(corpus).originated_by.get(carrier_id, []))
    adopted = sum(case.id in position and record.status in ADOPTED and case.origin_carrier != carrier_id
                  for case, record in records)

    def is_gap(case: Case) -> bool:
        record = own.get(case.id)
        return case.origin_carrier != carrier_id and (record is None or record.status not in ADOPTED)

    mandating = _mandating_batches(corpus, carrier_id)
    by_batches = _batch_keys_by_case(corpus, mandating)
    by_record = {case_id: record.mandated_by for case_id, record in own.items()
                 if record.mandate == "mandated" and record.mandated_by and case_id in position}
    named_by_record = sorted((corpus.cases[c] for c in by_record if c not in by_batches), key=lambda c: position[c.id])
    mandated = heapq.merge(_mandated_in_pool(corpus, types, mandating), named_by_record,
                           key=lambda case: position[case.id])
    chosen = list(itertools.islice((case for case in mandated if is_gap(case)), limit))
    if limit is None or len(chosen) < limit:
        rest = (case for case in pool if case.id not in by_batches and case.id not in by_record and is_gap(case))
        chosen += itertools.islice(rest, None if limit is None else limit - len(chosen))

    def batch_keys(case_id: str) -> tuple[str, ...]:
        extra = by_record.get(case_id)
        return tuple(sorted({*by_batches.get(case_id, ()), extra})) if extra else by_batches.get(case_id, ())

    peers = _sharing_a_type(corpus, types)
    peer_counts, adopters_of = _peers_adopted(corpus, types), _earliest_adopters(corpus)
    found = [_gap(corpus, carrier_id, case, own[case.id].status if case.id in own else None, batch_keys(case.id),
                  peer_counts[case.id], adopters_of[case.id], peers) for case in chosen]
    eligible = len(pool) - originated
    return GapReport(carrier_id, carrier.display_name, carrier.types, len(peers) - (carrier_id in peers), eligible,
                     adopted, found, eligible - adopted)


def _sharing_a_type(corpus: Corpus, types: frozenset[str]) -> frozenset[str]:
    """The carriers with one of these types; computed once per set of types and corpus index."""
    memo = index_of(corpus).memo.setdefault("sharing-a-type", {})
    if types not in memo:
        memo[types] = frozenset(c.id for c in corpus.carriers.values() if not types.isdisjoint(c.types))
    return memo[types]


def _ranked_pool(corpus: Corpus, types: frozenset[str]) -> tuple[list[Case], dict[str, int]]:
    """The active cases that suit carriers of these types, in the order gaps are ranked (without
    the mandated-first rule): most adopted by peers, then by anyone, earliest started, by id."""
    memo = index_of(corpus).memo.setdefault("gap-pool", {})
    if types not in memo:
        peer_counts, adopters_of = _peers_adopted(corpus, types), _earliest_adopters(corpus)
        pool = [case for case in corpus.cases.values() if case.lifecycle == "active" and suits(case, types)]
        pool.sort(key=lambda c: (-peer_counts[c.id], -len(adopters_of[c.id]), sort_date(c.started), c.id))
        memo[types] = pool, {case.id: i for i, case in enumerate(pool)}
    return memo[types]


def _batch_keys_by_case(corpus: Corpus, mandating: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Case id -> which of these batches name it; computed once per set of batches (carriers in one
    province are asked for the same ones)."""
    memo = index_of(corpus).memo.setdefault("batch-keys-by-case", {})
    if mandating not in memo:
        found: dict[str, set[str]] = defaultdict(set)
        batch_cases = _batch_cases(corpus)
        for key in mandating:
            for case_id in batch_cases[key]:
                found[case_id].add(key)
        memo[mandating] = {case_id: tuple(sorted(keys)) for case_id, keys in found.items()}
    return memo[mandating]


def _mandated_in_pool(corpus: Corpus, types: frozenset[str], mandating: frozenset[str]) -> list[Case]:
    """The pool's cases that these batches name, in the pool's order."""
    memo = index_of(corpus).memo.setdefault("mandated-in-pool", {})
    if (types, mandating) not in memo:
        position = _ranked_pool(corpus, types)[1]
        named = [corpus.cases[c] for c in _batch_keys_by_case(corpus, mandating) if c in position]
        memo[types, mandating] = sorted(named, key=lambda case: position[case.id])
    return memo[types, mandating]


def _batch_cases(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    memo = index_of(corpus).memo
    if "batch-cases" not in memo:
        memo["batch-cases"] = {info.key: info.cases for info in batches(corpus)}
    return memo["batch-cases"]


def _mandating_batches(corpus: Corpus, carrier_id: str) -> frozenset[str]:
    """The replication batches whose targets include this carrier; computed once per corpus index."""
    memo = index_of(corpus).memo
    if "mandating" not in memo:
        by_carrier: dict[str, set[str]] = defaultdict(set)
        for info in batches(corpus):
            if info.level in REPLICATION_LEVELS:
                for target in batch_targets(corpus, info):
                    by_carrier[target].add(info.key)
        memo["mandating"] = {carrier: frozenset(keys) for carrier, keys in by_carrier.items()}
    return memo["mandating"].get(carrier_id, frozenset())


def _earliest_adopters(corpus: Corpus) -> dict[str, list[tuple[str, Adoption]]]:
    """Per case, its current adopted records, earliest first; computed once per corpus index."""
    memo = index_of(corpus).memo
    if "earliest-adopters" not in memo:
        memo["earliest-adopters"] = {
            case_id: sorted(((c, r) for c, r in records.items() if r.status in ADOPTED),
                            key=lambda item: (sort_date(item[1].date), item[1].index))
            for case_id, records in index_of(corpus).current.items()}
    return memo["earliest-adopters"]


def _peers_adopted(corpus: Corpus, types: frozenset[str]) -> dict[str, int]:
    """Per case, how many of its adopters share a type with a carrier of these types. It depends
    on the types only, so carriers of one type (most of them) share one count."""
    memo = index_of(corpus).memo.setdefault("peers-adopted", {})
    if types not in memo:
        types_of = {c.id: c.types for c in corpus.carriers.values()}
        memo[types] = {case_id: sum(not types.isdisjoint(types_of.get(c, ())) for c, _ in adopters)
                       for case_id, adopters in _earliest_adopters(corpus).items()}
    return memo[types]


def _gap(corpus: Corpus, carrier_id: str, case: Case, status: str | None, batch_keys: tuple[str, ...],
         peers_adopted: int, adopters: list[tuple[str, Adoption]], peers: frozenset[str]) -> Gap:
    teachers = tuple(Teacher(c, corpus.carrier_name(c), r.date, c in peers and c != carrier_id)
                     for c, r in adopters[:TEACHERS])
    return Gap(case.id, case.title, case.origin_carrier, case.started, case.categories, batch_keys, status,
               peers_adopted, len(adopters), teachers)
