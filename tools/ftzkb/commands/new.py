from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

import click

from ftzkb.commands.common import corpus_root, fail, root_option
from ftzkb.i18n import pick
from ftzkb.paths import CARRIERS_DIRNAME
from ftzkb.record.scaffold import (
    ScaffoldError,
    answer_problems,
    filter_options,
    load_draft,
    new_case,
    problems_of,
    resolve_answers,
    save_draft,
    suggest_id,
    write_new_case,
)
from ftzkb.vocab import vocab

SHOWN = 15
REQUIRED = ("title", "summary", "origin", "started", "categories", "source_title", "source_ref")
OPTION_NAMES = {"case_id": "--id", "categories": "--category", "source_ref": "--source", "tags": "--tag"}
ROUNDS = 3  # times the whole case is checked and the wrong answers asked again


@click.command(epilog="""\b
示例 / Examples:
  ftzkb new                     逐项提问，每项答完即检查：载体与词表可输入编号，或输入文字筛选
                                （中文、代码或拼音首字母，如 njpq、金融）
  ftzkb new --id nj-data-export --title 数据出境“一站式”服务 \\
      --summary 南京片区为企业提供数据出境评估申报的一站式辅导。 --origin 南京片区 \\
      --started 2023-05 --category 要素自由流动 --source-title 南京片区发布会 \\
      --source https://example.gov.cn/news.html
  ftzkb new --resume .ftzkb-cache/drafts/nj-data-export-20240501-101500.json   接着上次保存的草稿
\b
载体、领域等可写 id、代码或中文名称。全部用选项给出时不提问（适合脚本）；缺少必填项而又不在终端中
运行时报错并列出缺少的选项。出错时已填写的内容保存为草稿（.ftzkb-cache/drafts/，不在 cases/ 中），
用 --resume 继续。文件按规范格式写入 cases/<id>.yaml，已存在的文件绝不覆盖。
Carriers and vocabularies take ids, codes or Chinese names. With every required option given,
nothing is asked (for scripts); with some missing and no terminal, the command lists the missing
options. On a problem the answers are kept as a draft outside cases/; --resume DRAFT goes on.
The file is written canonically; an existing file is never overwritten.
""")
@click.option("--id", "case_id", help="案例 id（默认由标题拼音生成） / case id (default: pinyin of the title)")
@click.option("--title", help="中文标题 / title in Chinese")
@click.option("--title-en", help="英文标题 / English title")
@click.option("--summary", help="一句话概要 / one-paragraph summary")
@click.option("--origin", help="首创载体（id 或名称） / originating carrier (id or name)")
@click.option("--unit", help="首创单位 / originating unit")
@click.option("--started", help="开始日期：2024、2024-03、2024-03-05 或 unknown / start date")
@click.option("--category", "categories", multiple=True,
              help="改革领域（代码或中文名称，可重复） / category (code or label, repeatable)")
@click.option("--linkage", multiple=True, help="联动维度（可重复） / linkage dimension (repeatable)")
@click.option("--tag", "tags", multiple=True, help="标签（可重复） / tag (repeatable)")
@click.option("--carrier-type", "carrier_types", multiple=True,
              help="适合复制的载体类型（可重复） / carrier types it suits (repeatable)")
@click.option("--scope", help="复制范围 / replication scope")
@click.option("--audience", help="公开范围：public 或 internal / audience")
@click.option("--source-title", help="来源标题 / source title")
@click.option("--source", "source_ref", help="来源网址或文号 / source URL or document reference")
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="接着填写保存的草稿 / go on with a saved draft")
@click.option("-i", "--interactive", is_flag=True, help="逐项提问（在终端中缺项时自动提问） / ask for every answer")
@root_option
def command(case_id: str | None, title: str | None, title_en: str | None, summary: str | None, origin: str | None,
            unit: str | None, started: str | None, categories: tuple[str, ...], linkage: tuple[str, ...],
            tags: tuple[str, ...], carrier_types: tuple[str, ...], scope: str | None, audience: str | None,
            source_title: str | None, source_ref: str | None, resume: Path | None, interactive: bool,
            root: Path | None) -> None:
    """新建一个案例文件：逐项提问，或全部由选项给出。

    Scaffold a new case file, interactively or entirely from options.
    """
    base = corpus_root(root)
    given = {"case_id": case_id, "title": title, "title_en": title_en, "summary": summary, "origin": origin,
             "unit": unit, "started": started, "categories": tuple(categories), "linkage": tuple(linkage),
             "tags": tuple(tags), "carrier_types": tuple(carrier_types), "scope": scope, "audience": audience,
             "source_title": source_title, "source_ref": source_ref}
    answers = _start(base, given, resume)
    terminal = _terminal()
    try:
        if interactive or (terminal and (_missing(answers) or _wrong(base, answers))):
            answers = _ask(base, answers, everything=interactive)
    except click.Abort:
        _give_up(base, answers, resume, [], pick("已中断", "interrupted"), code=1)
    missing = _missing(answers)
    if missing:
        names = " ".join(OPTION_NAMES.get(m, f"--{m.replace('_', '-')}") for m in missing)
        _give_up(base, answers, resume, [], pick(f"缺少必填选项：{names}（或在终端中运行以逐项提问）",
                                                 f"missing required options: {names}"), code=2)
    try:
        path = write_new_case(base, new_case(answers))
    except ScaffoldError as exc:
        for zh, en in exc.problems:
            click.echo(pick(zh, en), err=True)
        _give_up(base, answers, resume, exc.problems, pick("未写入任何文件", "nothing written"), code=exc.code)
    if resume is not None:
        resume.unlink(missing_ok=True)
    click.echo(pick(f"已新建 {path}", f"created {path}"))


