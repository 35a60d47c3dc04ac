from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from ftzkb.commands.tables import format_table

from ..i18n import pick
from ..vocab import label, vocab
from .common import echo_json, format_option, load_for_query, resolve_carrier, root_option

if TYPE_CHECKING:  # the replication queries and the exporters load when the command runs, not for --help
    from pathlib import Path

    from ..export import Column
    from ..load.model import Corpus
    from ..replication import CarrierStats, CarrierSummary, CorpusTotals, Duration
    from ..replication.stats import Curve


def overview_columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("carrier_id", "载体 id", "carrier id"), Column("name", "名称", "name"),
            Column("types", "类型", "types"), Column("originated", "首创", "originated"),
            Column("outward", "向外复制", "replicated outward"), Column("inward", "复制引入", "adopted inward"),
            Column("in_progress", "试点/计划中", "in progress"),
            Column("median_days_inward", "引入用时中位数（天）", "median days to adopt")]


@click.command(epilog="""\b
示例 / Examples:
  ftzkb stats                        总计、各片区与全部载体一览
  ftzkb stats 苏州片区               一个载体（id 或名称）：首创、向外复制（到哪里）、复制引入（从哪里）、
                                     按年份与领域、复制用时、来源公布数字与本库计算对照、累计曲线
  ftzkb stats --areas --format json  各片区的完整统计（JSON）
  ftzkb stats --format csv > 载体统计.csv
\b
复制 = 状态为 adopted 或 adapted 的当前记录 / adoption = a current record with status adopted or adapted.
""")
@click.argument("carrier", required=False)
@click.option("--areas", is_flag=True, help="各自贸片区的完整统计 / full statistics of each FTZ area")
@format_option("text", "json", "csv")
@root_option
def command(carrier: str | None, areas: bool, fmt: str, root: Path | None) -> None:
    """按载体与自贸片区统计首创、向外复制与复制引入。

    Statistics per carrier and per FTZ area: cases originated, replicated outward, adopted inward.
    """
    from ftzkb.export import write_csv

    from ..replication import area_stats, carrier_stats

    corpus = load_for_query(root)
    if carrier:
        details = [carrier_stats(corpus, resolve_carrier(corpus, carrier))]
    elif areas:
        details = area_stats(corpus)
    else:
        _overview(corpus, fmt)
        return
    if fmt == "json":
        echo_json([d.as_dict() for d in details] if areas and not carrier else details[0].as_dict())
    elif fmt == "csv":
        write_csv([_summary_row(d) for d in details], sys.stdout, overview_columns())
    else:
        click.echo("\n\n".join(render_carrier(d, corpus) for d in details))


def _summary_row(stats: CarrierStats) -> dict:
    return {"carrier_id": stats.carrier_id, "name": stats.name, "types": ", ".join(stats.types),
            "originated": len(stats.originated), "outward": stats.outward, "inward": stats.inward,
            "in_progress": stats.in_progress, "median_days_inward": stats.time_to_adopt_inward.median_days}


def _overview(corpus: Corpus, fmt: str) -> None:
    from ftzkb.export import write_csv

    from ..replication import DURATION_NOTE_EN, DURATION_NOTE_ZH, carrier_overview, corpus_totals

    columns = overview_columns()
    totals = corpus_totals(corpus)
    rows = carrier_overview(corpus)
    if fmt == "json":
        echo_json({"totals": asdict(totals), "carriers": [asdict(r) for r in rows],
                   "duration_note": {"zh": DURATION_NOTE_ZH, "en": DURATION_NOTE_EN}})
        return
    table = [_overview_row(r) for r in rows]
    if fmt == "csv":
        write_csv(table, sys.stdout, columns)
        return
    click.echo(render_totals(totals))
    click.echo("")
    click.echo(format_table([c.heading() for c in columns], [[r[c.key] for c in columns] for r in table], 30))


def _overview_row(row: CarrierSummary) -> dict:
    return {**asdict(row), "types": "、".join(label("carrier_type", t) for t in row.types),
            "median_days_inward": "" if row.median_days_inward is None else f"{row.median_days_inward:g}"}


def render_totals(totals: CorpusTotals) -> str:
    from .matrix import render_directions

    lines = [pick(f"案例 {totals.cases} 个，载体 {totals.carriers} 个，复制记录 {totals.records} 条；"
                  f"已复制 {totals.adopted}，试点或计划中 {totals.in_progress}",
                  f"{totals.cases} cases, {totals.carriers} carriers, {totals.records} adoption records; "
                  f"{totals.adopted} adopted, {totals.in_progress} in progress"),
             pick("双向复制：", "two-way replication:"), render_directions(totals.directions),
             pick("复制用时：", "time to adopt: ") + render_duration(totals.time_to_adopt)]
    return "\n".join(lines)


