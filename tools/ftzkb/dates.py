"""Partial dates as the data writes them: "2020", "2020-07", "2020-07-24",
"<=2020-08" (no later than) or "unknown"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

UNKNOWN = "unknown"
_PATTERN = re.compile(r"(<=)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    no_later_than: bool = False

    @property
    def earliest(self) -> dt.date:
        if self.no_later_than:
            return dt.date(1900, 1, 1)
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    @property
    def midpoint(self) -> dt.date:
        """A single day to compute with (durations): the middle of the span."""
        start = dt.date(self.year, self.month or 1, self.day or 1)
        return start + (self.latest - start) / 2

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
            if self.day:
                text += f"-{self.day:02d}"
        return ("<=" if self.no_later_than else "") + text

    def display_zh(self) -> str:
        text = f"{self.year}年"
        if self.month:
            text += f"{self.month}月"
            if self.day:
                text += f"{self.day}日"
        return f"不晚于{text}" if self.no_later_than else text


def parse_date(text: object) -> PartialDate | None:
    """None for "unknown", a missing value or anything malformed (the schema reports those)."""
    return _parse_text(text) if isinstance(text, str) else None


# A corpus repeats the same few thousand date strings over 100,000s of records: parse each once.
@lru_cache(maxsize=1 << 16)
def _parse_text(text: str) -> PartialDate | None:
    match = _PATTERN.match(text)
    if not match:
        return None
    year = int(match.group(2))  # the pattern requires the year; month and day are optional
    month, day = (int(g) if g else None for g in match.groups()[2:])
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day, bool(match.group(1)))


def is_real_date(text: str) -> bool:
    """True when a well-formed date names a real day (2024-02-30 is not)."""
    return parse_date(text) is not None


def display(text: str | None, lang: str = "zh") -> str:
    date = parse_date(text)
    if date is None:
        return "日期不明" if lang == "zh" else "date unknown"
    return date.display_zh() if lang == "zh" else date.iso().replace("<=", "by ")
