from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ftzkb.commands.common import corpus_root, echo_json, fail, format_option, progress, resolved, root_option
from ftzkb.i18n import pick

if TYPE_CHECKING:  # the recording code (jsonschema, the queries) is imported when a command runs, not for --help
    from ftzkb.record.adopt import Planned

_ACTIONS = {"added": ("新增", "added"), "updated": ("更新", "updated"), "unchanged": ("无变化", "unchanged"),
            "new-period": ("新阶段（原记录保留为历史）", "new period (the old record is kept)")}


@click.command(epilog="""\b
示例 / Examples:
  ftzkb adopt sz-guanzhurong kunshan-etdz --status piloting --date 2021-03
  ftzkb adopt sz-guanzhurong kunshan-etdz --status adopted --date 2021-09      同一载体再次运行即更新记录
  ftzkb adopt 关助融 昆山经开区 --status adopted --date 2021-09                 案例与载体也可写标题或名称
  ftzkb adopt lyg-internet-road-haulage kunshan-etdz --status adopted --date 2021 \\
        --batch provincial-replication-1 --learned-from lianyungang-area \\
        --evidence "昆山经开区复制推广清单|https://example.gov.cn/notice.html" --note 已落地
  ftzkb adopt --from-sheet 复制清单.xlsx --dry-run      先看会改什么（不写入）
  ftzkb adopt --from-sheet 复制清单.csv                  整张表全部通过才写入
\b
只改动该条记录所在的行；文件其余部分（注释、键序、引号）逐字节保持不变。写入前重新校验；
文件在读取后被改动则不写。状态与性质可写 id 或中文（已复制 / 规定动作）。
表格列：案例 id、载体 id、状态、日期、截至、性质、要求批次、学习来源载体、学习来源案例、证据、备注
（与 ftzkb 导出的复制记录表相同；也认英文键 case, carrier, status, date…）。
Only the record's own lines change; the rest of the file stays byte-identical. The new content is
re-validated before it replaces the file, and a file changed since it was read is not overwritten.
Sheet columns: case, carrier, status, date, until, mandate, mandated_by, learned_from,
learned_from_case, evidence, note (the adoption export's columns, in Chinese or English).
""")
@click.argument("case", required=False)
@click.argument("carrier", required=False)
@click.option("--status", help="复制状态（新记录必填）：adopted adapted piloting planned declined withdrawn unknown "
                               "/ adoption status (required for a new record)")
@click.option("--date", help="复制日期：2021、2021-03、2021-03-05 或 unknown / date of adoption")
@click.option("--until", help="该记录结束日期 / end of the period this record describes")
@click.option("--mandate", help="性质：mandated（规定动作）voluntary（自选动作）unknown / mandated or voluntary")
@click.option("--batch", "mandated_by", metavar="LEVEL-N",
              help="要求复制的批次（即规定动作），如 provincial-replication-1 / mandating batch (implies mandated)")
@click.option("--learned-from", help="学习借鉴的载体（id 或名称） / carrier it learned from (id or name)")
@click.option("--learned-from-case", help="借鉴的案例（id 或标题） / case it was modelled on (id or title)")
@click.option("--evidence", multiple=True,
              help="证据：网址、文号，或“标题|网址或文号”；可重复 / evidence: URL, document no., or 'title|ref'")
@click.option("--note", help="备注 / note")
@click.option("--audience", help="公开范围：public 或 internal / audience")
@click.option("--from-sheet", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="从 CSV 或 XLSX 表格批量记录 / record many adoptions from a CSV or XLSX sheet")
@click.option("--correct", is_flag=True,
              help="更正当前记录本身（不新增阶段） / fix the current record in place instead of a new period")
