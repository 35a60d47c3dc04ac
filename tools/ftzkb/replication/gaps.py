"""What a carrier has not adopted yet: the cases it is eligible for, mandated ones first
(with their batch), then ranked by how many of its peers (carriers sharing a type) adopted them."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from dataclasses import asdict, dataclass

from ftzkb.load.model import Adoption, Case, Corpus
from ftzkb.replication.batches import batch_cases, mandating_batches
from ftzkb.replication.core import ADOPTED, index_of, sort_date, suits

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
    own = {case.id: record for case, record in index_of(corpus).adopted_by.get(carrier_id, [])}
    eligible, adopted = _eligible_and_adopted(corpus, carrier_id, types)
    mandates = _mandates(corpus, carrier_id, own, _ranked_pool(corpus, types)[1])
    peers = _sharing_a_type(corpus, types)
    peer_counts, adopters_of = _peers_adopted(corpus, types), _earliest_adopters(corpus)
    found = [_gap(corpus, carrier_id, case, own[case.id].status if case.id in own else None, mandates.keys_of(case.id),
                  peer_counts[case.id], adopters_of[case.id], peers)
             for case in _best_gaps(corpus, carrier_id, types, own, mandates, limit)]
    return GapReport(carrier_id, carrier.display_name, carrier.types, len(peers) - (carrier_id in peers), eligible,
                     adopted, found, eligible - adopted)


def _eligible_and_adopted(corpus: Corpus, carrier_id: str, types: frozenset[str]) -> tuple[int, int]:
    """How many cases suit the carrier (active, not its own), and how many of those it adopted."""
    position = _ranked_pool(corpus, types)[1]
    index = index_of(corpus)
    originated = sum(case.id in position for case in index.originated_by.get(carrier_id, []))
    adopted = sum(case.id in position and record.status in ADOPTED and case.origin_carrier != carrier_id
                  for case, record in index.adopted_by.get(carrier_id, []))
    return len(position) - originated, adopted


@dataclass(frozen=True)
class _Mandates:
    """The cases a carrier is expected to adopt: named by the replication batches that target it
    (shared by every carrier with the same batches), or by its own mandated records."""

    by_batches: dict[str, tuple[str, ...]]  # case id -> batch keys
    by_record: dict[str, str]  # case id -> the batch its own mandated record names
    in_pool: list[Case]  # by_batches' cases among the suited ones, in the pool's order
    by_record_only: list[Case]  # by_record's cases that no batch names, in the pool's order

    def keys_of(self, case_id: str) -> tuple[str, ...]:
        extra = self.by_record.get(case_id)
        return tuple(sorted({*self.by_batches.get(case_id, ()), extra})) if extra else self.by_batches.get(case_id, ())

    def __contains__(self, case_id: str) -> bool:
        return case_id in self.by_batches or case_id in self.by_record


def _mandates(corpus: Corpus, carrier_id: str, own: dict[str, Adoption], position: dict[str, int]) -> _Mandates:
    carrier = corpus.carriers[carrier_id]
    batches_here = mandating_batches(corpus, carrier_id)
    by_batches = _batch_keys_by_case(corpus, batches_here)
    by_record = {case_id: record.mandated_by for case_id, record in own.items()
                 if record.mandate == "mandated" and record.mandated_by and case_id in position}
    only = sorted((corpus.cases[c] for c in by_record if c not in by_batches), key=lambda case: position[case.id])
    return _Mandates(by_batches, by_record, _mandated_in_pool(corpus, frozenset(carrier.types), batches_here), only)


def _best_gaps(corpus: Corpus, carrier_id: str, types: frozenset[str], own: dict[str, Adoption],
               mandates: _Mandates, limit: int | None) -> list[Case]:
    """The first `limit` gaps (all without one): the mandated ones first, then the rest of the pool."""
    pool, position = _ranked_pool(corpus, types)

    def is_gap(case: Case) -> bool:
        record = own.get(case.id)
        return case.origin_carrier != carrier_id and (record is None or record.status not in ADOPTED)

    mandated = heapq.merge(mandates.in_pool, mandates.by_record_only, key=lambda case: position[case.id])
    chosen = list(itertools.islice((case for case in mandated if is_gap(case)), limit))
    if limit is None or len(chosen) < limit:
        rest = (case for case in pool if case.id not in mandates and is_gap(case))
        chosen += itertools.islice(rest, None if limit is None else limit - len(chosen))
    return chosen


def _sharing_a_type(corpus: Corpus, types: frozenset[str]) -> frozenset[str]:
    """The carriers with one of these types."""
    return index_of(corpus).remember("sharing-a-type", types, lambda: frozenset(
        c.id for c in corpus.carriers.values() if not types.isdisjoint(c.types)))


def _ranked_pool(corpus: Corpus, types: frozenset[str]) -> tuple[list[Case], dict[str, int]]:
    """The active cases that suit carriers of these types, in the order gaps are ranked (without
    the mandated-first rule): most adopted by peers, then by anyone, earliest started, by id."""
    def rank() -> tuple[list[Case], dict[str, int]]:
        peer_counts, adopters_of = _peers_adopted(corpus, types), _earliest_adopters(corpus)
        pool = [case for case in corpus.cases.values() if case.lifecycle == "active" and suits(case, types)]
        pool.sort(key=lambda c: (-peer_counts[c.id], -len(adopters_of[c.id]), sort_date(c.started), c.id))
        return pool, {case.id: i for i, case in enumerate(pool)}

    return index_of(corpus).remember("gap-pool", types, rank)


def _batch_keys_by_case(corpus: Corpus, batch_keys: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Case id -> which of these batches name it (carriers in one province share their batches)."""
    def group() -> dict[str, tuple[str, ...]]:
        found: dict[str, set[str]] = defaultdict(set)
        for key in batch_keys:
            for case_id in batch_cases(corpus)[key]:
                found[case_id].add(key)
        return {case_id: tuple(sorted(keys)) for case_id, keys in found.items()}

    return index_of(corpus).remember("batch-keys-by-case", batch_keys, group)


