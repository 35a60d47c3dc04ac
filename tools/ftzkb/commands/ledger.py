"""`ftzkb ledger export` and `ftzkb ledger import`: the reporting round (复制推广台账) — one
workbook per carrier out, the filled workbooks back in, all or nothing, history kept."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ftzkb.commands.common import corpus_root, echo_json, fail, load_for_query, progress, root_option
from ftzkb.i18n import pick

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from ftzkb.load.model import Corpus
    from ftzkb.record.adopt import Planned
    from ftzkb.record.bulk import Problem
    from ftzkb.record.ledger import LedgerImport

EXPORT_EPILOG = """\b
示例 / Examples:
  ftzkb ledger export kunshan-etdz -o ledgers/         一个载体的台账
  ftzkb ledger export 昆山经开区 苏州片区 -o ledgers/     载体也可写名称或简称
  ftzkb ledger export --all -o ledgers/                全部载体，每个载体一个工作簿
  ftzkb ledger export --batch provincial-replication-1 -o ledgers/
  ftzkb ledger export kunshan-etdz --format csv -o ledgers/
"""
IMPORT_EPILOG = """\b
示例 / Examples:
  ftzkb ledger import ledgers/ --dry-run               先看将要改什么
  ftzkb ledger import ledgers/                         导入（全部无误才写入）
  ftzkb ledger import ledgers/台账-昆山经开区-kunshan-etdz.xlsx --format json