def render_duration(duration: Duration) -> str:
    if duration.median_days is None:
        return pick(f"无可用日期（{duration.skipped} 条日期不全）", f"no usable dates ({duration.skipped} incomplete)")
    return pick(f"中位数 {duration.median_days:g} 天（{duration.measured} 条；{duration.skipped} 条日期不全未计）",
                f"median {duration.median_days:g} days ({duration.measured} records; "
                f"{duration.skipped} without usable dates)")


def _counts(corpus: Corpus, counts: dict[str, int], limit: int = 10) -> str:
    shown = [f"{corpus.carrier_name(c)} {n}" for c, n in list(counts.items())[:limit]]
    more = len(counts) - limit
    return "、".join(shown) + (pick(f" 等 {len(counts)} 个", f" and {more} more") if more > 0 else "") or "—"


def render_carrier(stats: CarrierStats, corpus: Corpus) -> str:
    from ..replication import DURATION_NOTE_EN, DURATION_NOTE_ZH, UNDATED

    types = "、".join(label("carrier_type", t) for t in stats.types)
    lines = [f"{stats.name} ({stats.carrier_id}) — {types}",
             pick(f"首创案例 {len(stats.originated)} 个；向外复制 {stats.outward} 次（{stats.outward_cases} 个案例）；"
                  f"复制引入 {stats.inward} 个；试点或计划中 {stats.in_progress} 个",
                  f"originated {len(stats.originated)}; replicated outward {stats.outward} times "
                  f"({stats.outward_cases} cases); adopted inward {stats.inward}; in progress {stats.in_progress}"),
             pick("复制到：", "replicated to: ") + _counts(corpus, stats.outward_to),
             pick("复制自：", "adopted from: ") + _counts(corpus, stats.inward_from),
             pick("引入用时：", "time to adopt (inward): ") + render_duration(stats.time_to_adopt_inward),
             pick("向外用时：", "time to be adopted (outward): ") + render_duration(stats.time_to_adopt_outward),
             "  " + pick(DURATION_NOTE_ZH, DURATION_NOTE_EN), ""]
    heads = [pick("年份", "year"), pick("首创", "originated"), pick("向外", "outward"), pick("引入", "inward")]
    undated = pick("日期不明", "undated")
    lines.append(format_table(heads, [[undated if y == UNDATED else y, r["originated"], r["outward"], r["inward"]]
                                      for y, r in stats.by_year.items()]))
    lines.append("")
    heads[0] = pick("领域", "category")
    lines.append(format_table(heads, [[label("category", c), r["originated"], r["outward"], r["inward"]]
                                      for c, r in _by_vocabulary(stats.by_category, "category")]))
    if stats.reported:
        lines += ["", pick("来源公布的数字与本库记录：", "figures reported by sources beside the records:"),
                  _render_reported(stats)]
    if stats.inward_curve.points or stats.outward_curve.points:
        lines += ["", pick("累计复制（月份: 累计数）：", "cumulative adoptions (month: total):"),
                  pick("引入 ", "inward ") + _render_curve(stats.inward_curve),
                  pick("向外 ", "outward ") + _render_curve(stats.outward_curve)]
    return "\n".join(lines)


def _by_vocabulary(table: dict[str, dict[str, int]], name: str) -> list[tuple[str, dict[str, int]]]:
    return [(value, table[value]) for value in vocab(name).values if value in table]


def _render_reported(stats: CarrierStats) -> str:
    heads = [pick("口径", "metric"), pick("公布", "reported"), pick("截至", "as of"), pick("本库", "records"),
             pick("原文", "wording")]
    qualifiers = {"exact": "", "at-least": pick("以上", "+"), "about": pick("约", "~")}
    rows = [[label("figure_metric", f.metric), f"{f.reported}{qualifiers.get(f.qualifier, '')}", f.as_of,
             "—" if f.computed is None else f.computed, f.label or f.source_title] for f in stats.reported]
    return format_table(heads, rows, 36)


def _render_curve(curve: Curve) -> str:
    points = list(curve.points)
    shown = points if len(points) <= 12 else [*points[:3], None, *points[-8:]]
    text = ", ".join("…" if p is None else f"{p.month}: {p.count}" for p in shown) or "—"
    return text + (pick(f"；日期不明 {curve.undated}", f"; undated {curve.undated}") if curve.undated else "")
