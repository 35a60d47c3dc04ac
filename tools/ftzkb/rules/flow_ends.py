"""A carrier-level flow (`flows` in a carrier file) names registered carriers in `from` and `to`,
and one of its two ends is the carrier whose file holds it (a flow is recorded at one of its ends)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftzkb.suggest import carrier_hint

from . import CARRIER, CORPUS, ERROR, Report, rule
from .contexts import carrier_ids

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Corpus


@rule("flow-ends", ERROR, "载体流向的 from/to 必须是已登记的载体，且其中一端是记录它的载体",
      "a flow's from and to must be registered carriers, one of them the carrier whose file holds it",
      scope=CORPUS, reads=(CARRIER,), context=carrier_ids)
def check(carrier: Carrier, corpus: Corpus, report: Report) -> None:
    for flow in carrier.flows:
        path = ("flows", flow.index)
        for key, end in (("from", flow.source_carrier), ("to", flow.target_carrier)):
            if end is not None and end not in corpus.carriers:
                zh, en = carrier_hint(corpus, end)
                report((*path, key), f"{key} 中的载体“{end}”不在 carriers/ 中{zh}",
                       f"the carrier '{end}' in {key} is not in carriers/{en}")
        if carrier.id not in (flow.source_carrier, flow.target_carrier):
            report(path, f"这条流向的两端都不是本载体“{carrier.id}”：流向记在它的一端的文件里，请把 from 或 to 写成 "
                   f"{carrier.id}，或把这条流向移到另一端的载体文件中",
                   f"neither end of this flow is this carrier '{carrier.id}': a flow is recorded in the file of one "
                   f"of its ends; write {carrier.id} in from or to, or move the flow to the other end's file")
        elif flow.source_carrier == flow.target_carrier:
            report(path, "这条流向的 from 和 to 是同一个载体：请写明另一端（已登记载体的 id，或 from_label/to_label）",
                   "this flow's from and to are the same carrier: name the other end (a carrier id, or a label)")
