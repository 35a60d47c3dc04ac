from __future__ import annotations

import sys
from pathlib import Path

import click

from ftzkb.commands.common import corpus_root, fail, format_option, root_option
from ftzkb.diagnostics import render
from ftzkb.i18n import pick
from ftzkb.rules.validate import UsageError, validate


@click.command(epilog="""\b
示例 / Examples:
  ftzkb validate                      校验全部案例与载体
  ftzkb validate cases/new-case.yaml  只报告这个文件的问题（交叉规则仍看全部数据）
  ftzkb validate --strict             警告也算失败（CI 用）
  ftzkb validate --changed-since origin/main --format github
  ftzkb --lang en validate            English messages
\b
退出码 / exit codes: 0 无问题 clean, 1 数据有错误 data errors, 2 用法错误 usage error
""")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="警告也算失败 / warnings fail too")
@click.option("--changed-since", metavar="REF",
              help="只检查相对 REF 改动的文件及引用它们的案例 / only files changed since REF")
@click.option("--list-rules", is_flag=True, help="列出全部规则 / list the rules")
@format_option("text", "json", "github")
@root_option
def command(paths, strict, changed_since, list_rules, fmt, root):
    """校验案例与载体：YAML 严格解析、Schema 与交叉规则。

    Validate cases and carriers: strict YAML, schema and cross-file rules.
    Output lines: file:line:col: severity rule-id message.
    """
    if list_rules:
        _print_rules(fmt)
        return
    try:
        report = validate(corpus_root(root), paths, changed_since)
    except UsageError as exc:
        fail(str(exc), str(exc), code=2)
    if report.diagnostics:
        click.echo(render(report.diagnostics, fmt))
    elif fmt == "json":
        click.echo("[]")
    if fmt == "text":
        click.echo(pick(f"检查了 {report.files_checked} 个文件：{report.errors} 个错误，{report.warnings} 个警告",
                        f"checked {report.files_checked} files: {report.errors} errors, {report.warnings} warnings"),
                   err=True)
    sys.exit(report.exit_code(strict))


def _print_rules(fmt: str) -> None:
    from ftzkb.commands.common import echo_json
    from ftzkb.rules import all_rules

    rules = all_rules()
    if fmt == "json":
        echo_json([{"id": r.id, "severity": r.severity, "scope": sorted(r.scope), "stage": r.stage,
                    "fixable": r.fixer is not None, "zh": r.zh, "en": r.en} for r in rules])
        return
    for r in rules:
        fixable = pick("（可自动修复）", " (fixable)") if r.fixer is not None else ""
        click.echo(f"{r.id:30} {r.severity:8} {r.scope_label:13} {pick(r.zh, r.en)}{fixable}")
