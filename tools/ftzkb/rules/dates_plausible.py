"""Dates must name real days, not lie in the future, and not precede 1949-10-01.

The lower bound is the founding of the People's Republic of China (1949-10-01): every reform in
this corpus is an institutional innovation of a Chinese pilot free trade zone or open carrier, so
none can predate it, and a date before it (`0001-01-01`, `0000-…`) is a typing mistake. The
founding dates of the oldest carriers (the first development zones, 1984) are well after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ..dates import parse_date
from ..load.model import Case
from . import CARRIER, CASE, ERROR, Report, rule
from .datecmp import Order, is_before

if TYPE_CHECKING:
    from ..load.model import Carrier
    from ..load.yamlload import Path_

EARLIEST = dt.date(1949, 10, 1)
_WRITTEN = re.compile(r"(<=)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


def _today() -> dt.date:
    return dt.date.today()


@lru_cache(maxsize=4096)
def _span(text: str) -> tuple[dt.date, dt.date] | None:
    """(earliest, latest) of a date as written; a corpus repeats the same few thousand dates."""
    date = parse_date(text)
    return None if date is None else (date.earliest, date.latest)


def _case_dates(case: Case) -> Iterator[tuple[Path_, str | None]]:
    yield ("origin", "started"), case.started
    for i, recognition in enumerate(case.recognitions):
        yield ("recognitions", i, "date"), recognition.date
    for i, source in enumerate(case.sources):
        yield ("sources", i, "date"), source.date
    for adoption in case.adoptions:
        yield ("adoptions", adoption.index, "date"), adoption.date
        yield ("adoptions", adoption.index, "until"), adoption.until


def _carrier_dates(carrier: Carrier) -> Iterator[tuple[Path_, str | None]]:
    yield ("established",), carrier.established
    for i, (date, _) in enumerate(carrier.dates):
        yield ("dates", i, "date"), date
    for i, figure in enumerate(carrier.reported_figures):
        yield ("reported_figures", i, "as_of"), figure.as_of
    for flow in carrier.flows:
        yield ("flows", flow.index, "date"), flow.date


def problem(text: str, today: dt.date) -> tuple[str, str] | None:
    """What is wrong with a well-formed date, in both languages, or None."""
    span = _span(text)
    if span is None:
        return _not_a_day(text)
    if span[1] < EARLIEST:
        return (f"日期“{text}”早于 1949-10-01（中华人民共和国成立）：本知识库的改革都在此之后，请核对年份",
                f"'{text}' is before 1949-10-01 (the founding of the PRC), which no reform here predates: "
                "check the year")
    if span[0] > today:
        return (f"日期“{text}”在未来：请核对，或写 unknown", f"'{text}' is in the future: check it, or write unknown")
    return None


def _not_a_day(text: str) -> tuple[str, str] | None:
    written = _WRITTEN.match(text)
    if written is None:
        return None  # malformed: the schema explains it
    year, month = int(written.group(2)), int(written.group(3) or 1)
    if year < EARLIEST.year:
        return (f"日期“{text}”早于 1949-10-01（中华人民共和国成立）：年份不对，请写真实的年份",
                f"'{text}' is before 1949-10-01 (the founding of the PRC): the year is wrong")
    days = calendar.monthrange(year, month)[1]
    return (f"日期“{text}”不存在：{year} 年 {month} 月只有 {days} 天",
            f"'{text}' is not a real date: {calendar.month_name[month]} {year} has {days} days")


@rule("date-plausible", ERROR, "日期必须真实存在、不在未来、不早于 1949-10-01，复制不早于首创",
      "dates must be real, not in the future, not before 1949-10-01, and no adoption before the origin",
      scope=(CASE, CARRIER), context=lambda corpus: _today().isoformat())
def check(record: Case | Carrier, report: Report) -> None:
    today = _today()
    for path, text in _case_dates(record) if isinstance(record, Case) else _carrier_dates(record):
        if isinstance(text, str) and text != "unknown":
            found = problem(text, today)
            if found:
                report(path, *found)
    if isinstance(record, Case):
        _adoptions_after_origin(record, report)


def _adoptions_after_origin(case: Case, report: Report) -> None:
    for adoption in case.adoptions:
        if is_before(adoption.date, case.started) is Order.BEFORE:
            report(("adoptions", adoption.index, "date"),
                   f"复制日期 {adoption.date} 早于首创日期 {case.started}：请核对两个日期",
                   f"adoption date {adoption.date} is before the origin date {case.started}: check both dates")
