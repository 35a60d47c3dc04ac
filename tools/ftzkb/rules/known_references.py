from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ftzkb.diagnostics import Diagnostic
from ftzkb.load.model import Carrier, Case, Corpus
from ftzkb.rules import CARRIER, CASE, CORPUS, ERROR, Report, fixes, rule
from ftzkb.rules.contexts import known_ids
from ftzkb.suggest import carrier_hint, case_hint

if TYPE_CHECKING:
    from ftzkb.load.yamlload import Path_
    from ftzkb.rules.fixing import Fix, FixTarget


@rule("unknown-reference", ERROR, "引用的载体和案例必须存在", "every referenced carrier and case must exist",
      scope=CORPUS, reads=(CASE, CARRIER), context=known_ids)
def check(record: Case | Carrier, corpus: Corpus, report: Report) -> None:
    for path, carrier_id in _carrier_refs(record) if isinstance(record, Case) else _parent_refs(record):
        if carrier_id not in corpus.carriers:
            zh, en = carrier_hint(corpus, carrier_id)
            what_zh, what_en = ("上级载体", "parent carrier") if path == ("parent",) else ("载体", "carrier")
            report(path, f"{what_zh}“{carrier_id}”不在 carriers/ 中{zh}",
                   f"{what_en} '{carrier_id}' is not in carriers/{en}")
    for path, case_id in _case_refs(record) if isinstance(record, Case) else ():
        if case_id not in corpus.cases:
            zh, en = case_hint(corpus, case_id)
            report(path, f"案例“{case_id}”不在 cases/ 中{zh}", f"case '{case_id}' is not in cases/{en}")


def carrier_named(corpus: Corpus, written: str) -> str | None:
    """The id of the one carrier whose full, short or English name is exactly `written`, if there is one."""
    named = [c.id for c in corpus.carriers.values() if written in (c.name, c.short_name, c.name_en)]
    return named[0] if len(named) == 1 else None


@fixes("unknown-reference")
def fix(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    """A carrier's name written where its id belongs: write the id (only when the name names one carrier)."""
    from ftzkb.rules.fixing import ValueFix

    path = target.path_at(diagnostic.line, diagnostic.col)
    written = target.value_at(path)
    if not isinstance(written, str) or path[-1:] not in (("carrier",), ("parent",)):
        return None
    found = carrier_named(target.corpus, written) if target.corpus is not None else None
    return ValueFix(path, found) if found else None


def _parent_refs(carrier: Carrier) -> Iterator[tuple[Path_, str]]:
    if carrier.parent:
        yield ("parent",), carrier.parent


def _carrier_refs(case: Case) -> Iterator[tuple[Path_, str]]:
    yield ("origin", "carrier"), case.origin_carrier
    for adoption in case.adoptions:
        yield ("adoptions", adoption.index, "carrier"), adoption.carrier
        if adoption.learned_from_carrier:
            yield ("adoptions", adoption.index, "learned_from", "carrier"), adoption.learned_from_carrier


def _case_refs(case: Case) -> Iterator[tuple[Path_, str]]:
    for i, related in enumerate(case.related):
        yield ("related", i), related
    if case.superseded_by:
        yield ("lifecycle", "superseded_by"), case.superseded_by
    for adoption in case.adoptions:
        if adoption.learned_from_case:
            yield ("adoptions", adoption.index, "learned_from", "case"), adoption.learned_from_case
