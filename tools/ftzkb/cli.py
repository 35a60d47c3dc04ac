"""The `ftzkb` command line. Commands are thin and load lazily, so `ftzkb --help`
starts fast: each lives in `ftzkb.commands.<module>` as a Click command named `command`.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn

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
    "coverage": ("coverage", "数据覆盖情况：已知、只知数量、缺少的", "Coverage: what is known, only counted, missing"),
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


# --- Click in Chinese ------------------------------------------------------------------------------
# Click's own texts (usage errors, help headings) go through gettext; they are translated here, by
# message id, in the language of the moment. Help texts Click makes once and keeps (the help option)
# get both languages, and the help page shows each option's help in one language (`one_language`).

CLICK_ZH: dict[str, str] = {
    "Usage:": "用法:", "Options": "选项", "Commands": "命令", "Positional arguments": "参数",
    "Error: {message}": "错误：{message}", "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数", "Missing option": "缺少选项", "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}", "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。", "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。", "Option {name!r} does not take a value.": "选项“{name}”不带值。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。", "Aborted!": "已中止。",
    "default: {default}": "默认：{default}", "required": "必填", "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）", "deprecated": "已弃用", "Value must be an iterable.": "值必须是多个值。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是是/否值，可写：{states}",
    # the file kinds ("file", "directory") stay English: Click makes them once, as metavars
    "{name} {filename!r} does not exist.": "路径“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是文件，这里要写目录。",
    "{name} {filename!r} is a directory.": "“{filename}”是目录，这里要写文件。",
    "{name} {filename!r} is not readable.": "“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "“{filename}”不可写。",
    "{name} {filename!r} is not executable.": "“{filename}”不可执行。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s", "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。", "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "是否继续？", "Press any key to continue...": "按任意键继续……",
}
CLICK_ZH_PLURAL: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": ("多余的参数（{args}）", "多余的参数（{args}）"),
    "Did you mean {possibility}?": ("是不是 {possibility}？", "是不是以下之一：{possibilities}？"),
    "Option {name!r} requires an argument.": ("选项“{name}”需要一个值。", "选项“{name}”需要 {nargs} 个值。"),
    "{value!r} is not {choice}.": ("“{value}”不是 {choice}。", "“{value}”不是可选值之一：{choices}。"),
    "Takes {nargs} values but 1 was given.": ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    "{len_type} values are required, but {len_value} was given.": ("需要 {len_type} 个值，给了 {len_value} 个。",
                                                                  "需要 {len_type} 个值，给了 {len_value} 个。"),
}
# Help texts Click makes once: both languages, one shown (see one_language).
CLICK_HELP = {"Show this message and exit.": "显示本帮助并退出", "Show the version and exit.": "显示版本号并退出",
              "Confirm the action without prompting.": "不提问，直接确认"}


def _has_han(text: str) -> bool:
    """Whether `text` has a Chinese character (a loop, not a regular expression: compiling a class of
    27,000 characters costs every start a few milliseconds)."""
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def click_gettext(message: str) -> str:
    if message in CLICK_HELP:
        return f"{CLICK_HELP[message]} / {message}"
    return CLICK_ZH.get(message, message) if current_lang() == "zh" else message


def click_ngettext(singular: str, plural: str, count: int) -> str:
    if current_lang() == "zh" and singular in CLICK_ZH_PLURAL:
        return CLICK_ZH_PLURAL[singular][0 if count == 1 else 1]
    return singular if count == 1 else plural


def one_language(text: str) -> str:
    """`中文 / English` → the part in the current language (text without such a split stays whole)."""
    start = 0
    while (at := text.find(" / ", start)) != -1:
        if _has_han(text[:at]) and not _has_han(text[at + 3:]):
            return text[at + 3:] if current_lang() == "en" else text[:at]
        start = at + 1
    return text


def _install_click_translations() -> None:
    _answer_gettext()
    _one_language_help()
    _chinese_usage()


def _answer_gettext() -> None:
    """Click asks `gettext.gettext` (the default domain), which asks `gettext.dgettext`: answering
    there translates Click's messages without a compiled catalogue and without touching Click."""
    import gettext

    default_domain = gettext.textdomain()
    dgettext, dngettext = gettext.dgettext, gettext.dngettext

    def translated(domain: str, message: str) -> str:
        return click_gettext(message) if domain == default_domain else dgettext(domain, message)

    def translated_plural(domain: str, msgid1: str, msgid2: str, n: int) -> str:  # the stdlib's parameter names
        if domain == default_domain:
            return click_ngettext(msgid1, msgid2, n)
        return dngettext(domain, msgid1, msgid2, n)

    gettext.dgettext, gettext.dngettext = translated, translated_plural


