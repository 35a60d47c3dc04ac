"""The adoption records of one carrier in one case are the periods of its history (计划复制 → 试点中
→ 已复制), listed in time order: each period begins no earlier than the one before it ends — its
`until`, or, when that period has no `until`, its `date` (a new period closes an open one). Where
dates written only to the year or month cannot tell, or a date is unknown, a warning asks for a
more precise date."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import TYPE_CHECKING

from ftzkb.diagnostics import WARNING

from . import CASE, ERROR, Report, rule
from .datecmp import Order, is_before

if TYPE_CHECKING:
    from ftzkb.load.model import Adoption, Case


@rule("periods-overlap", ERROR, "同一载体在一个案例中的各时期（date–until）按时间先后排列、互不重叠",
      "the periods (date–until) of one carrier in one case follow each other without overlapping", scope=CASE)
def check(case: Case, report: Report) -> None:
    by_carrier: defaultdict[str, list[Adoption]] = defaultdict(list)
    for adoption in case.adoptions:
        by_carrier[adoption.carrier].append(adoption)
    for records in by_carrier.values():
        for previous, current in itertools.pairwise(records):
            _check_pair(previous, current, report)


def _check_pair(previous: Adoption, current: Adoption, report: Report) -> None:
    bound, which_zh, which_en = ((previous.until, "结束日期", "end") if previous.until
                                 else (previous.date, "开始日期", "start"))
    order = is_before(current.date, bound)
    where = ("adoptions", current.index, "date" if current.date != "unknown" else "carrier")
    number = previous.index + 1
    if order is Order.BEFORE:
        report(where, f"这一时期的开始日期早于同一载体上一时期（第 {number} 条）的{which_zh} {bound}：各时期不能重叠，"
               "请按时间先后排列，或更正日期",
               f"this period starts before the {which_en} ({bound}) of this carrier's previous period (#{number}): "
               "periods must not overlap; list them in time order or correct the dates")
    elif order is Order.UNDECIDABLE:
        report(where, f"无法判断这一时期是否与同一载体上一时期（第 {number} 条，{which_zh} {bound}）重叠："
               "日期只写到年或月，如知道请写更精确的日期",
               f"cannot tell whether this period overlaps this carrier's previous period (#{number}, "
               f"{which_en} {bound}): the dates give only a year or month; write them more precisely if known",
               severity=WARNING)
    elif order is Order.UNKNOWN:
        report(where, f"同一载体已有一条复制记录（第 {number} 条），两条记录的先后无法判断（日期不明）："
               "请写明各时期的 date，或合并为一条",
               f"this carrier already has a record (#{number}) and their order cannot be told (a date is "
               "unknown): give each period its date, or merge them", severity=WARNING)