@click.option("--dry-run", is_flag=True, help="只显示将要做的改动，不写入 / show the changes, write nothing")
@format_option("text", "json")
@root_option
def command(case: str | None, carrier: str | None, status: str | None, date: str | None, until: str | None,
            mandate: str | None, mandated_by: str | None, learned_from: str | None, learned_from_case: str | None,
            evidence: tuple[str, ...], note: str | None, audience: str | None, from_sheet: Path | None,
            correct: bool, dry_run: bool, fmt: str, root: Path | None) -> None:
    """记录或更新一个载体对一个案例的复制（或从表格批量记录）。

    Record or update a carrier's adoption of a case (or many, from a sheet).
    """
    from ftzkb.record.adopt import AdoptError, AdoptionChange, plan_adoption, record_changes, with_ids

    base = corpus_root(root)
    if from_sheet is not None:
        if case or carrier:
            fail("--from-sheet 与 CASE CARRIER 不能同时使用", "use either --from-sheet or CASE CARRIER", code=2)
        _from_sheet(from_sheet, base, dry_run, fmt)
        return
    if not case or not carrier:
        fail("需要 CASE 和 CARRIER 两个参数（或 --from-sheet 表格）",
             "CASE and CARRIER are required (or --from-sheet FILE)", code=2)
    case, carrier, learned_from, learned_from_case = _references(base, case, carrier, learned_from, learned_from_case)
    change = with_ids(AdoptionChange(status, date, until, mandate, mandated_by, learned_from, learned_from_case,
                                     tuple(evidence), note, audience, correct=correct))
    if change.is_empty():
        fail("没有要改的内容：至少给出 --status 等一个选项", "nothing to change: give --status or another option",
             code=2)
    try:
        plans, written = record_changes(base, lambda: [plan_adoption(base, case, carrier, change)], dry_run)
    except AdoptError as exc:
        fail(exc.zh, exc.en, code=exc.code)
    _report(plans, written, dry_run, fmt)


def _references(root: Path, case: str, carrier: str, learned_from: str | None,
                learned_from_case: str | None) -> tuple[str, str, str | None, str | None]:
    """The case and carriers as ids: each may be typed as an id, a name or title, or an unambiguous
    prefix (`ftzkb.resolve`); looked up by file, names read only for what is not an id."""
    from ftzkb.resolve import carriers_on_disk, cases_on_disk

    cases, carriers = cases_on_disk(root), carriers_on_disk(root)
    return (resolved(cases, case), resolved(carriers, carrier),
            resolved(carriers, learned_from) if learned_from else None,
            resolved(cases, learned_from_case) if learned_from_case else None)


def _from_sheet(path: Path, root: Path, dry_run: bool, fmt: str) -> None:
    from ftzkb.record.adopt import AdoptError, record_changes
    from ftzkb.record.bulk import plan_rows, read_rows
    from ftzkb.record.sheets import SheetError

    try:
        rows, problems, _ = read_rows(path, root)
    except SheetError as exc:
        fail(exc.zh, exc.en, code=2)

    def checked_plans() -> list[Planned]:
        with progress(len(rows), "检查表格", "checking the sheet") as bar:
            bulk = plan_rows(rows, problems, root, on_row=bar.update)
        report_problems(bulk.problems)
        return bulk.plans

    try:
        plans, written = record_changes(root, checked_plans, dry_run)
    except AdoptError as exc:
        fail(exc.zh, exc.en, code=exc.code)
    _report(plans, written, dry_run, fmt)


def report_problems(problems: list) -> None:
    """Every problem at its `file:sheet:row:column`, then refuse (nothing is written)."""
    from ftzkb.record.adopt import AdoptError

    if not problems:
        return
    for problem in problems:
        click.echo(pick(f"{problem.place}: {problem.zh}", f"{problem.place}: {problem.en}"), err=True)
    raise AdoptError(f"表格有 {len(problems)} 处问题，未写入任何文件",
                     f"{len(problems)} problems in the sheet; nothing written", code=1)


def diff_text(plan: Planned) -> str:
    name = str(plan.path)
    return "".join(difflib.unified_diff(plan.original.splitlines(keepends=True), plan.text.splitlines(keepends=True),
                                        fromfile=name, tofile=name))


def _report(plans: list[Planned], written: int, dry_run: bool, fmt: str) -> None:
    actions = [action for plan in plans for action in plan.actions]
    if fmt == "json":
        echo_json({"dry_run": dry_run, "files_written": written,
                   "actions": [{"case": c, "carrier": k, "action": a} for c, k, a in actions],
                   "diff": "".join(diff_text(p) for p in plans)})
        return
    if dry_run:
        click.echo("".join(diff_text(p) for p in plans), nl=False)
    for case, carrier, action in actions:
        click.echo(pick(f"{_ACTIONS[action][0]}：{case} ← {carrier}", f"{_ACTIONS[action][1]}: {case} ← {carrier}"),
                   err=dry_run)
    summary = (pick(f"演练：将改动 {sum(p.changed for p in plans)} 个文件，未写入",
                    f"dry run: {sum(p.changed for p in plans)} files would change; nothing written") if dry_run
               else pick(f"已写入 {written} 个文件", f"wrote {written} files"))
    click.echo(summary, err=True)
    sys.stdout.flush()
