"""Options and output helpers shared by the commands."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from ftzkb.i18n import pick
from ftzkb.paths import default_corpus_root

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="语料目录（含 cases/ 与 carriers/；默认当前目录或本仓库） / corpus directory")


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="输出格式 / output format")


def corpus_root(root: Path | None) -> Path:
    return root if root is not None else default_corpus_root()


def echo_json(data: Any, indent: int | None = 2) -> None:
    """`indent=None` for large outputs: Python's JSON encoder is several times faster without indentation."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def fail(zh: str, en: str, code: int = 1) -> None:
    """Print a message (in the chosen language) to stderr and exit; never a traceback."""
    click.echo(pick(zh, en), err=True)
    sys.exit(code)


def load_for_query(root: Path | None):
    """The corpus for a read-only command. Files with errors are left out (with a note on stderr:
    `ftzkb validate` explains them), so a query still answers while data is being fixed."""
    from ftzkb.diagnostics import ERROR
    from ftzkb.load.loader import load_corpus

    result = load_corpus(corpus_root(root))
    broken = len({d.file for d in result.diagnostics if d.severity == ERROR})
    if broken:
        click.echo(pick(f"注意：{broken} 个文件有错误，未计入（运行 ftzkb validate 查看）",
                        f"note: {broken} files have errors and are left out (run ftzkb validate)"), err=True)
    return result.corpus


def require_carrier(corpus, carrier_id: str) -> None:
    """Exit 2 (a wrong argument) with did-you-mean hints unless the carrier is in the registry."""
    from ftzkb.suggest import carrier_hint

    if carrier_id not in corpus.carriers:
        zh, en = carrier_hint(corpus, carrier_id)
        fail(f"载体“{carrier_id}”不在 carriers/ 中{zh}", f"carrier '{carrier_id}' is not in carriers/{en}", code=2)


def require_case(corpus, case_id: str) -> None:
    from ftzkb.suggest import case_hint

    if case_id not in corpus.cases:
        zh, en = case_hint(corpus, case_id)
        fail(f"案例“{case_id}”不在 cases/ 中{zh}", f"case '{case_id}' is not in cases/{en}", code=2)


class _NoProgress:
    def update(self, steps: int) -> None:
        pass


@contextlib.contextmanager
def progress(length: int, zh: str, en: str):
    """A progress bar on stderr when it is a terminal (never in pipes, files or tests)."""
    if not sys.stderr.isatty():
        yield _NoProgress()
        return
    with click.progressbar(length=length, label=pick(zh, en), file=sys.stderr) as bar:
        yield bar
