from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from ..dates import display
from ..i18n import current_lang, pick
from ..vocab import label
from .common import echo_json, format_option, load_for_query, resolve_case, root_option

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from pathlib import Path

    from ..export import Column
    from ..replication import Lineage, LineageNode

# the links of ftzkb.replication.lineage (ORIGIN, DIRECT, UNRECORDED), as the tree names them
_LINKS = {"origin": ("首创", "origin"), "direct": ("直接", "direct"), "unrecorded": ("无复制记录", "no record")}


def csv_columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("depth", "层级", "depth"), Column("carrier_id", "载体 id", "carrier id"),
            Column("name", "载体", "carrier"), Column("learned_from", "学习来源载体 id", "learned from"),
            Column("link", "关系", "link"), Column("status", "状态", "status"), Column("date", "日期", "date"),
            Column("mandated_by", "要求批次", "mandated by"),
            Column("learned_from_case", "借鉴案例", "modelled on case")]


@click.command(epilog="""\b
示例 / Examples:
  ftzkb lineage sz-guanzhurong             从首创载体出发，沿学习借鉴（learned_from）展开的复制树
  ftzkb lineage 关助融                      案例可写 id、标题或标题的一部分
  ftzkb lineage sz-guanzhurong --format json
  ftzkb lineage sz-guanzhurong --format csv > 复制树.csv
\b
没有写 learned_from 的复制记录挂在首创载体下，标“（直接）”。
Records without learned_from hang under the origin, marked "(direct)".
""")
@click.argument("case")
@format_option("text", "json", "csv")
@root_option
def command(case: str, fmt: str, root: Path | None) -> None:
    """案例的复制推广树：从首创载体出发，沿学习借鉴链展开，附日期。

    The replication tree of a case: from the origin through learned-from links, with dates.
    """
    corpus = load_for_query(root)
    from ..replication import lineage

    tree = lineage(corpus, resolve_case(corpus, case))
    if fmt == "json":
        echo_json(tree.as_dict())
    elif fmt == "csv":
        from ftzkb.export import write_csv

        write_csv(list(_rows(tree.root, "")), sys.stdout, csv_columns())
    else:
        click.echo(render_text(tree))


def _rows(node: LineageNode, parent: str, depth: int = 0) -> Iterator[dict]:
    """The tree as rows, depth first: each carrier with the one it hangs under."""
    link = _LINKS.get(node.link)
    yield {"depth": depth, "carrier_id": node.carrier_id, "name": node.name, "learned_from": parent,
           "link": pick(*link) if link else pick("学习借鉴", "learned"),
           "status": label("adoption_status", node.status) if node.status else "",
           "date": node.date or "", "mandated_by": node.mandated_by or "",
           "learned_from_case": node.learned_from_case or ""}
    for child in node.children:
        yield from _rows(child, node.carrier_id, depth + 1)


def _describe(node: LineageNode) -> str:
    from ..replication.lineage import DIRECT, ORIGIN, UNRECORDED

    lang = current_lang()
    when = display(node.date, lang) if node.date else ""
    if node.link == ORIGIN:
        return f"{node.name} ({node.carrier_id}) " + pick("首创", "originated") + f" {when}"
    if node.link == UNRECORDED:
        return f"{node.name} ({node.carrier_id}) " + pick("（无复制记录）", "(no record)")
    parts = [f"{node.name} ({node.carrier_id})", label("adoption_status", node.status or "unknown"), when]
    if node.mandated_by:
        parts.append(pick(f"规定动作 {node.mandated_by}", f"mandated by {node.mandated_by}"))
    if node.learned_from_case:
        parts.append(pick(f"借鉴案例 {node.learned_from_case}", f"modelled on case {node.learned_from_case}"))
    if node.link == DIRECT:
        parts.append(pick("（直接）", "(direct)"))
    if node.history:
        parts.append(pick(f"另有 {len(node.history)} 段早期记录", f"{len(node.history)} earlier periods"))
    return " ".join(p for p in parts if p)


def render_text(tree: Lineage) -> str:
    lines = [f"{tree.title} ({tree.case_id})", _describe(tree.root)]
    lines += _branches(tree.root, "")
    for link in tree.learned_from_cases:
        lines.append(pick(f"{link.carrier_id} 借鉴了案例 {link.title} ({link.case_id})",
                          f"{link.carrier_id} modelled it on case {link.title} ({link.case_id})"))
    for link in tree.derived:
        lines.append(pick(f"案例 {link.title} ({link.case_id}) 中 {link.carrier_id} 借鉴了本案例",
                          f"in case {link.title} ({link.case_id}), {link.carrier_id} modelled it on this case"))
    return "\n".join(lines)


def _branches(node: LineageNode, indent: str) -> list[str]:
    lines = []
    for position, child in enumerate(node.children):
        last = position == len(node.children) - 1
        lines.append(indent + ("└── " if last else "├── ") + _describe(child))
        lines += _branches(child, indent + ("    " if last else "│   "))
    return lines