def _terminal() -> bool:
    return sys.stdin.isatty()


def _start(root: Path, given: dict, resume: Path | None) -> dict:
    """The answers so far: a resumed draft, overridden by the options given now, names resolved."""
    answers = dict(given)
    if resume is not None:
        try:
            draft = load_draft(resume)
        except ScaffoldError as exc:
            fail(*exc.problems[0], code=2)
        answers = {**draft, **{k: v for k, v in given.items() if v not in (None, "", ())}}
    return resolve_answers(root, answers)


def _missing(answers: dict) -> list[str]:
    return [name for name in REQUIRED if not answers.get(name)]


def _wrong(root: Path, answers: dict) -> list[str]:
    """Answers given (by options or a draft) that are wrong, to be asked again in a terminal."""
    return [key for key, _, _ in problems_of(root, new_case(answers)) if key and answers.get(key)]


def _give_up(root: Path, answers: dict, resume: Path | None, problems: Iterable[tuple[str, str]], message: str,
             code: int) -> NoReturn:
    """Never lose answers: keep them as a draft outside cases/, say how to go on, and exit."""
    click.echo(message, err=True)
    if any(answers.get(key) for key in REQUIRED):
        try:
            shown = _relative(save_draft(root, answers, list(problems), resume))
            click.echo(pick(f"已填写的内容保存在 {shown}；改正后运行 ftzkb new --resume {shown} 继续",
                            f"your answers are kept in {shown}; go on with: ftzkb new --resume {shown}"), err=True)
        except OSError as exc:
            click.echo(pick(f"草稿无法保存：{exc}", f"the draft could not be saved: {exc}"), err=True)
    sys.exit(code)


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


# --- prompting -----------------------------------------------------------------------------------


def _ask(root: Path, answers: dict, everything: bool) -> dict:
    """Ask for what is missing or wrong (or everything), checking each answer as it is given, then
    the whole case; answers the check rejects are asked again (a few rounds at most)."""
    wanted = _missing(answers) + _wrong(root, answers) + ([] if answers.get("case_id") else ["case_id"])
    keys = list(PROMPTS) if everything else [k for k in PROMPTS if k in wanted]
    for _ in range(ROUNDS):
        for key in keys:
            answers[key] = _ask_one(root, key, answers)
        keys = [k for k in dict.fromkeys(_wrong(root, answers)) if k in PROMPTS]
        if not keys:
            break
        for zh, en in [(zh, en) for _, zh, en in problems_of(root, new_case(answers))]:
            click.echo(pick(zh, en), err=True)
    return answers


def _ask_one(root: Path, key: str, answers: dict) -> Answer:
    while True:
        value = PROMPTS[key](root, answers)
        problems = answer_problems(root, key, {**answers, key: value})
        if not problems:
            return value
        for zh, en in problems:
            click.echo(pick(f"  {zh}", f"  {en}"), err=True)


Answer = str | tuple[str, ...]
Prompt = Callable[[Path, dict], Answer]


def _text(zh: str, en: str, key: str, required: bool = True) -> Prompt:
    def ask(root: Path, answers: dict) -> str:
        default = answers.get(key) or (None if required else "")
        return click.prompt(pick(zh, en), default=default, show_default=bool(default)).strip()
    return ask


def _ask_id(root: Path, answers: dict) -> str:
    return click.prompt("id", default=answers.get("case_id") or suggest_id(answers.get("title") or "")).strip()


def _ask_origin(root: Path, answers: dict) -> str:
    return choose(pick("首创载体", "Originating carrier"), carrier_options(root))


def _ask_started(root: Path, answers: dict) -> str:
    return click.prompt(pick("开始日期（2024、2024-03 或 unknown）", "Start date (2024, 2024-03 or unknown)"),
                        default=answers.get("started") or "unknown").strip()


def _many(zh: str, en: str, vocabulary: str, required: bool = False) -> Prompt:
    def ask(root: Path, answers: dict) -> tuple[str, ...]:
        return choose_many(pick(zh, en), vocabulary_options(vocabulary), required=required)
    return ask