def _mandated_in_pool(corpus: Corpus, types: frozenset[str], batch_keys: frozenset[str]) -> list[Case]:
    """The suited cases that these batches name, in the pool's order."""
    def order() -> list[Case]:
        position = _ranked_pool(corpus, types)[1]
        named = [corpus.cases[c] for c in _batch_keys_by_case(corpus, batch_keys) if c in position]
        return sorted(named, key=lambda case: position[case.id])

    return index_of(corpus).remember("mandated-in-pool", (types, batch_keys), order)


def _earliest_adopters(corpus: Corpus) -> dict[str, list[tuple[str, Adoption]]]:
    """Per case, its current adopted records, earliest first."""
    current = index_of(corpus).current
    return index_of(corpus).remember("earliest-adopters", None, lambda: {
        case_id: sorted(((c, r) for c, r in records.items() if r.status in ADOPTED),
                        key=lambda item: (sort_date(item[1].date), item[1].index))
        for case_id, records in current.items()})


def _peers_adopted(corpus: Corpus, types: frozenset[str]) -> dict[str, int]:
    """Per case, how many of its adopters share a type with a carrier of these types. It depends
    on the types only, so carriers of one type (most of them) share one count."""
    def count() -> dict[str, int]:
        types_of = {c.id: c.types for c in corpus.carriers.values()}
        return {case_id: sum(not types.isdisjoint(types_of.get(c, ())) for c, _ in adopters)
                for case_id, adopters in _earliest_adopters(corpus).items()}

    return index_of(corpus).remember("peers-adopted", types, count)


def _gap(corpus: Corpus, carrier_id: str, case: Case, status: str | None, batch_keys: tuple[str, ...],
         peers_adopted: int, adopters: list[tuple[str, Adoption]], peers: frozenset[str]) -> Gap:
    teachers = tuple(Teacher(c, corpus.carrier_name(c), r.date, c in peers and c != carrier_id)
                     for c, r in adopters[:TEACHERS])
    return Gap(case.id, case.title, case.origin_carrier, case.started, case.categories, batch_keys, status,
               peers_adopted, len(adopters), teachers)
