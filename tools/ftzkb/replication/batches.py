"""Replication batches (a recognition level plus batch number, e.g. `provincial-replication-1`)
and how far each target carrier has got with the batch's cases.

Targets: every carrier with a record mandated by the batch; for the replication levels also
every carrier in scope — the whole registry for a nationwide batch, the carriers of the
origin province for a provincial one — except the zone-as-a-whole (`ftz`) records. For other
levels (best-practice lists, top tens…) the targets are the carriers that recorded any of the
batch's cases. A carrier is only expected to adopt the cases it is eligible for and did not originate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ftzkb.load.model import Carrier, Case, Corpus
from ftzkb.replication.core import (
    ADOPTED,
    IN_PROGRESS,
    REPLICATION_LEVELS,
    carrier_order,
    case_order,
    cases_held_by,
    current_record,
    index_of,
    suits,
)
from ftzkb.vocab import vocab

UMBRELLA_TYPES = frozenset({"ftz"})


@dataclass(frozen=True)
class BatchInfo:
    key: str
    level: str
    batch: int
    date: str | None
    issuer: str | None
    document: str | None
    cases: tuple[str, ...]


def batches(corpus: Corpus) -> list[BatchInfo]:
    """Every batch named by a recognition, in vocabulary order of levels, then by number."""
    return list(index_of(corpus).remember("batches", None, lambda: _batches(corpus)))


def _batches(corpus: Corpus) -> list[BatchInfo]:
    found: dict[str, list[tuple[Case, object]]] = {}
    for case in case_order(corpus.cases.values()):
        for recognition in case.recognitions:
            if recognition.batch_key:
                found.setdefault(recognition.batch_key, []).append((case, recognition))
    infos = [_info(key, members) for key, members in found.items()]
    levels = vocab("recognition_level").values
    return sorted(infos, key=lambda b: (levels.index(b.level) if b.level in levels else len(levels), b.batch))


def _info(key: str, members: list) -> BatchInfo:
    recognitions = [r for _, r in members]
    first = recognitions[0]
    dates = sorted(r.date for r in recognitions if r.date and r.date != "unknown")
    common = Counter(r.issuer for r in recognitions if r.issuer).most_common(1)
    documents = Counter(r.document for r in recognitions if r.document).most_common(1)
    return BatchInfo(key, first.level, first.batch, dates[0] if dates else None,
                     common[0][0] if common else None, documents[0][0] if documents else None,
                     tuple(dict.fromkeys(case.id for case, _ in members)))


def find_batch(corpus: Corpus, key: str) -> BatchInfo | None:
    return next((b for b in batches(corpus) if b.key == key), None)


def batch_targets(corpus: Corpus, info: BatchInfo) -> list[str]:
    index = index_of(corpus)
    cases = [corpus.cases[c] for c in info.cases]
    targets = {carrier for case in cases for carrier, r in index.current[case.id].items()
               if r.mandated_by == info.key}
    if info.level in REPLICATION_LEVELS:
        province = _scope_province(corpus, info)
        targets |= {c.id for c in corpus.carriers.values()
                    if not UMBRELLA_TYPES & set(c.types) and (province is None or c.province == province)}
    else:
        targets |= {carrier for case in cases for carrier in index.current[case.id]}
    return carrier_order(corpus, targets)


def batch_cases(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Batch key -> its cases, in the order of `batches`."""
    return index_of(corpus).remember("batch-cases", None, lambda: {info.key: info.cases for info in batches(corpus)})


def mandating_batches(corpus: Corpus, carrier_id: str) -> frozenset[str]:
    """The replication batches whose targets (`batch_targets`) include this carrier: worked out
    for this carrier alone, from its own records of the batches' cases (one carrier's ledger
    then builds the records of a few cases, not of every batch case)."""
    carrier = corpus.carriers.get(carrier_id)
    held = cases_held_by(corpus, carrier_id)
    return frozenset(info.key for info in batches(corpus) if info.level in REPLICATION_LEVELS and (
        _in_scope(corpus, info, carrier) or any(_mandated_by(corpus.cases[case_id], carrier_id) == info.key
                                                for case_id in info.cases if case_id in held)))


