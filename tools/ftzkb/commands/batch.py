from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from ftzkb.commands.common import echo_json, fail, format_option, load_for_query, resolved, root_option
from ftzkb.commands.tables import format_table
from ftzkb.i18n import pick
from ftzkb.vocab import label

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from pathlib import Path

    from ftzkb.export import Column
    from ftzkb.load.model import Corpus
    from ftzkb.replication import BatchProgress, TargetProgress


def progress_columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("carrier_id", "载体 id", "carrier id"), Column("name", "载体", "carrier"),
            Column("adopted", "已复制", "adopted"), Column("in_progress", "试点/计划中", "in progress"),
            Column("expected", "应复制", "expected"), Column("rate", "完成率", "completion"),
            Column("missing", "尚未复制", "not yet adopted")]


@click.command(epilog="""\b
示例 / Examples:
  ftzkb batch                               列出全部批次
  ftzkb batch provincial-replication-1      省第一批复制推广：各目标载体的完成情况
  ftzkb batch 全省复制推广第1批              批次也可写中文名称
  ftzkb batch provincial-replication-1 --format csv > 第一批进度.csv
\b
批次写作 <认定层级>-<批次>，如 provincial-replication-1、national-replication-7。
目标载体：写明由该批次要求复制的载体；全国/全省复制推广批次另含范围内全部载体（全省 = 首创载体所在省）。
A batch is <recognition level>-<number>. Targets: carriers with a record mandated by the batch; for
national/provincial replication batches also every carrier in scope (provincial = the origin's province).
""")
@click.argument("key", required=False)
@format_option("text", "json", "csv")
@root_option
def command(key: str | None, fmt: str, root: Path | None) -> None:
    """复制推广批次的进度：每个目标载体复制了批次中的哪些案例、完成率；不带参数时列出批次。

    Progress of a replication batch per target carrier, with completion rates; without KEY, list the batches.
    """
    corpus = load_for_query(root)
    if not key:
        _list(corpus, fmt)
        return
    from ftzkb.export import write_csv
    from ftzkb.replication import batch_progress

    progress = batch_progress(corpus, _batch_key(corpus, key))
    rows = [_row(t) for t in progress.targets]
    if fmt == "json":
        echo_json(progress.as_dict())
    elif fmt == "csv":
        write_csv(rows, sys.stdout, progress_columns())
    else:
        click.echo(render_text(progress, rows))


def _batch_key(corpus: Corpus, text: str) -> str:
    """A batch by its key or name (全省复制推广第1批); a level alone is refused with its batches."""
    from ftzkb.replication import batches
    from ftzkb.resolve import recognitions
    from ftzkb.vocab import vocab

    known = [b.key for b in batches(corpus)]
    found = resolved(recognitions(known), text)
    if found in vocab("recognition_level"):
        of_level = [k for k in known if k.rpartition("-")[0] == found]
        listing = ", ".join(of_level) or pick("（本库没有该层级的批次）", "(none recorded)")
        fail(f"“{text}”是认定层级，不是批次：请写其中一批，如 {listing}（ftzkb batch 列出全部批次）",
             f"'{text}' is a recognition level, not a batch: name one of its batches: {listing}", code=2)
    return found


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _row(target: TargetProgress) -> dict:
    return {"carrier_id": target.carrier_id, "name": target.name, "adopted": len(target.adopted),
            "in_progress": len(target.in_progress), "expected": len(target.expected), "rate": _percent(target.rate),
            "missing": ", ".join(target.missing)}


def render_text(progress: BatchProgress, rows: list[dict]) -> str:
    info = progress.batch
    level = label("recognition_level", info.level)
    head = [pick(f"{level} 第 {info.batch} 批（{info.key}）", f"{level}, batch {info.batch} ({info.key})"),
            pick(f"案例 {len(info.cases)} 个；目标载体 {len(progress.targets)} 个；总完成率 {_percent(progress.rate)}",
                 f"{len(info.cases)} cases; {len(progress.targets)} target carriers; "
                 f"overall completion {_percent(progress.rate)}")]
    if info.issuer or info.date:
        head.append(" ".join(x for x in (info.issuer, info.document, info.date) if x))
    columns = progress_columns()
    table = format_table([c.heading() for c in columns], [[r[c.key] for c in columns] for r in rows], 40)
    return "\n".join(head) + "\n\n" + table


def _list(corpus: Corpus, fmt: str) -> None:
    from ftzkb.export import Column, write_csv
    from ftzkb.replication import batches

    found = batches(corpus)
    if fmt == "json":
        echo_json([asdict(b) for b in found])
        return
    columns = [Column("key", "批次", "batch"), Column("level", "认定层级", "level"), Column("date", "日期", "date"),
               Column("issuer", "发布机关", "issuer"), Column("cases", "案例数", "cases")]
    rows = [{"key": b.key, "level": label("recognition_level", b.level), "date": b.date or "",
             "issuer": b.issuer or "", "cases": len(b.cases)} for b in found]
    if fmt == "csv":
        write_csv(rows, sys.stdout, columns)
    elif not rows:
        click.echo(pick("还没有记录任何批次", "no batches recorded yet"))
    else:
        click.echo(format_table([c.heading() for c in columns], [[r[c.key] for c in columns] for r in rows], 40))
