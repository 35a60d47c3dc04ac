from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import click

from ftzkb.commands.common import corpus_root, fail, root_option
from ftzkb.i18n import pick

# The loader, the schema and the writer are imported when the command runs, not for --help.


class _Unformattable(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@click.command(epilog="""\b
示例 / Examples:
  ftzkb fmt                          改写全部文件为规范格式
  ftzkb fmt cases/my-case.yaml       只改一个文件
  ftzkb fmt --check                  只检查不改写（CI 用；有不规范文件时退出码 1）
""")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="只检查，不改写 / check only, do not rewrite")
@click.option("--drop-comments", is_flag=True, help="允许删除文件内部的注释 / allow dropping inner comments")
@root_option
def command(paths: tuple[Path, ...], check: bool, drop_comments: bool, root: Path | None) -> None:
    """把案例与载体文件改写为规范格式（键序、缩进、引号）。

    Rewrite case and carrier files in canonical layout. Files that do not parse or fail the
    schema are left unchanged (run ftzkb validate to see why); all files are written together.
    """
    from ftzkb.record.writes import root_of
    from ftzkb.rules.validate import UsageError, expand_paths

    base = corpus_root(root)
    try:
        files = expand_paths(paths or [base / "cases", base / "carriers"])
    except UsageError as exc:
        fail(exc.zh, exc.en, code=2)
    by_root: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        by_root[root_of(path)].append(path)
    broken = unformatted = 0
    for repository, group in by_root.items():
        found_broken, found_unformatted = _format_group(repository, group, check, drop_comments)
        broken, unformatted = broken + found_broken, unformatted + found_unformatted
    sys.exit(1 if broken or (check and unformatted) else 0)


def _format_group(repository: Path, files: list[Path], check: bool, drop_comments: bool) -> tuple[int, int]:
    """Format the files of one repository in one transaction (under its write lock, so each is read
    after any other writer is done). Returns (files left broken, files not in canonical layout)."""
    from ftzkb.load.loader import kind_of
    from ftzkb.record.writes import WriteRefused, writing

    if check:
        return _plan(files, check, drop_comments)[1:]
    changes: dict[Path, tuple[str, str]] = {}
    broken = unformatted = 0
    try:
        with writing(repository) as transaction:
            changes, broken, unformatted = _plan(files, check, drop_comments)
            for path, (original, formatted) in changes.items():
                transaction.replace(path, formatted, kind_of(path), expected_original=original)
    except WriteRefused as exc:
        click.echo(pick(f"未改写任何文件：{exc.zh}", f"nothing rewritten: {exc.en}"), err=True)
        return broken + len(changes) or 1, unformatted
    for path in changes:
        click.echo(pick(f"{path}: 已改写", f"{path}: reformatted"))
    return broken, unformatted


def _plan(files: list[Path], check: bool, drop_comments: bool) -> tuple[dict[Path, tuple[str, str]], int, int]:
    from ftzkb.load.layout import has_inner_comments
    from ftzkb.record.writes import read_current

    changes: dict[Path, tuple[str, str]] = {}
    broken = unformatted = 0
    for path in files:
        try:
            text = read_current(path)
            if text is None:
                raise _Unformattable("找不到文件", "no such file")
            formatted = _formatted(path, text)
        except _Unformattable as exc:
            broken += 1
            click.echo(pick(f"{path}: {exc.zh}，未改动", f"{path}: {exc.en}; left unchanged"), err=True)
            continue
        if formatted == text:
            continue
        unformatted += 1
        if check:
            click.echo(pick(f"{path}: 不是规范格式", f"{path}: not in canonical layout"))
        elif has_inner_comments(text) and not drop_comments:
            click.echo(pick(f"{path}: 含注释，未改写（加 --drop-comments 以改写）",
                            f"{path}: has comments, left unchanged (use --drop-comments)"), err=True)
        else:
            changes[path] = (text, formatted)
    return changes, broken, unformatted


def _formatted(path: Path, text: str) -> str:
    """The canonical text of a file that parses and passes the schema; else _Unformattable says why."""
    from ftzkb.load import schema
    from ftzkb.load.layout import canonical_text
    from ftzkb.load.loader import kind_of
    from ftzkb.load.yamlload import YamlLoadError, load_yaml_text

    try:
        data = load_yaml_text(text).data
    except YamlLoadError as exc:
        raise _Unformattable(f"第 {exc.line} 行第 {exc.col} 列无法解析：{exc.zh}",
                             f"cannot parse line {exc.line} col {exc.col}: {exc.en}") from None
    if data is None:
        raise _Unformattable("文件是空的", "the file is empty")
    if not isinstance(data, dict):
        raise _Unformattable("文件内容应为映射（每行“键: 值”），而不是单个值或列表",
                             "the file should hold a mapping ('key: value' lines), not a single value or a list")
    kind = kind_of(path)
    if not schema.is_valid(kind, data):
        first = next(schema.check(kind, data), None)
        reason = f"：{first.zh}" if first else ""
        raise _Unformattable(f"未通过校验{reason}（运行 ftzkb validate 查看全部问题）",
                             f"fails validation{': ' + first.en if first else ''} (see ftzkb validate)")
    return canonical_text(data, kind)