PROMPTS: dict[str, Prompt] = {
    "title": _text("中文标题", "Title (Chinese)", "title"),
    "case_id": _ask_id,
    "summary": _text("一句话概要", "Summary", "summary"),
    "origin": _ask_origin,
    "started": _ask_started,
    "categories": _many("改革领域", "Categories", "category", required=True),
    "linkage": _many("联动维度（可不选）", "Linkage (optional)", "linkage"),
    "carrier_types": _many("适合的载体类型（可不选）", "Carrier types it suits (optional)", "carrier_type"),
    "source_title": _text("来源标题", "Source title", "source_title"),
    "source_ref": _text("来源网址或文号", "Source URL or document reference", "source_ref"),
}


def carrier_options(root: Path) -> list[tuple[str, str]]:
    from ftzkb.collate import sort_zh
    from ftzkb.load.loader import load_records
    from ftzkb.load.model import Carrier

    paths = sorted((root / CARRIERS_DIRNAME).glob("*.yaml"))
    carriers = [record for record, _ in load_records(paths, root) if isinstance(record, Carrier)]
    return [(c.id, f"{c.display_name} — {c.name} ({c.id})" if c.short_name else f"{c.name} ({c.id})")
            for c in sort_zh(carriers, key=lambda c: c.display_name)]


def vocabulary_options(name: str) -> list[tuple[str, str]]:
    entries = vocab(name)
    return [(value, f"{entries.label(value, 'zh')} / {entries.label(value, 'en')} ({value})")
            for value in entries.values]


def _show(options: list[tuple[str, str]]) -> None:
    for number, (_, text) in enumerate(options[:SHOWN], start=1):
        click.echo(f"  {number:>2}. {text}", err=True)
    if len(options) > SHOWN:
        click.echo(pick(f"  …共 {len(options)} 项，输入文字缩小范围", f"  … {len(options)} in all: type to narrow"),
                   err=True)


def _one(options: list[tuple[str, str]], shown: list[tuple[str, str]], answer: str) -> list[tuple[str, str]]:
    """What one typed answer picks: a number from the list shown, a value, or the options its
    text matches (value, Chinese or English label, pinyin initials)."""
    if answer.isdigit() and 1 <= int(answer) <= min(len(shown), SHOWN):
        return [shown[int(answer) - 1]]
    exact = [option for option in options if option[0] == answer]
    return exact or filter_options(options, answer)


def choose(label: str, options: list[tuple[str, str]]) -> str:
    """One value: type a number from the list shown, or text to narrow the list (id, name or pinyin initials)."""
    shown = options
    _show(shown)
    while True:
        answer = click.prompt(pick(f"{label}（编号，或输入文字筛选）", f"{label} (number, or text to search)")).strip()
        found = _one(options, shown, answer)
        if len(found) == 1:
            click.echo(f"  → {found[0][1]}", err=True)
            return found[0][0]
        if not found:
            click.echo(pick("  没有匹配项，请重试", "  nothing matches; try again"), err=True)
            continue
        shown = found
        _show(shown)


def choose_many(label: str, options: list[tuple[str, str]], required: bool = True) -> tuple[str, ...]:
    """Several values: numbers or text (Chinese, codes, pinyin initials) separated by commas or
    spaces; text that matches several options narrows the list; empty input ends an optional choice."""
    shown = options
    _show(shown)
    hint = pick("编号或文字，用逗号分隔", "numbers or text, separated by commas")
    while True:
        answer = click.prompt(f"{label}（{hint}）", default="" if not required else None,
                              show_default=False).replace("，", ",").replace("、", ",")
        parts = [p for p in answer.replace(",", " ").split() if p]
        if not parts and not required:
            return ()
        picked, unclear = _pick_many(options, shown, parts)
        if parts and unclear is None:
            click.echo("  → " + "；".join(text for value, text in options if value in picked), err=True)
            return tuple(dict.fromkeys(picked))
        found = filter_options(options, unclear or "")
        if unclear and found:
            click.echo(pick(f"  “{unclear}”符合 {len(found)} 项，请输入编号：", f"  '{unclear}' matches {len(found)}: "
                            "enter a number:"), err=True)
            shown = found
            _show(shown)
        else:
            click.echo(pick(f"  没有与“{unclear}”匹配的项，请重试", f"  nothing matches '{unclear}'; try again")
                       if unclear else pick("  请至少选一项", "  choose at least one"), err=True)


def _pick_many(options: list[tuple[str, str]], shown: list[tuple[str, str]], parts: list[str]
               ) -> tuple[list[str], str | None]:
    picked: list[str] = []
    for part in parts:
        found = _one(options, shown, part)
        if len(found) != 1:
            return picked, part
        picked.append(found[0][0])
    return picked, None
