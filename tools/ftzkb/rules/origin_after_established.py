"""A case cannot originate in a carrier before that carrier existed (e.g. a reform of 2019-06 in a
FTZ area set up in 2019-08: the originator was the unit of that time, such as the park or its
customs). Certain from the dates written: an error. Undecidable because the carrier's date gives
only a year or month: a warning (its establishment can be looked up). A start written only to the
year or month that holds the establishment date (`2019` against `2019-08`) passes: the source
gives no more, and writing more would invent it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftzkb.diagnostics import WARNING

from . import CASE, CORPUS, ERROR, Report, rule
from .contexts import establishment_dates
from .datecmp import Order, is_before, spans_over

if TYPE_CHECKING:
    from ftzkb.load.model import Case, Corpus


@rule("origin-after-established", ERROR, "案例的首创日期不能早于首创载体的设立日期",
      "a case cannot start before its origin carrier was established", scope=CORPUS, reads=(CASE,),
      context=establishment_dates)
def check(case: Case, corpus: Corpus, report: Report) -> None:
    carrier = corpus.carriers.get(case.origin_carrier)
    if carrier is None or not carrier.established:
        return
    order = is_before(case.started, carrier.established)
    name = carrier.display_name
    if order is Order.BEFORE:
        report(("origin", "started"), f"首创日期早于首创载体“{name}”的设立日期 {carrier.established}："
               "改革开始时该载体还不存在，首创载体应是当时实施改革的单位（如所在园区或部门），或请更正日期",
               f"the case starts before its origin carrier '{carrier.id}' was established ({carrier.established}): "
               "the originator was the unit of that time (e.g. the park or agency), or the date is wrong")
    elif order is Order.UNDECIDABLE and not spans_over(case.started, carrier.established):
        report(("origin", "started"), f"无法判断首创时首创载体“{name}”（设立于 {carrier.established}）是否已存在："
               "日期只写到年或月；如知道请写更精确的日期，若改革早于该载体设立，首创载体应是当时的单位",
               f"cannot tell whether the origin carrier '{carrier.id}' (established {carrier.established}) existed "
               "when the case started: a date gives only a year or month; write it more precisely if known",
               severity=WARNING)
