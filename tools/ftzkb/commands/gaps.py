from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ftzkb.commands.tables import format_table

from ..i18n import pick
from ..vocab import label
from .common import echo_json, format_option, load_for_query, resolve_carrier, root_option

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from pathlib import Path

    from ..export import Column
    from ..replication import Gap, GapReport


def csv_columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("rank", "序号", "rank"), Column("case_id", "案例 id", "case id"), Column("title", "标题", "title"),
            Column("mandated_by", "规定动作批次", "mandated by batch"), Column("status", "当前状态", "current status"),
            Column("peers_adopted", "同类载体已复制", "peers adopted"), Column("adopters", "已复制载体", "adopters"),
            Column("learn_from", "可学习的载体", "learn from")]


@click.command(epilog="""\b
示例 / Examples:
  ftzkb gaps kunshan-etdz              昆山经开区可复制而尚未复制的案例
  ftzkb gaps 昆山经开区 --limit 20     只看前 20 条（载体可写 id 或名称）
  ftzkb gaps suzhou-area --format json
\b
排序：规定动作（未完成，附批次）在前；其余按同类型载体中已复制的数量从多到少。
可复制 = 案例的 preconditions.carrier_types 含本载体类型（未写则都可复制），且案例有效、非本载体首创。
Order: mandated adoptions not yet done first (with their batch), then by how many peers of the same
type adopted the case. Eligible = the case's preconditions.carrier_types include one of the carrier's
types (none = every carrier), the case is active and was not originated here.
""")
@click.argument("carrier")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="最多列出几条 / at most this many")
@format_option("text", "json", "csv")
@root_option
def command(carrier: str, limit: int | None, fmt: str, root: Path | None) -> None:
    """列出本载体可以复制而尚未复制的案例，并给出可学习的最早复制者。

    The cases a carrier is eligible for and has not adopted, with the earliest adopters to learn from.
    """
    corpus = load_for_query(root)
    from ftzkb.export import write_csv

    from ..replication import gaps

    report = gaps(corpus, resolve_carrier(corpus, carrier), limit)
    shown = report.gaps
    if fmt == "json":
        echo_json(report.as_dict())
    elif fmt == "csv":
        write_csv([_row(i, g) for i, g in enumerate(shown, start=1)], sys.stdout, csv_columns())
    else:
        click.echo(render_text(report, shown))


def _teachers(gap: Gap) -> str:
    return "、".join(f"{t.name} {t.date}" if t.date != "unknown" else t.name for t in gap.learn_from)


def _row(rank: int, gap: Gap) -> dict:
    return {"rank": rank, "case_id": gap.case_id, "title": gap.title, "mandated_by": ", ".join(gap.mandated_by),
            "status": label("adoption_status", gap.status) if gap.status else "",
            "peers_adopted": gap.peers_adopted, "adopters": gap.adopters, "learn_from": _teachers(gap)}


def render_text(report: GapReport, shown: list[Gap]) -> str:
    header = pick(f"{report.name}（{report.carrier_id}）：可复制 {report.eligible} 个，已复制 {report.adopted} 个，"
                  f"尚未复制 {report.total} 个；同类载体 {report.peers} 个",
                  f"{report.name} ({report.carrier_id}): eligible for {report.eligible}, adopted {report.adopted}, "
                  f"not yet {report.total}; {report.peers} peers of the same type")
    if not shown:
        return header
    columns = csv_columns()
    headings = [c.heading() for c in columns]
    rows = [[_row(i, g)[c.key] for c in columns] for i, g in enumerate(shown, start=1)]
    more = report.total - len(shown)
    tail = pick(f"\n……另有 {more} 个（去掉 --limit 查看全部）", f"\n… {more} more (drop --limit to see all)")
    return header + "\n\n" + format_table(headings, rows, 30) + (tail if more else "")
