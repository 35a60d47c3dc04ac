from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..i18n import current_lang, pick
from .common import corpus_root, fail, format_option, root_option

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from pathlib import Path

    from ftzkb.diff import AdoptionChange, CorpusDiff, RecordChange
    from ftzkb.export import Column, Row

FORMATS = ("text", "markdown", "json")  # ftzkb.diff.FORMATS (not imported here: `ftzkb diff --help` stays fast)
_KINDS = {"added": ("新增", "added"), "changed": ("修改", "changed"), "removed": ("删除", "removed")}


@click.command(epilog="""\b
示例 / Examples:
  ftzkb diff main                      工作区（含未提交的改动）相对 main 的变化
  ftzkb diff v1.0 v1.1                 两个版本之间的变化
  ftzkb diff origin/main HEAD --merge-base --format markdown >> "$GITHUB_STEP_SUMMARY"
                                       拉取请求改了什么（CI 摘要）
  ftzkb diff main HEAD --format json   供程序使用
  ftzkb diff main --format csv > 变化.csv   每项变化一行（表格） / one row per change
\b
退出码 / exit codes: 0 完成 done, 1 新版本中有文件无法读取 files at HEAD could not be read,
2 用法错误（版本不存在、不是 git 仓库） usage error (unknown revision, not a git repository)
""")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--merge-base", is_flag=True,
              help="与两者的共同祖先比较（即拉取请求的改动） / compare with the common ancestor (what a pull request "
                   "changes)")
@format_option(*FORMATS, "csv")
@root_option
def command(base: str, head: str | None, merge_base: bool, fmt: str, root: Path | None) -> None:
    """两个版本之间数据的变化：新增、修改（哪些字段）、删除的案例，按载体列出的复制推广记录。

    What changed in the data between two git revisions: cases added, changed (which fields) and removed;
    adoptions per carrier. HEAD defaults to the working tree.
    """
    from ..diff import diff_revisions, render
    from ..gitrepo import GitError

    try:
        diff = diff_revisions(corpus_root(root), base, head, merge_base=merge_base)
    except GitError as exc:  # DiffError is one
        fail(exc.zh, exc.en, code=2)
    if fmt == "csv":
        from ftzkb.export import write_csv

        write_csv(change_rows(diff), sys.stdout, _columns())
    else:
        click.echo(render(diff, fmt, current_lang()), nl=False)
    sys.exit(1 if diff.head_unreadable else 0)


def _columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("what", "对象", "what"), Column("change", "变化", "change"), Column("case", "案例 id", "case id"),
            Column("case_title", "案例", "case"), Column("carrier", "载体 id", "carrier id"),
            Column("carrier_name", "载体", "carrier"), Column("fields", "改动的字段", "fields changed"),
            Column("status", "状态", "status")]


def change_rows(diff: CorpusDiff) -> list[Row]:
    """One row per changed case, carrier or adoption record, with ids and names."""
    from ftzkb.vocab import label

    def fields(change: RecordChange | AdoptionChange) -> str:
        return "、".join(pick(f.label_zh, f.label_en) for f in change.fields)

    rows = [{"what": pick("案例", "case"), "change": pick(*_KINDS[c.kind]), "case": c.id, "case_title": c.name,
             "fields": fields(c)} for c in diff.cases]
    rows += [{"what": pick("载体", "carrier"), "change": pick(*_KINDS[c.kind]), "carrier": c.id,
              "carrier_name": c.name, "fields": fields(c)} for c in diff.carriers]
    rows += [{"what": pick("复制推广记录", "adoption"), "change": pick(*_KINDS[a.kind]), "case": a.case,
              "case_title": a.case_title, "carrier": a.carrier, "carrier_name": a.carrier_name, "fields": fields(a),
              "status": " → ".join(label("adoption_status", s) for s in (a.old_status, a.new_status) if s)}
             for a in diff.adoptions]
    return rows
