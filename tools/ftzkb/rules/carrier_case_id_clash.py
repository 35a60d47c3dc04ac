from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, CORPUS, WARNING, Report, rule
from .contexts import carrier_ids

if TYPE_CHECKING:
    from ftzkb.load.model import Case, Corpus


@rule("id-shared-by-case-and-carrier", WARNING, "案例与载体不应使用同一个 id",
      "a case and a carrier should not share an id", scope=CORPUS, reads=(CASE,), context=carrier_ids)
def check(case: Case, corpus: Corpus, report: Report) -> None:
    if case.id in corpus.carriers:
        report(("id",), f"id“{case.id}”同时被一个载体使用，链接会混淆：请给案例换一个 id",
               f"id '{case.id}' is also a carrier id; links become ambiguous: give the case another id")