"""


@click.group(name="ledger")
def command() -> None:
    """复制推广台账：导出给各载体填写，再把填好的表导入。

    Replication ledgers: export one per carrier, import the filled sheets.
    """


@command.command(name="export", epilog=EXPORT_EPILOG)
@click.argument("carriers", nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="全部载体 / every carrier")
@click.option("--batch", "batch_key", metavar="LEVEL-N", help="某个批次的全部复制对象 / the targets of one batch")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("ledgers"),
              show_default=True, help="输出目录 / output directory")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True,
              help="文件格式 / file format")
@click.option("--return-to", default=None,
              help="填好后交回给谁（默认：省自贸办） / whom it goes back to (default: the provincial FTZ office)")
@click.option("--audience", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="public：只含公开记录（可发给载体）；internal：含内部记录 / public records only, or internal too")
@root_option
def export_command(carriers: tuple[str, ...], everyone: bool, batch_key: str | None, out: Path, fmt: str,
                   return_to: str | None, audience: str, root: Path | None) -> None:
    """为一个、几个或全部载体导出复制推广台账（每个载体一个工作簿）。

    Export the replication ledger of one, several or all carriers (a workbook each).
    """
    from ftzkb.export.ledger import Round, write_ledgers
    from ftzkb.fsio import FileRefused
    from ftzkb.load.version import data_version

    return_to = return_to or "省自贸办"
    corpus = load_for_query(root)
    wanted = _carriers(corpus, carriers, everyone, batch_key)
    if not out.exists():
        out.mkdir(parents=True)
    version = data_version(corpus_root(root), corpus)
    round_ = Round(corpus, version, out, fmt, return_to, dt.date.today().isoformat(), audience)
    with progress(len(wanted), "导出台账", "exporting ledgers") as bar:
        try:
            written = write_ledgers(round_, wanted, bar.update)
        except FileRefused as exc:
            fail(exc.zh, exc.en, code=2)
    for path in written:
        click.echo(str(path))
    click.echo(pick(f"已导出 {len(written)} 份台账（数据版本 {version.label}）到 {out}",
                    f"exported {len(written)} ledgers (data version {version.label}) to {out}"), err=True)


def _carriers(corpus: Corpus, carriers: tuple[str, ...], everyone: bool, batch_key: str | None) -> list[str]:
    from ftzkb.commands.common import resolve_carrier
    from ftzkb.replication import batch_targets, find_batch

    if everyone:
        return sorted(corpus.carriers)
    if batch_key:
        info = find_batch(corpus, batch_key)
        if info is None:
            fail(f"找不到批次“{batch_key}”（ftzkb batch 列出全部批次）", f"no batch '{batch_key}' (see ftzkb batch)",
                 code=2)
        return batch_targets(corpus, info)
    if not carriers:
        fail("请给出载体 id，或用 --all、--batch", "give carrier ids, or --all or --batch", code=2)
    return list(dict.fromkeys(resolve_carrier(corpus, text) for text in carriers))  # ids, names or short names


@command.command(name="import", epilog=IMPORT_EPILOG)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--carrier", help="表中看不出载体时用这个载体 id / carrier id when the sheet does not say")
@click.option("--dry-run", is_flag=True, help="只显示将要做的改动，不写入 / show the plan, write nothing")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式 / output format")
@root_option
def import_command(inputs: tuple[Path, ...], carrier: str | None, dry_run: bool, fmt: str,
                   root: Path | None) -> None:
    """导入填好的台账（文件或目录）：先全部检查，全部无误才写入，历史保留。

    Import filled ledgers (files or directories): everything is checked first; all or nothing.
    """
    from ftzkb.load.loader import load_corpus
    from ftzkb.record.adopt import AdoptError, record_changes
    from ftzkb.record.ledger import plan_import, read_ledgers
    from ftzkb.record.sheets import SheetError

    base = corpus_root(root)
    for item in inputs:
        if not item.exists():
            fail(f"找不到文件或目录：{item}", f"no such file or directory: {item}", code=2)
    try:
        files, problems = read_ledgers(list(inputs), base, lambda: load_corpus(base).corpus, carrier)
    except SheetError as exc:
        fail(exc.zh, exc.en, code=2)
    outcome: dict[str, LedgerImport] = {}

    def make_plans() -> list[Planned]:
        outcome["import"] = plan_import(files, problems, base)
        found = outcome["import"].problems
        if found and not dry_run:
            _print_problems(found)
            raise AdoptError(f"台账有 {len(found)} 处问题，未写入任何文件",
                             f"{len(found)} problems in the ledgers; nothing written", code=1)
        return outcome["import"].plan.plans

    try:
        _, written = record_changes(base, make_plans, dry_run)
    except AdoptError as exc:
        fail(exc.zh, exc.en, code=exc.code)
    _report(outcome["import"], written, dry_run, fmt)


def _print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(pick(f"{problem.place}: {problem.zh}", f"{problem.place}: {problem.en}"), err=True)


_ACTION_WORDS = {"added": ("新增记录", "new records"), "new-period": ("状态变化（新阶段）", "status changes"),
                 "updated": ("补充或更正", "updated"), "unchanged": ("无变化", "unchanged"),
                 "untouched": ("未改动的行", "untouched rows"), "conflicts": ("冲突", "conflicts")}


def _report(result: LedgerImport, written: int, dry_run: bool, fmt: str) -> None:
    from ftzkb.commands.adopt import diff_text

    summary = result.summary()
    if fmt == "json":
        echo_json({"dry_run": dry_run, "files_written": written,
                   "carriers": {c: dict(counts) for c, counts in sorted(summary.items())},
                   "problems": [{"place": p.place, "zh": p.zh, "en": p.en} for p in result.problems],
                   "diff": "".join(diff_text(p) for p in result.plan.plans if p.changed)})
        if result.problems:
            sys.exit(1)
        return
    if dry_run:
        click.echo("".join(diff_text(p) for p in result.plan.plans if p.changed), nl=False)
        _print_problems(result.problems)
    for carrier_id, counts in sorted(summary.items()):
        parts = [f"{pick(*_ACTION_WORDS[k])} {n}" for k, n in counts.items() if n and k in _ACTION_WORDS]
        click.echo(f"{carrier_id}: " + ("，".join(parts) if parts else pick("没有要改的", "nothing to change")))
    changed = sum(p.changed for p in result.plan.plans)
    if dry_run:
        click.echo(pick(f"演练：将改动 {changed} 个文件，未写入；问题 {len(result.problems)} 处",
                        f"dry run: {changed} files would change; nothing written; {len(result.problems)} problems"),
                   err=True)
        if result.problems:
            sys.exit(1)
    else:
        click.echo(pick(f"已写入 {written} 个文件", f"wrote {written} files"), err=True)
