"""The statistics page: cases originated and replicated per FTZ area per year, adoption
curves, time to adopt, and the figures sources reported beside the computed ones. Charts are
inline SVG (`ftzkb.site.svg`), each followed by its numbers as a table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from ...replication import (
    ADOPTED,
    DIRECTIONS,
    DURATION_NOTE_ZH,
    CarrierStats,
    CorpusTotals,
    Curve,
    area_stats,
    corpus_totals,
)
from ...replication.core import days_between
from ...replication.stats import UNDATED
from .. import links, svg
from ..context import Site

# "FTZ" here is the Jiangsu FTZ (the zone and its areas); FTZs of other provinces are "other carriers".
DIRECTION_LABELS = {"ftz-to-ftz": "江苏自贸试验区片区之间", "ftz-to-other": "江苏自贸试验区 → 其他载体",
                    "other-to-ftz": "其他载体 → 江苏自贸试验区（反向复制）", "other-to-other": "其他载体之间"}
DIRECTIONS_NOTE = "“其他载体”指江苏自贸试验区及其片区以外的所有载体，包括省外的自贸试验区。"
# upper bounds (days) of the time-to-adopt bins, and their labels
# Areas whose per-year figures are drawn as a chart (the busiest, in the usual order); the others
# get their numbers as a table only, so that the page stays small at national scale.
PER_YEAR_CHARTS = 24
DAY_BINS = ((90, "3个月内"), (180, "3–6个月"), (365, "6–12个月"), (730, "1–2年"), (1095, "2–3年"),
            (None, "3年以上"))


@dataclass
class Chart:
    title: str
    svg: Markup
    table: Markup
    note: str = ""
    empty: bool = False  # nothing to draw: the page says so instead of showing a bare axis
    drawn: bool = True  # False: only the numbers (a large site draws the busiest areas only)


def stats_pages(site: Site) -> Iterator[tuple[str, str]]:
    totals = corpus_totals(site.corpus)
    areas = area_stats(site.corpus)
    yield links.STATS, site.render("stats.md.j2", links.STATS, title="统计", totals=totals, areas=areas,
        direction_labels=DIRECTION_LABELS, directions_note=DIRECTIONS_NOTE, duration_note=DURATION_NOTE_ZH,
        per_year=per_year_charts(areas),
        curves=curve_chart(totals, areas), durations=duration_chart(site), directions=direction_chart(totals),
        flows=site.corpus.carrier_flows())


def per_year_charts(areas: Sequence[CarrierStats]) -> list[Chart]:
    with_years = [area for area in areas if area.by_year]
    busiest = sorted(with_years, key=lambda a: -(len(a.originated) + a.outward + a.inward))[:PER_YEAR_CHARTS]
    drawn = {a.carrier_id for a in busiest}
    return [year_chart(area, area.carrier_id in drawn) for area in with_years]


def _empty(series: Sequence[svg.Series]) -> bool:
    return not any(value for s in series for value in s.values)


def _years(stats: CarrierStats) -> list[str]:
    known = sorted(y for y in stats.by_year if y != UNDATED)
    if not known:
        return []
    return [str(y) for y in range(int(known[0]), int(known[-1]) + 1)]


def year_chart(stats: CarrierStats, drawn: bool = True) -> Chart:
    years = _years(stats)
    columns = (("originated", "首创"), ("outward", "被其他载体复制"), ("inward", "复制其他载体"))
    series = [svg.Series(name, [stats.by_year.get(y, {}).get(key, 0) for y in years]) for key, name in columns]
    title = f"{stats.name}：每年首创与复制推广"
    rows = [[y, *(stats.by_year.get(y, {}).get(key, 0) for key, _ in columns)] for y in years]
    undated = stats.by_year.get(UNDATED)
    note = ""
    if undated:
        note = "日期不明未计入图中：" + "，".join(f"{name} {undated.get(key, 0)}" for key, name in columns)
        rows.append(["日期不明", *(undated.get(key, 0) for key, _ in columns)])
    table = svg.data_table(f"{title}（数据）", ["年份", *[name for _, name in columns]], rows)
    picture = svg.responsive(lambda layout: svg.bar_chart(title, years, series, layout)) if drawn else Markup("")
    return Chart(title, picture, table, note, empty=_empty(series), drawn=drawn)


def _month_axis(curves: Sequence[Curve]) -> list[str]:
    months = sorted({p.month for c in curves for p in c.points})
    if not months:
        return []
    first, last = months[0], months[-1]
    year, month = int(first[:4]), int(first[5:])
    axis = []
    while f"{year:04d}-{month:02d}" <= last:
        axis.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return axis


def _cumulative(curve: Curve, axis: Sequence[str]) -> list[int]:
    counts = {p.month: p.count for p in curve.points}
    values, current = [], 0
    for month in axis:
        current = counts.get(month, current)
        values.append(current)
    return values


def curve_chart(totals: CorpusTotals, areas: Sequence[CarrierStats]) -> Chart:
    named = [("全部复制推广", totals.curve), *((f"{a.name}首创的案例被复制", a.outward_curve) for a in areas
                                          if a.outward_curve.points)]
    axis = _month_axis([c for _, c in named])
    series = [svg.Series(name, _cumulative(curve, axis)) for name, curve in named]
    title = "复制推广累计曲线（按月）"
    rows = [[name, curve.points[-1].count if curve.points else 0, curve.undated] for name, curve in named]
    table = svg.data_table(f"{title}（数据）", ["曲线", "截至最后一月累计", "日期不明未计入"], rows)
    years = [m[:4] if m.endswith("-01") or i == 0 else "" for i, m in enumerate(axis)]
    return Chart(title, svg.responsive(lambda layout: svg.line_chart(title, years, series, layout)), table,
                 empty=_empty(series))


def adoption_days(site: Site) -> list[int]:
    """Days from each case's start to each current adoption, where both dates are usable."""
    days = []
    for case in site.corpus.cases.values():
        for record in site.index.current[case.id].values():
            if record.status in ADOPTED and (d := days_between(case.start, record.when)) is not None:
                days.append(d)
    return days


def duration_chart(site: Site) -> Chart:
    counts: Counter[str] = Counter()
    for d in adoption_days(site):
        counts[next(name for limit, name in DAY_BINS if limit is None or d <= limit)] += 1
    names = [name for _, name in DAY_BINS]
    title = "从首创到复制所用时间（按复制记录计）"
    series = [svg.Series("复制记录数", [counts[n] for n in names])]
    table = svg.data_table(f"{title}（数据）", ["用时", "复制记录数"], [[n, counts[n]] for n in names])
    return Chart(title, svg.responsive(lambda layout: svg.hbar_chart(title, names, series, layout)), table,
                 DURATION_NOTE_ZH, empty=_empty(series))


def direction_chart(totals: CorpusTotals) -> Chart:
    names = [DIRECTION_LABELS[d] for d in DIRECTIONS]
    title = "复制推广的方向（双向复制）"
    series = [svg.Series("复制数", [totals.directions.get(d, 0) for d in DIRECTIONS])]
    table = svg.data_table(f"{title}（数据）", ["方向", "复制数"],
                           [[DIRECTION_LABELS[d], totals.directions.get(d, 0)] for d in DIRECTIONS])
    return Chart(title, svg.responsive(lambda layout: svg.hbar_chart(title, names, series, layout)), table,
                 empty=_empty(series))
