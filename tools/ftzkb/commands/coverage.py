from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..i18n import pick
from .common import echo_json, format_option, load_for_query, root_option

if TYPE_CHECKING:
    from pathlib import Path

    from ..replication.coverage import Coverage


@click.command(epilog="""\b
示例 / Examples:
  ftzkb coverage                   案例、载体、复制记录数；核实程度；日期不明；与公布总数对比
  ftzkb coverage --format json
""")
@format_option("text", "json")
@root_option
def command(fmt: str, root: Path | None) -> None:
    """数据覆盖情况：有多少案例、载体和复制记录，多少事实已核实，多少日期不明，与来源公布的总数相比收录了多少。

    Coverage: how many cases, carriers and adoption records; how many facts are verified; how many
    dates are unknown; what the corpus holds against the totals sources report.
    """
    from ..replication.coverage import coverage  # not at import: `ftzkb coverage --help` stays light

    found = coverage(load_for_query(root))
    if fmt == "json":
        echo_json(found.as_dict())
        return
    click.echo("\n".join(coverage_lines(found)))


def coverage_lines(c: Coverage) -> list[str]:
    from ..replication.coverage import DATE_KINDS, FACT_KINDS
    from ..vocab import label

    lines = [pick(f"案例 {c.cases}，载体 {c.carriers}，复制推广记录 {c.adoption_records}"
                  f"（已复制 {c.current_adopted}），有逐案记录的载体 {c.carriers_with_records}；"
                  f"载体层面的流向：报告 {c.flows['reported']}，计划 {c.flows['planned']}",
                  f"{c.cases} cases, {c.carriers} carriers, {c.adoption_records} adoption records "
                  f"({c.current_adopted} adopted), {c.carriers_with_records} carriers with records; carrier-level "
                  f"flows: {c.flows['reported']} reported, {c.flows['planned']} planned"), ""]
    lines.append(pick("与公布的总数对比（公布 / 收录）：", "against reported totals (reported / held):"))
    for t in c.totals:
        what = label("figure_metric", t.metric)
        if t.carrier_type:
            what += "：" + label("carrier_type", t.carrier_type)
        held = "—" if t.held is None else str(t.held)
        lines.append(f"  {what}  {t.reported} / {held}  ({t.as_of}, {t.carrier_id})")
    lines += ["", pick("核实程度（已核实 / 部分 / 未核实 / 未标注）：",
                       "verification (verified / partial / unverified / unmarked):")]
    for kind, (zh, en) in FACT_KINDS.items():
        v = c.verification[kind]
        lines.append(f"  {pick(zh, en)}  {v['verified']} / {v['partial']} / {v['unverified']} / {v['unmarked']}")
    lines += ["", pick("日期（共 / 日期不明 / 只知“不晚于”）：", "dates (total / unknown / only 'no later than'):")]
    for kind, (zh, en) in DATE_KINDS.items():
        d = c.dates[kind]
        lines.append(f"  {pick(zh, en)}  {d.total} / {d.unknown} / {d.no_later_than}")
    return lines
