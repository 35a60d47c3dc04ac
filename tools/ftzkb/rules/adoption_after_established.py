"""A carrier cannot adopt a case before it existed. Certain from the dates written: an error;
undecidable because the carrier's date gives only a year or month: a warning. An adoption dated
only to the year or month that holds the establishment date passes (see origin_after_established)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftzkb.diagnostics import WARNING

from . import CASE, CORPUS, ERROR, Report, rule
from .contexts import establishment_dates
from .datecmp import Order, is_before, spans_over

if TYPE_CHECKING:
    from ftzkb.load.model import Case, Corpus


@rule("adoption-after-established", ERROR, "复制日期不能早于复制载体的设立日期",
      "an adoption cannot be dated before its carrier was established", scope=CORPUS, reads=(CASE,),
      context=establishment_dates)
def check(case: Case, corpus: Corpus, report: Report) -> None:
    for adoption in case.adoptions:
        carrier = corpus.carriers.get(adoption.carrier)
        if carrier is None or not carrier.established:
            continue
        order = is_before(adoption.date, carrier.established)
        path = ("adoptions", adoption.index, "date")
        if order is Order.BEFORE:
            report(path, f"复制日期早于载体“{carrier.display_name}”的设立日期 {carrier.established}：请核对日期或载体",
                   f"the adoption is dated before '{carrier.id}' was established ({carrier.established}): "
                   "check the date or the carrier")
        elif order is Order.UNDECIDABLE and not spans_over(adoption.date, carrier.established):
            report(path, f"无法判断复制时载体“{carrier.display_name}”（设立于 {carrier.established}）是否已存在："
                   "日期只写到年或月，如知道请写更精确的日期", f"cannot tell whether '{carrier.id}' (established "
                   f"{carrier.established}) existed at this adoption: a date gives only a year or month; write it "
                   "more precisely if known", severity=WARNING)
