from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule
from .datecmp import Order, is_before

if TYPE_CHECKING:
    from ftzkb.load.model import Case


@rule("until-after-date", ERROR, "复制记录的结束日期（until）不能早于开始日期（date）",
      "an adoption period's until must not be before its date", scope=CASE)
def check(case: Case, report: Report) -> None:
    for adoption in case.adoptions:
        if adoption.until and is_before(adoption.until, adoption.date) is Order.BEFORE:
            report(("adoptions", adoption.index, "until"),
                   f"这一时期的结束日期早于开始日期 {adoption.date}：until 应不早于 date，请核对两个日期",
                   f"this period ends before it starts ({adoption.date}): until must not be before date; "
                   "check both dates")
