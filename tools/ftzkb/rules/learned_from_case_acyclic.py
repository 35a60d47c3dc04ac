from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, CORPUS, ERROR, Report, rule
from .cycles import cycle_through

if TYPE_CHECKING:
    from ftzkb.load.model import Case, Corpus


def _case_edges(corpus: Corpus) -> tuple[dict[str, str], dict[str, int]]:
    """case id -> the first other case one of its adoptions learned from; and that adoption's index."""
    edges: dict[str, str] = {}
    where: dict[str, int] = {}
    for case in corpus.cases.values():
        for index, learned, _ in case.learned_cases():  # read without building every record
            if learned != case.id and case.id not in edges:
                edges[case.id], where[case.id] = learned, index
    return edges, where


@rule("learned-from-case-acyclic", ERROR, "案例之间的学习借鉴链（learned_from.case）不能成环",
      "learned-from links between cases must not form cycles", scope=CORPUS, reads=(CASE,), prepare=_case_edges,
      context=_case_edges)
def check(case: Case, prepared: tuple[dict[str, str], dict[str, int]], report: Report) -> None:
    edges, where = prepared
    cycle = cycle_through(edges, case.id)
    if cycle:
        chain = " → ".join(cycle)
        report(("adoptions", where[case.id], "learned_from", "case"),
               f"案例间学习借鉴链成环：{chain}；请改正其中一个案例的 learned_from.case",
               f"learned-from cycle between cases: {chain}; correct learned_from.case in one of them")
