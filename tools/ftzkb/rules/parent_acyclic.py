from __future__ import annotations

from typing import TYPE_CHECKING

from . import CARRIER, CORPUS, ERROR, Report, rule
from .cycles import cycle_through

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Corpus


def _parents(corpus: Corpus) -> dict[str, str]:
    return {c.id: c.parent for c in corpus.carriers.values() if c.parent and c.parent != c.id}


@rule("parent-acyclic", ERROR, "上级载体（parent）链不能成环", "parent chains of carriers must not form cycles",
      scope=CORPUS, reads=(CARRIER,), prepare=_parents, context=_parents)
def check(carrier: Carrier, parents: dict[str, str], report: Report) -> None:
    cycle = cycle_through(parents, carrier.id)
    if cycle:
        chain = " → ".join(cycle)
        report(("parent",), f"上级载体链成环：{chain}；一个载体不能是自己的上级，请改正其中一个的 parent",
               f"parent cycle: {chain}; a carrier cannot be its own ancestor: correct the parent of one of them")
