"""Who a build is for. Cases, adoptions, carriers and single text fields can be marked
internal (内部); a public build works on `audience_view(corpus, "public")`, a copy of the
corpus with all of that left out, so every output made from it (pages, search index,
JSON, CSV/XLSX, feeds, matrices, counts) is public by construction.

Beyond what is marked: a case whose originating carrier is internal is left out too
(its page would name the carrier), and references to anything left out (adopters,
learned-from, related cases, successors, parent carriers) are dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from ftzkb.load.cache import Deferred
from ftzkb.load.model import INTERNAL, PUBLIC, Adoption, Carrier, Case, Corpus, Text
from ftzkb.load.yamlload import LoadedYaml

AUDIENCES = (PUBLIC, INTERNAL)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", bound="DataclassInstance")


class Views:
    """The public records made from the records of an earlier view, for a view of a corpus that
    holds most of the same record objects (a preview after one edit): a record's public form
    depends on the record and on which carriers and cases are hidden, nothing else."""

    def __init__(self) -> None:
        self.hidden: tuple[frozenset[str], frozenset[str]] | None = None
        self.made: dict[int, tuple[object, object]] = {}  # id(record) -> (record, its public form)

    def public(self, record: Record, make: Callable[[Record], Record]) -> Record:
        found = self.made.get(id(record))
        if found is not None and found[0] is record:
            return found[1]  # type: ignore[return-value]
        made = make(record)
        self.made[id(record)] = (record, made)
        return made

    def keep_for(self, hidden_carriers: set[str], hidden_cases: set[str]) -> None:
        hidden = (frozenset(hidden_carriers), frozenset(hidden_cases))
        if hidden != self.hidden:
            self.hidden, self.made = hidden, {}


def audience_view(corpus: Corpus, audience: str, views: Views | None = None) -> Corpus:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {AUDIENCES}")
    return corpus if audience == INTERNAL else public_view(corpus, views)


def public_view(corpus: Corpus, views: Views | None = None) -> Corpus:
    hidden_carriers = {cid for cid, c in corpus.carriers.items() if c.audience != PUBLIC}
    hidden_cases = {cid for cid, c in corpus.cases.items()
                    if c.audience != PUBLIC or c.origin_carrier in hidden_carriers}
    views = views or Views()
    views.keep_for(hidden_carriers, hidden_cases)
    carriers = {cid: views.public(c, lambda c: _public_carrier(c, hidden_carriers))
                for cid, c in corpus.carriers.items() if cid not in hidden_carriers}
    cases = {cid: views.public(c, lambda c: _public_case(c, hidden_cases, hidden_carriers))
             for cid, c in corpus.cases.items() if cid not in hidden_cases}
    return Corpus(root=corpus.root, cases=cases, carriers=carriers)


def without_internal_text(record: Record) -> Record:
    """The record with every internal `Text` emptied (None), however deep: in the record's own
    fields and in the records it holds (an adoption's outcome figures, a carrier's flows and their
    figures, a case's recognitions). The same object when there is nothing to empty: a national
    corpus holds 100,000s of records, nearly all public throughout."""
    changes: dict[str, object] = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, Text):
            if value.audience != PUBLIC:
                changes[name] = None
        elif type(value) is tuple and value and dataclasses.is_dataclass(value[0]):
            kept = tuple(without_internal_text(item) for item in value)
            if any(new is not old for new, old in zip(kept, value, strict=True)):
                changes[name] = kept
    return dataclasses.replace(record, **changes) if changes else record


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields that can hold text or records (not the file and its YAML)."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in ("path", "loaded"))


def _blank_loaded() -> LoadedYaml:
    # The raw YAML still holds the internal parts: nothing downstream may read it.
    return LoadedYaml({}, "")


def _public_carrier(carrier: Carrier, hidden_carriers: set[str]) -> Carrier:
    carrier = without_internal_text(carrier)
    parent = None if carrier.parent in hidden_carriers else carrier.parent
    return dataclasses.replace(carrier, parent=parent, loaded=_blank_loaded())


def _public_case(case: Case, hidden_cases: set[str], hidden_carriers: set[str]) -> Case:
    adoptions: tuple[Adoption, ...] | Deferred
    if _records_stay(case, hidden_cases, hidden_carriers):
        adoptions = case.__dict__["_adoptions"]  # kept as loaded (not built): nothing in them changes
    else:
        adoptions = tuple(_public_adoption(a, hidden_cases, hidden_carriers) for a in case.adoptions
                          if a.audience == PUBLIC and a.carrier not in hidden_carriers)
    case = without_internal_text(dataclasses.replace(case, adoptions=()))  # the records were just made public
    return dataclasses.replace(
        case,
        adoptions=adoptions,
        related=tuple(r for r in case.related if r not in hidden_cases),
        superseded_by=None if case.superseded_by in hidden_cases else case.superseded_by,
        loaded=_blank_loaded(),
    )


def _records_stay(case: Case, hidden_cases: set[str], hidden_carriers: set[str]) -> bool:
    """Whether the public view of the case's records is the records themselves, known without
    building them: nothing in them is marked, no carrier is hidden, none learned from a hidden case."""
    return case.records_marked() is False and not hidden_carriers and \
        not any(learned in hidden_cases for _, learned, _ in case.learned_cases())


def _public_adoption(adoption: Adoption, hidden_cases: set[str], hidden_carriers: set[str]) -> Adoption:
    adoption = without_internal_text(adoption)
    if adoption.learned_from_carrier not in hidden_carriers and adoption.learned_from_case not in hidden_cases:
        return adoption
    return dataclasses.replace(
        adoption,
        learned_from_carrier=None if adoption.learned_from_carrier in hidden_carriers
        else adoption.learned_from_carrier,
        learned_from_case=None if adoption.learned_from_case in hidden_cases else adoption.learned_from_case,
    )
