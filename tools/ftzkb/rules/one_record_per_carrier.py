import itertools
from collections import defaultdict

from ..dates import parse_date
from . import ERROR, rule


def _span(adoption):
    """(start, end) of a closed period; a period may end in the month (or year) the next begins:
    `until: 2021-09` then `date: 2021-09` touch, they do not overlap."""
    start, end = parse_date(adoption.date), parse_date(adoption.until)
    if start is None or end is None:
        return None
    return start, end


@rule("one-record-per-carrier", ERROR, "每个载体在一个案例中只有一条复制记录，除非各条记录的时期（date–until）不重叠",
      "one adoption record per carrier per case, unless the records describe non-overlapping periods")
def check(corpus, report):
    for case in corpus.cases.values():
        by_carrier = defaultdict(list)
        for adoption in case.adoptions:
            by_carrier[adoption.carrier].append(adoption)
        for carrier, records in by_carrier.items():
            if len(records) > 1 and not _disjoint_periods(records):
                later = records[1]
                report(case, ("adoptions", later.index, "carrier"),
                       f"载体“{carrier}”已有一条复制记录（第 {records[0].index + 1} 条）：请更新那一条，"
                       "或给两条都写明不重叠的 date 和 until",
                       f"carrier '{carrier}' already has a record (#{records[0].index + 1}): update it, "
                       "or give both records non-overlapping date and until")


def _disjoint_periods(records) -> bool:
    spans = []
    for record in records:
        span = _span(record)
        if span is None:
            if record is records[-1] and parse_date(record.date):  # the open, current period
                span = (parse_date(record.date), None)
            else:
                return False
        spans.append(span)
    spans.sort(key=lambda span: span[0].earliest)
    return all(prev[1] is not None and prev[1].earliest <= nxt[0].latest for prev, nxt in itertools.pairwise(spans))
