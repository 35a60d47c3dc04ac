"""Options and output helpers shared by the commands."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import click
from click.decorators import FC

from ftzkb.i18n import pick
from ftzkb.paths import default_corpus_root

if TYPE_CHECKING:
    from ftzkb.load.model import Corpus
    from ftzkb.resolve import Resolver

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="语料目录（含 cases/ 与 carriers/；默认当前目录或本仓库） / corpus directory")


def format_option(*choices: str, default: str = "text") -> Callable[[FC], FC]:
    """The one `--format` option of every command: text for people, json and csv for programs and
    spreadsheets (and xlsx where a command writes workbooks)."""
    listed = "、".join(choices)
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help=f"输出格式：{listed} / output format: {', '.join(choices)}")


def corpus_root(root: Path | None) -> Path:
    return root if root is not None else default_corpus_root()


def echo_json(data: Any, indent: int | None = 2) -> None:
    """`indent=None` for large outputs: Python's JSON encoder is several times faster without indentation."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def fail(zh: str, en: str, code: int = 1) -> NoReturn:
    """Print a message (in the chosen language) to stderr and exit; never a traceback."""
    click.echo(pick(zh, en), err=True)
    sys.exit(code)


def load_for_query(root: Path | None) -> Corpus:
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


def resolved(resolver: Resolver, text: str) -> str:
    """The id `text` refers to (`ftzkb.resolve`); exit 2 with the nearest matches otherwise."""
    from ftzkb.resolve import Unresolved

    try:
        return resolver.resolve(text)
    except Unresolved as exc:
        fail(exc.zh, exc.en, code=2)
        raise  # not reached: fail exits


def resolve_carrier(corpus: Corpus, text: str) -> str:
    """A carrier of a loaded corpus by id, name, short or English name, or unambiguous prefix."""
    from ftzkb.resolve import carriers_of

    return resolved(carriers_of(corpus), text)


def resolve_case(corpus: Corpus, text: str) -> str:
    from ftzkb.resolve import cases_of

    return resolved(cases_of(corpus), text)


class VocabularyValue(click.ParamType):
    """An option naming a vocabulary value: the value, its Chinese or English label, or an
    unambiguous prefix (`--category 金融`); a wrong one is a usage error with the nearest values."""

    def __init__(self, vocabulary: str) -> None:
        self.vocabulary = vocabulary
        self.name = vocabulary

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.vocabulary.upper().replace("_", "-")

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ftzkb.resolve import Unresolved, vocabulary

        try:
            return vocabulary(self.vocabulary).resolve(str(value))
        except Unresolved as exc:
            self.fail(exc.message, param, ctx)


class Progress(Protocol):
    def update(self, n_steps: int, /) -> None: ...


class _NoProgress:
    def update(self, steps: int) -> None:
        pass


@contextlib.contextmanager
def progress(length: int, zh: str, en: str) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal (never in pipes, files or tests)."""
    if not sys.stderr.isatty():
        yield _NoProgress()
        return
    with click.progressbar(length=length, label=pick(zh, en), file=sys.stderr) as bar:
        yield bar
