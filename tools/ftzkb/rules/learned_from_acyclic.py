from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule
from .cycles import cycle_through

if TYPE_CHECKING:
    from ftzkb.load.model import Case


@rule("learned-from-acyclic", ERROR, "一个案例内的学习借鉴链（learned_from）不能成环，也不能指向本案例自身",
      "learned-from chains within a case must not form cycles nor point at the case itself", scope=CASE)
def check(case: Case, report: Report) -> None:
    edges = {a.carrier: a.learned_from_carrier for a in case.adoptions if a.learned_from_carrier}
    for adoption in case.adoptions:
        if adoption.learned_from_case == case.id:
            report(("adoptions", adoption.index, "learned_from", "case"),
                   "learned_from.case 指向本案例自身：请写被借鉴的另一个案例的 id，或删去 case",
                   "learned_from.case points at this case itself: name the other case learned from, or drop it")
        cycle = cycle_through(edges, adoption.carrier)
        if cycle:
            chain = " → ".join(cycle)
            report(("adoptions", adoption.index, "learned_from"),
                   f"学习借鉴链成环：{chain}；请改正其中一条的 learned_from",
                   f"learned-from cycle: {chain}; correct the learned_from of one of them")