def _in_scope(corpus: Corpus, info: BatchInfo, carrier: Carrier | None) -> bool:
    """Whether a registered carrier is one of a replication batch's targets by where it is."""
    return carrier is not None and not UMBRELLA_TYPES & set(carrier.types) and \
        _scope_province(corpus, info) in (None, carrier.province)


def _scope_province(corpus: Corpus, info: BatchInfo) -> str | None:
    """The province whose carriers a replication batch is meant for; None: the whole nation."""
    if info.level == "national-replication":
        return None
    return index_of(corpus).remember("batch-province", info.key,
                                     lambda: _origin_province(corpus, [corpus.cases[c] for c in info.cases]))


def _mandated_by(case: Case, carrier_id: str) -> str | None:
    """The batch the carrier's current record of the case names as mandating it."""
    current = current_record(case, carrier_id)
    return current.mandated_by if current else None


def _origin_province(corpus: Corpus, cases: list[Case]) -> str:
    provinces = Counter(corpus.carriers[c.origin_carrier].province for c in cases
                        if c.origin_carrier in corpus.carriers)
    return provinces.most_common(1)[0][0] if provinces else ""


@dataclass
class TargetProgress:
    carrier_id: str
    name: str
    expected: list[str]  # cases it is eligible for and did not originate
    adopted: list[str]
    in_progress: list[str]
    missing: list[str]

    @property
    def rate(self) -> float | None:
        return len(self.adopted) / len(self.expected) if self.expected else None


@dataclass
class BatchProgress:
    batch: BatchInfo
    targets: list[TargetProgress]

    @property
    def rate(self) -> float | None:
        expected = sum(len(t.expected) for t in self.targets)
        return sum(len(t.adopted) for t in self.targets) / expected if expected else None

    def as_dict(self) -> dict:
        return {"batch": asdict(self.batch), "rate": self.rate,
                "targets": [{**asdict(t), "rate": t.rate} for t in self.targets]}


def batch_progress(corpus: Corpus, key: str) -> BatchProgress:
    """Raises KeyError for an unknown batch key. A nationwide batch has every carrier as a target:
    which cases suit a carrier is worked out once per set of carrier types, and each carrier's
    records are looked up from the batch's cases, so the cost stays close to the table's size."""
    info = find_batch(corpus, key)
    if info is None:
        raise KeyError(key)
    cases = [corpus.cases[c] for c in info.cases]
    records_of = _records_by_carrier(corpus, cases)
    suited: dict[frozenset[str] | None, list[Case]] = {}
    targets = []
    for carrier_id in batch_targets(corpus, info):
        carrier = corpus.carriers.get(carrier_id)
        types = frozenset(carrier.types) if carrier else None
        if types not in suited:
            suited[types] = [c for c in cases if types is None or suits(c, types)]
        expected = [c.id for c in suited[types] if c.origin_carrier != carrier_id]
        if expected:
            targets.append(_target_progress(corpus, carrier_id, expected, records_of.get(carrier_id, {})))
    return BatchProgress(info, targets)


def _records_by_carrier(corpus: Corpus, cases: list[Case]) -> dict[str, dict[str, str]]:
    """Carrier -> case -> the status of its current record, for these cases."""
    index = index_of(corpus)
    found: dict[str, dict[str, str]] = {}
    for case in cases:
        for carrier_id, record in index.current[case.id].items():
            found.setdefault(carrier_id, {})[case.id] = record.status
    return found


_UNDER_WAY = ADOPTED | IN_PROGRESS


def _target_progress(corpus: Corpus, carrier_id: str, expected: list[str], status: dict[str, str]) -> TargetProgress:
    return TargetProgress(
        carrier_id, corpus.carrier_name(carrier_id), expected,
        adopted=[c for c in expected if status.get(c) in ADOPTED],
        in_progress=[c for c in expected if status.get(c) in IN_PROGRESS],
        missing=[c for c in expected if status.get(c) not in _UNDER_WAY])
