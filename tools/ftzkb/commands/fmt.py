from __future__ import annotations

import sys
from pathlib import Path

import click

from ftzkb.commands.common import corpus_root, fail, root_option
from ftzkb.i18n import pick
from ftzkb.load.layout import format_text, has_inner_comments
from ftzkb.load.loader import kind_of
from ftzkb.load.yamlload import YamlLoadError, load_yaml_file
from ftzkb.record.writes import atomic_write
from ftzkb.rules.validate import UsageError, expand_paths


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
def command(paths, check, drop_comments, root):
    """把案例与载体文件改写为规范格式（键序、缩进、引号）。

    Rewrite case and carrier files in canonical layout.
    """
    base = corpus_root(root)
    try:
        files = expand_paths(paths or [base / "cases", base / "carriers"])
    except UsageError as exc:
        fail(str(exc), str(exc), code=2)
    unformatted, broken = 0, 0
    for path in files:
        try:
            text = path.read_text("utf-8")
            load_yaml_file(path)
            formatted = format_text(text, kind_of(path))
        except (YamlLoadError, UnicodeDecodeError, OSError) as exc:
            broken += 1
            reason = getattr(exc, "zh", None) or str(exc)
            click.echo(pick(f"{path}: 无法解析，未改动：{reason}", f"{path}: cannot parse, left unchanged: {exc}"),
                       err=True)
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
            atomic_write(path, formatted, kind_of(path))
            click.echo(pick(f"{path}: 已改写", f"{path}: reformatted"))
    sys.exit(1 if broken or (check and unformatted) else 0)
