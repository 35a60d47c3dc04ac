"""The `ftzkb` command line. Commands are thin and load lazily, so `ftzkb --help`
starts fast: each lives in `ftzkb.commands.<module>` as a Click command named `command`.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from .i18n import current_lang, pick, set_lang

# name -> (module, Chinese summary, English summary). The summaries are shown by
# `ftzkb --help` without importing the modules.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("validate", "校验案例与载体文件", "Validate case and carrier files"),
    "fmt": ("fmt", "把文件改写为规范格式", "Rewrite files in canonical layout"),
    "new": ("new", "新建一个案例文件", "Scaffold a new case file"),
    "adopt": ("adopt", "记录或更新复制推广", "Record or update an adoption"),
    "matrix": ("matrix", "复制推广矩阵（案例 × 载体）", "Adoption matrix (cases × carriers)"),
    "stats": ("stats", "按载体与片区统计", "Statistics per carrier and FTZ area"),
    "gaps": ("gaps", "本载体尚未复制的案例", "Cases a carrier has not adopted yet"),
    "lineage": ("lineage", "案例的复制推广树", "Replication tree of a case"),
    "batch": ("batch", "复制推广批次的进度", "Progress of a replication batch"),
    "ledger": ("ledger", "复制推广台账：导出与导入", "Replication ledgers: export and import"),
    "index": ("search", "建立全文检索索引", "Build the full-text search index"),
    "search": ("search", "中文全文检索", "Chinese full-text search"),
    "similar": ("search", "查找相似案例（疑似重复）", "Find similar cases (likely duplicates)"),
    "diff": ("diff", "两个版本之间的变化", "What changed between two revisions"),
    "site": ("site", "构建或预览静态站点", "Build or preview the static site"),
    "synth": ("synth", "生成合成语料（基准测试用）", "Generate a synthetic corpus (benchmarks)"),
    "bench": ("bench", "运行性能基准", "Run the performance benchmarks"),
}

EPILOG = """\b
示例 / Examples:
  ftzkb validate --strict            校验全部数据，警告也算失败
  ftzkb search 多式联运               全文检索
  ftzkb gaps kunshan-etdz            昆山经开区尚未复制的案例
  ftzkb matrix --format xlsx -o m.xlsx
  ftzkb --lang en validate           English messages
"""


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module = importlib.import_module(f"ftzkb.commands.{entry[0]}")
        return getattr(module, f"{name}_command", None) or module.command

    def invoke(self, ctx: click.Context) -> Any:
        """The last guard: no command ends in a traceback. Refused files are usage errors (exit 2);
        anything unexpected is one line naming the command, exit 3 (`--debug` shows the traceback)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(pick("已中断", "interrupted"), err=True)
            sys.exit(130)
        except Exception as exc:
            _report_unexpected(ctx, exc)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        english = current_lang() == "en"
        rows = [(name, f"{en if english else zh}" + ("" if english else f" / {en}"))
                for name, (_, zh, en) in COMMANDS.items()]
        with formatter.section("命令 / Commands"):
            formatter.write_dl(rows)


INTERNAL_ERROR = 3


def _report_unexpected(ctx: click.Context, exc: Exception) -> None:
    from ftzkb.fsio import FileRefused

    if isinstance(exc, FileRefused):
        click.echo(pick(exc.zh, exc.en), err=True)
        sys.exit(2)
    if ctx.meta.get("ftzkb.debug") or os.environ.get("FTZKB_DEBUG"):
        traceback.print_exception(exc)
    command = " ".join(["ftzkb", *([ctx.invoked_subcommand] if ctx.invoked_subcommand else [])])
    detail = f"{type(exc).__name__}: {exc}"[:300]
    click.echo(pick(f"{command}：内部错误（{detail}）。这是 ftzkb 的缺陷，不是您的数据问题；加 --debug 可看详细信息",
                    f"{command}: internal error ({detail}). This is a bug in ftzkb; add --debug for details"),
               err=True)
    sys.exit(INTERNAL_ERROR)


def _apply_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["ftzkb.debug"] = value
    return value


def _apply_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_lang(value)
    return value


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), callback=_apply_lang, is_eager=True, expose_value=False,
              help="消息语言（默认中文；或设环境变量 FTZKB_LANG） / Message language")
@click.option("--debug", is_flag=True, callback=_apply_debug, is_eager=True, expose_value=False,
              help="出现内部错误时显示完整的调用栈 / show the traceback of an internal error")
@click.version_option(package_name="ftzkb")
def main() -> None:
    """ftzkb：江苏自贸试验区制度创新案例与复制推广知识库。

    ftzkb: the knowledge base of Jiangsu FTZ institutional-innovation cases and their replication.
    """


def run() -> None:  # pragma: no cover - entry for `python -m ftzkb`
    sys.exit(main())
