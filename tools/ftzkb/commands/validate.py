from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ftzkb.commands.common import corpus_root, fail, format_option, root_option
from ftzkb.diagnostics import Diagnostic, render
from ftzkb.i18n import pick

if TYPE_CHECKING:  # loaded when the command runs, not for --help (it loads the loader)
    from ftzkb.rules.validate import Report


@click.command(epilog="""\b
示例 / Examples:
  ftzkb validate                      校验全部案例与载体
  ftzkb validate cases/new-case.yaml  只报告这个文件的问题（交叉规则仍看全部数据）
  ftzkb validate --strict             警告也算失败（CI 用）
  ftzkb validate --fix --dry-run      显示可自动修复的改动（不写入）
  ftzkb validate --fix                自动修复日期写法、中文词表名、载体名称、全角冒号与空格、规范格式
  ftzkb validate --changed-since origin/main --format github
  ftzkb --lang en validate            English messages
\b
退出码 / exit codes: 0 无问题 clean, 1 数据有错误 data errors, 2 用法错误 usage error
""")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="警告也算失败 / warnings fail too")
@click.option("--changed-since", metavar="REF",
              help="只检查相对 REF 改动的文件及引用它们的案例 / only files changed since REF")
@click.option("--fix", is_flag=True, help="自动修复标有（可自动修复）的问题 / repair the findings marked fixable")
@click.option("--dry-run", is_flag=True,
              help="与 --fix 同用：只显示改动，不写入 / with --fix: show the diff, write nothing")
@click.option("--list-rules", is_flag=True, help="列出全部规则 / list the rules")
@format_option("text", "json", "github")
@root_option
def command(paths: tuple[Path, ...], strict: bool, changed_since: str | None, fix: bool, dry_run: bool,
            list_rules: bool, fmt: str, root: Path | None) -> None:
    """校验案例与载体：YAML 严格解析、Schema 与交叉规则。

    Validate cases and carriers: strict YAML, schema and cross-file rules.
    Output lines: file:line:col: severity rule-id message.
    """
    if list_rules:
        _print_rules(fmt)
        return
    if dry_run and not fix:
        fail("--dry-run 要与 --fix 一起用：ftzkb validate --fix --dry-run",
             "--dry-run goes with --fix: ftzkb validate --fix --dry-run", code=2)
    if fix and changed_since:
        fail("--fix 不能与 --changed-since 同用：请列出要修复的文件，如 ftzkb validate --fix cases/x.yaml",
             "--fix does not combine with --changed-since: name the files to fix", code=2)
    from ftzkb.rules.validate import UsageError, validate

    base = corpus_root(root)
    if fix:
        report = _fix(base, paths, dry_run, fmt)
    else:
        try:
            report = validate(base, paths, changed_since, reuse_verdict=True)
        except UsageError as exc:
            fail(exc.zh, exc.en, code=2)
    _print_report(report, base, paths, root, fmt)
    sys.exit(report.exit_code(strict))


def _fix(base: Path, paths: tuple[Path, ...], dry_run: bool, fmt: str) -> Report:
    from ftzkb.record.fix import WriteRefused, plan_fixes, write_fixes
    from ftzkb.rules.validate import UsageError

    try:
        plan = plan_fixes(base, paths)
    except UsageError as exc:
        fail(exc.zh, exc.en, code=2)
    if dry_run:
        if fmt == "text":
            click.echo(plan.diff(), nl=False)
        click.echo(pick(f"可修复 {len(plan.fixed)} 处，将改动 {len(plan.texts)} 个文件（--dry-run：未写入）",
                        f"{len(plan.fixed)} findings fixable in {len(plan.texts)} files (--dry-run: nothing written)"),
                   err=True)
        return plan.after
    try:
        written = write_fixes(plan)
    except WriteRefused as exc:
        fail(f"未写入任何文件：{exc.zh}", f"nothing written: {exc.en}", code=1)
    click.echo(pick(f"已修复 {len(plan.fixed)} 处，写入 {written} 个文件",
                    f"fixed {len(plan.fixed)} findings, {written} files written"), err=True)
    return plan.after


def _print_report(report: Report, base: Path, paths: tuple[Path, ...], root: Path | None, fmt: str) -> None:
    shown = [_with_fix_command(d, base, root) if d.fixable else d for d in report.diagnostics]
    if shown:
        click.echo(render(shown, fmt))
    elif fmt == "json":
        click.echo("[]")
    if fmt == "text":
        click.echo(pick(f"检查了 {report.files_checked} 个文件：{report.errors} 个错误，{report.warnings} 个警告",
                        f"checked {report.files_checked} files: {report.errors} errors, {report.warnings} warnings"),
                   err=True)
        if report.fixable:
            command = fix_command([base / d.file for d in report.diagnostics if d.fixable], base, root)
            click.echo(pick(f"其中 {report.fixable} 处可自动修复：运行 {command}（先加 --dry-run 看改动）",
                            f"{report.fixable} of them can be fixed: run {command} (add --dry-run to see the diff)"),
                       err=True)


def _with_fix_command(diagnostic: Diagnostic, base: Path, root: Path | None) -> Diagnostic:
    command = fix_command([base / diagnostic.file], base, root)
    return replace(diagnostic, zh=f"{diagnostic.zh}（可自动修复：{command}）",
                   en=f"{diagnostic.en} (fixable: {command})")


def fix_command(files: list[Path], base: Path, root: Path | None) -> str:
    """The command that fixes these files, with paths that work from the current directory."""
    unique = sorted({_from_here(f) for f in files})
    where = unique if len(unique) <= 3 else []
    root_part = f" --root {_from_here(base)}" if root is not None else ""
    return " ".join(["ftzkb validate --fix", *where]) + root_part


def _from_here(path: Path) -> str:
    absolute = Path(path).absolute()
    relative = os.path.relpath(absolute, Path.cwd())
    return absolute.as_posix() if relative.startswith("../..") else Path(relative).as_posix()


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
