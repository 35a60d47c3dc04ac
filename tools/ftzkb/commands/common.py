"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..i18n import pick
from ..paths import default_corpus_root

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="语料目录（含 cases/ 与 carriers/；默认当前目录或本仓库） / corpus directory")


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="输出格式 / output format")


def corpus_root(root: Path | None) -> Path:
    return root if root is not None else default_corpus_root()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(zh: str, en: str, code: int = 1) -> None:
    """Print a message (in the chosen language) to stderr and exit; never a traceback."""
    click.echo(pick(zh, en), err=True)
    sys.exit(code)
