import datetime as dt
from functools import lru_cache

from ..dates import parse_date
from . import ERROR, rule


def _today() -> dt.date:
    return dt.date.today()


@lru_cache(maxsize=4096)
def _span(text: str) -> tuple[dt.date, dt.date] | None:
    """(earliest, latest) of a date as written; a corpus repeats the same few thousand dates."""
    date = parse_date(text)
    return None if date is None else (date.earliest, date.latest)


def _dated_fields(case):
    yield ("origin", "started"), case.started
    for i, recognition in enumerate(case.recognitions):
        yield ("recognitions", i, "date"), recognition.date
    for adoption in case.adoptions:
        yield ("adoptions", adoption.index, "date"), adoption.date
        yield ("adoptions", adoption.index, "until"), adoption.until


@rule("date-plausible", ERROR, "日期必须真实存在、不在未来，复制不早于首创",
      "dates must be real, not in the future, and no adoption before the origin")
def check(corpus, report):
    today = _today()
    for case in corpus.cases.values():
        for path, text in _dated_fields(case):
            if not text or text == "unknown":
                continue
            span = _span(text) if isinstance(text, str) else None
            if span is None:
                report(case, path, f"日期“{text}”不存在（例如 2 月没有 30 日）", f"'{text}' is not a real date")
            elif span[0] > today:
                report(case, path, f"日期“{text}”在未来", f"'{text}' is in the future")
        start = _span(case.started) if isinstance(case.started, str) else None
        if start is None:
            continue
        for adoption in case.adoptions:
            when = _span(adoption.date) if isinstance(adoption.date, str) else None
            if when is not None and when[1] < start[0]:
                report(case, ("adoptions", adoption.index, "date"),
                       f"复制日期 {adoption.date} 早于首创日期 {case.started}",
                       f"adoption date {adoption.date} is before the origin date {case.started}")
