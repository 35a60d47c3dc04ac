"""Every command of the table in `ftzkb.cli.COMMANDS`: help in Chinese and English with examples,
Click's own messages in Chinese by default, `--lang` accepted after the subcommand too."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from conftest import ftzkb
from ftzkb.cli import COMMANDS, main, one_language

HAN = re.compile(r"[\u4e00-\u9fff]")
NAMES = list(COMMANDS)


def run(*args: str, lang: str = "zh"):
    return CliRunner().invoke(main, list(args), env={"FTZKB_LANG": lang}, prog_name="ftzkb")


def leaf_commands() -> list[tuple[str, ...]]:
    """Every command line that ends in a runnable command (`site build`, not `site`)."""
    paths = []
    for name in NAMES:
        command = main.get_command(click.Context(main), name)
        subcommands = getattr(command, "commands", None)
        paths += [(name, sub) for sub in subcommands] if subcommands else [(name,)]
    return paths


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
def test_help_exits_0_with_examples_in_both_languages(path, lang):
    result = run(*path, "--help", lang=lang)
    assert result.exit_code == 0, result.output
    assert "示例 / Examples:" in result.output
    paragraphs = result.output.split("\n\n")
    assert HAN.search(paragraphs[1]), "the description starts in Chinese"
    assert any(line.strip()[:1].isascii() and line.strip()[:1].isalpha() for line in paragraphs[2].splitlines())
    assert re.search(r"\n *ftzkb " + re.escape(" ".join(path)), result.output), "an example of this very command"


@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
def test_option_lines_speak_one_language(path):
    zh, en = run(*path, "--help").output, run(*path, "--help", lang="en").output
    assert "显示本帮助并退出" in zh and "Show this message and exit." not in zh
    assert "Show this message and exit." in en and "显示本帮助并退出" not in en
    assert "用法:" in zh and "选项:" in zh and "Usage:" in en and "Options:" in en
    options = en.split("Options:")[1].split("示例 / Examples:")[0]
    assert not HAN.search(options.replace("[默认", "")), f"Chinese in the English option lines:\n{options}"


@pytest.mark.parametrize("name", NAMES)
def test_click_errors_are_chinese_by_default_and_english_on_request(name):
    wrong = run(name, "--no-such-option")
    assert wrong.exit_code == 2
    assert "错误：没有选项“--no-such-option”" in wrong.output and "用法: ftzkb" in wrong.output
    english = run(name, "--no-such-option", "--lang", "en")
    assert "Error: No such option '--no-such-option'" in english.output


@pytest.mark.parametrize("name", NAMES)
def test_lang_is_accepted_after_the_subcommand(name):
    result = run(name, "--lang", "en", "--help")
    assert result.exit_code == 0 and "Show this message and exit." in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["gaps"], "错误：缺少参数 'CARRIER'。"),
    (["lineage"], "错误：缺少参数 'CASE'。"),
    (["stats", "--format", "xml"], "“xml”不是可选值之一"),
    (["search", "联运", "--limit", "abc"], "“abc”不是有效的数字。"),
    (["bogus"], "错误：没有命令“bogus”。"),
])
def test_usage_errors_in_chinese(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_the_real_command_line_speaks_chinese_and_takes_lang_late(tmp_path):
    missing = ftzkb("gaps", cwd=tmp_path)
    assert missing.returncode == 2 and "缺少参数" in missing.stderr and "Missing" not in missing.stderr
    assert "用法: ftzkb gaps" in missing.stderr
    late = ftzkb("gaps", "--lang", "en", cwd=tmp_path)
    assert "Missing argument 'CARRIER'." in late.stderr


def test_top_level_help_lists_each_command_in_one_language():
    zh, en = run("--help").output, run("--help", lang="en").output
    assert "  gaps      本载体尚未复制的案例\n" in zh and "命令:" in zh
    assert "  gaps      Cases a carrier has not adopted yet\n" in en


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("输出格式 / output format", "输出格式", "output format"),
    ("证据：“标题|网址” / evidence: 'title|ref'", "证据：“标题|网址”", "evidence: 'title|ref'"),
    ("a / b", "a / b", "a / b"),  # no Chinese half: kept whole
    ("只有中文", "只有中文", "只有中文"),
])
def test_one_language_splits_bilingual_help(text, zh, en, monkeypatch):
    monkeypatch.setenv("FTZKB_LANG", "zh")
    assert one_language(text) == zh
    monkeypatch.setenv("FTZKB_LANG", "en")
    assert one_language(text) == en


HEAVY = ("jsonschema", "fastjsonschema", "yaml", "openpyxl", "whoosh", "pypinyin", "jieba", "ftzkb.load.loader",
         "ftzkb.replication", "ftzkb.export")
# Every command line that has a help page: each command and group, and each subcommand of a group.
HELP_PATHS = sorted({(name,) for name in NAMES} | set(leaf_commands()))


def loaded_for_help(*args: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `modules` a fresh interpreter has loaded after `ftzkb ARGS` (as the printed list)."""
    import subprocess
    import sys

    code = ("import sys\nfrom ftzkb.cli import main\nargs, wanted = sys.argv[1].split(), sys.argv[2:]\ntry:\n"
            "    main(args)\nexcept SystemExit:\n    pass\nprint(sorted(m for m in wanted if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, " ".join(args), *modules], capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1:] or [done.stderr]


def test_top_level_help_loads_only_the_command_table():
    """`ftzkb --help` lists the commands from `COMMANDS` alone: no command module, no traceback machinery."""
    commands = tuple(f"ftzkb.commands.{module}" for module, _, _ in COMMANDS.values())
    assert loaded_for_help("--help", modules=(*HEAVY, *commands, "ftzkb.commands", "traceback")) == ["[]"]


@pytest.mark.parametrize("path", HELP_PATHS, ids=" ".join)
def test_help_loads_no_heavy_module(path):
    assert loaded_for_help(*path, "--help") == ["[]"]


def test_the_program_ends_with_its_exit_handlers_run_and_its_output_flushed(tmp_path):
    """The `ftzkb` program skips freeing its objects at exit (`cli.run`): exit handlers still run,
    the exit code is the command's, and output written just before the end is all there."""
    import subprocess
    import sys

    script = ("import atexit, sys; atexit.register(lambda: print('handler ran', file=sys.stderr)); "
              "from ftzkb.cli import run; sys.argv = ['ftzkb', *sys.argv[1:]]; run()")
    ok = subprocess.run([sys.executable, "-c", script, "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "handler ran" in ok.stderr
    assert ok.stdout == CliRunner().invoke(main, ["--help"], prog_name="ftzkb").output  # all of it, as in process
    wrong = subprocess.run([sys.executable, "-c", script, "validate", "--root", str(tmp_path)], capture_output=True,
                           text=True)
    assert wrong.returncode == 2 and "handler ran" in wrong.stderr and "cases/" in wrong.stderr
    listing = subprocess.run([sys.executable, "-m", "ftzkb", "--help"], capture_output=True, text=True)
    assert listing.returncode == 0 and listing.stdout == ok.stdout
    from pathlib import Path

    script_file = Path(sys.executable).parent / "ftzkb"  # the console script calls run()
    if script_file.exists():
        assert "from ftzkb.cli import run" in script_file.read_text("utf-8")