def _one_language_help() -> None:
    """Each option's `中文 / English` help shows in the language of the moment."""
    original = click.Option.get_help_record

    def help_record(self: click.Option, ctx: click.Context) -> tuple[str, str] | None:
        kept = self.help
        self.help = one_language(kept) if kept else kept
        try:
            return original(self, ctx)
        finally:
            self.help = kept

    click.Option.get_help_record = help_record  # type: ignore[method-assign]


def _chinese_usage() -> None:
    """`[选项]` in usage lines, and a Chinese full stop after a missing argument."""
    missing_message = click.MissingParameter.format_message

    def missing(self: click.MissingParameter) -> str:
        text = missing_message(self)
        return text.replace("'.", "'。", 1) if current_lang() == "zh" else text

    click.MissingParameter.format_message = missing  # type: ignore[method-assign]
    for cls in (click.Command, click.Group):
        _translate_pieces(cls)


def _translate_pieces(cls: type[click.Command]) -> None:
    pieces = cls.collect_usage_pieces

    def usage_pieces(self: click.Command, ctx: click.Context) -> list[str]:
        return [_USAGE_ZH.get(piece, piece) if current_lang() == "zh" else piece for piece in pieces(self, ctx)]

    cls.collect_usage_pieces = usage_pieces  # type: ignore[method-assign]


_USAGE_ZH = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}


_install_click_translations()


LANG_HELP = "消息语言（默认中文；或设环境变量 FTZKB_LANG） / Message language"


def with_lang_option(command: click.Command) -> click.Command:
    """`--lang` after the subcommand too (`ftzkb search 人才 --lang en`), on every command once."""
    if not any(getattr(p, "name", None) == "lang" for p in command.params):
        command.params.append(click.Option(["--lang"], type=click.Choice(["zh", "en"]), callback=_apply_lang,
                                           is_eager=True, expose_value=False, help=LANG_HELP))
    for sub in getattr(command, "commands", {}).values():
        with_lang_option(sub)
    return command


def _early_lang(args: list[str]) -> None:
    """`--lang en` anywhere on the line chooses the language before parsing, so that even an error
    Click finds while parsing (an unknown option before `--lang`) is in that language."""
    for i, arg in enumerate(args):
        if arg == "--":
            return
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in ("zh", "en"):
            set_lang(value)


class LazyGroup(click.Group):
    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("prog_name", "ftzkb")  # not "python -m ftzkb" in usage lines and hints
        _early_lang(list(args) if args is not None else sys.argv[1:])
        return super().main(args, *rest, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module = importlib.import_module(f"ftzkb.commands.{entry[0]}")
        return with_lang_option(getattr(module, f"{name}_command", None) or module.command)

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
        rows = [(name, en if english else zh) for name, (_, zh, en) in COMMANDS.items()]
        with formatter.section(pick("命令", "Commands")):
            formatter.write_dl(rows)


INTERNAL_ERROR = 3


def run() -> NoReturn:
    """The `ftzkb` program (its console script): `main`, then `_leave`. Code that calls `main`
    itself, or runs `python -m ftzkb`, gets an ordinary exit (SystemExit) it can catch."""
    try:
        main()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: object) -> NoReturn:
    """End the program without freeing its objects one by one. A command that loaded a national
    corpus holds millions of them, and the interpreter's teardown took 0.13 s of a one-second
    ledger export. What exit does besides still happens: other threads are waited for, the exit
    handlers run (temporary directories, logging, process pools) and the standard streams are
    flushed. Every data file and cache was written, fsynced and closed before this point."""
    import atexit
    import contextlib
    import os
    import threading

    if code is not None and not isinstance(code, int):  # sys.exit("message"): shown, exit 1
        print(code, file=sys.stderr)
        code = 1
    for thread in threading.enumerate():  # as the interpreter would: non-daemon threads end first
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`ftzkb … | head`) or stream
            stream.flush()
    os._exit(code or 0)


def _report_unexpected(ctx: click.Context, exc: Exception) -> None:
    from ftzkb.fsio import FileRefused

    if isinstance(exc, FileRefused):
        click.echo(pick(exc.zh, exc.en), err=True)
        sys.exit(2)
    if isinstance(exc, BrokenPipeError):  # `ftzkb search … | head`: Click's own handling ends quietly
        raise exc
    if ctx.meta.get("ftzkb.debug") or os.environ.get("FTZKB_DEBUG"):
        import traceback  # here, not at the top: every start (and `--help`) would pay for it

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
              help=LANG_HELP)
@click.option("--debug", is_flag=True, callback=_apply_debug, is_eager=True, expose_value=False,
              help="出现内部错误时显示完整的调用栈 / show the traceback of an internal error")
@click.version_option(package_name="ftzkb", help="显示版本号并退出 / Show the version and exit.")
def main() -> None:
    """ftzkb：江苏自贸试验区制度创新案例与复制推广知识库。

    ftzkb: the knowledge base of Jiangsu FTZ institutional-innovation cases and their replication.
    """
