"""Comparing two dates as the data writes them (`2020`, `2020-07`, `2020-07-24`, `<=2020-08`,
`unknown`), where either may be partial: shared by the rules about the order of dates.

A partial date is a span of days (`2020-07` is any day of July 2020). One date is *certainly*
before another when its whole span ends before the other's begins; it is *certainly not* before
when it is written the same or its span begins after the other's ends; otherwise the precision
written cannot tell (`2019` against `2019-08`). A `<=` date ("no later than") bounds a date from
above only: it can be certainly before, never undecidably so (its writer already says that the
start is not known), and an `unknown` date cannot be compared at all.
"""

from __future__ import annotations

from enum import Enum

from ftzkb.dates import UNKNOWN, parse_date


class Order(Enum):
    BEFORE = "before"  # certainly before
    NOT_BEFORE = "not-before"  # certainly not before (the same, or later)
    UNDECIDABLE = "undecidable"  # the precision written cannot tell
    UNKNOWN = "unknown"  # a date is unknown, absent or not a real date


def is_before(date: str | None, bound: str | None) -> Order:
    """Whether `date` is before `bound`."""
    if not date or not bound or date == UNKNOWN or bound == UNKNOWN:
        return Order.UNKNOWN
    if date == bound:
        return Order.NOT_BEFORE
    first, second = parse_date(date), parse_date(bound)
    if first is None or second is None:
        return Order.UNKNOWN
    if first.latest < second.earliest and not second.no_later_than:
        return Order.BEFORE
    if first.earliest >= second.latest or first.no_later_than or second.no_later_than:
        return Order.NOT_BEFORE
    return Order.UNDECIDABLE


def spans_over(date: str | None, bound: str | None) -> bool:
    """Whether `date` is written more coarsely than `bound` and its span holds it (`2019` holds
    `2019-08`): then the data is as precise as its source can be, and nothing more can be written."""
    first, second = parse_date(date), parse_date(bound)
    if first is None or second is None or first.no_later_than or second.no_later_than:
        return False
    return first.earliest <= second.earliest and second.latest <= first.latest and first != second
