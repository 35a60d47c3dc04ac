from __future__ import annotations

import sys
from pathlib import Path

import click

from ftzkb.commands.common import corpus_root, fail, root_option
from ftzkb.i18n import pick
from ftzkb.paths import CARRIERS_DIRNAME
from ftzkb.record.scaffold import NewCase, ScaffoldError, filter_options, suggest_id, write_new_case
from ftzkb.vocab import vocab

SHOWN = 15
REQUIRED = ("title", "summary", "origin", "started", "category", "source_title", "source")


@click.command(epilog="""\b
示例 / Examples:
  ftzkb new                     逐项提问：载体与词表可输入编号，或输入文字筛选（支持拼音首字母，如 njpq）
  ftzkb new --id nj-data-export --title 数据出境“一站式”服务 \\
      --summary 南京片区为企业提供数据出境评估申报的一站式辅导。 --origin nanjing-area \\
      --started 2023-05 --category factor-flow --source-title 南京片区发布会 \\
      --source https://example.gov.cn/news.html
\b
全部用选项给出时不提问（适合脚本）；缺少必填项而又不在终端中运行时报错并列出缺少的选项。
文件按规范格式写入 cases/<id>.yaml，已存在的文件绝不覆盖。
With every required option given, nothing is asked (for scripts); with some missing and no terminal,
the command lists the missing options. The file is written canonically; an existing file is never overwritten.
""")
@click.option("--id", "case_id", help="案例 id（默认由标题拼音生成） / case id (default: pinyin of the title)")
@click.option("--title", help="中文标题 / title in Chinese")
@click.option("--title-en", help="英文标题 / English title")
@click.option("--summary", help="一句话概要 / one-paragraph summary")
@click.option("--origin", help="首创载体 id / originating carrier id")
@click.option("--unit", help="首创单位 / originating unit")
@click.option("--started", help="开始日期：2024、2024-03、2024-03-05 或 unknown / start date")
@click.option("--category", "categories", multiple=True, help="改革领域（可重复） / category (repeatable)")
@click.option("--linkage", multiple=True, help="联动维度（可重复） / linkage dimension (repeatable)")
@click.option("--tag", "tags", multiple=True, help="标签（可重复） / tag (repeatable)")
@click.option("--carrier-type", "carrier_types", multiple=True,
              help="适合复制的载体类型（可重复） / carrier types it suits (repeatable)")
@click.option("--scope", help="复制范围 / replication scope")
@click.option("--audience", help="公开范围：public 或 internal / audience")
@click.option("--source-title", help="来源标题 / source title")
@click.option("--source", "source_ref", help="来源网址或文号 / source URL or document reference")
@click.option("-i", "--interactive", is_flag=True, help="逐项提问（在终端中缺项时自动提问） / ask for every answer")
@root_option
def command(case_id, title, title_en, summary, origin, unit, started, categories, linkage, tags, carrier_types,
            scope, audience, source_title, source_ref, interactive, root):
    """新建一个案例文件：逐项提问，或全部由选项给出。

    Scaffold a new case file, interactively or entirely from options.
    """
    base = corpus_root(root)
    answers = {"case_id": case_id, "title": title, "title_en": title_en, "summary": summary, "origin": origin,
               "unit": unit, "started": started, "categories": tuple(categories), "linkage": tuple(linkage),
               "tags": tuple(tags), "carrier_types": tuple(carrier_types), "scope": scope, "audience": audience,
               "source_title": source_title, "source_ref": source_ref}
    missing = _missing(answers)
    if interactive or (missing and sys.stdin.isatty()):
        answers = _ask(base, answers, everything=interactive)
    elif missing:
        fail("缺少必填选项：" + " ".join(f"--{m.replace('_', '-')}" for m in missing) + "（或在终端中运行以逐项提问）",
             "missing required options: " + " ".join(f"--{m.replace('_', '-')}" for m in missing), code=2)
    new = NewCase(id=answers["case_id"] or suggest_id(answers["title"]), title=answers["title"],
                  summary=answers["summary"], origin=answers["origin"], started=answers["started"],
                  categories=answers["categories"], source_title=answers["source_title"],
                  source_ref=answers["source_ref"], title_en=answers["title_en"], unit=answers["unit"],
                  linkage=answers["linkage"], tags=answers["tags"], carrier_types=answers["carrier_types"],
                  scope=answers["scope"], audience=answers["audience"])
    try:
        path = write_new_case(base, new)
    except ScaffoldError as exc:
        for zh, en in exc.problems:
            click.echo(pick(zh, en), err=True)
        fail("未写入任何文件", "nothing written", code=exc.code)
    click.echo(pick(f"已新建 {path}", f"created {path}"))


def _missing(answers: dict) -> list[str]:
    names = {"category": "categories", "source": "source_ref"}
    return [name for name in REQUIRED if not answers[names.get(name, name)]]


def _ask(root: Path, answers: dict, everything: bool) -> dict:
    """Prompt for what is missing (or everything): free text, dates, and choices from lists."""
    def wanted(key: str) -> bool:
        return everything or not answers[key]

    if wanted("title"):
        answers["title"] = click.prompt(pick("中文标题", "Title (Chinese)"), default=answers["title"] or None)
    if wanted("case_id"):
        answers["case_id"] = click.prompt("id", default=answers["case_id"] or suggest_id(answers["title"]))
    if wanted("summary"):
        answers["summary"] = click.prompt(pick("一句话概要", "Summary"), default=answers["summary"] or None)
    if wanted("origin"):
        answers["origin"] = choose(pick("首创载体", "Originating carrier"), carrier_options(root))
    if wanted("started"):
        answers["started"] = click.prompt(pick("开始日期（2024、2024-03 或 unknown）", "Start date (2024, 2024-03 or "
                                               "unknown)"), default=answers["started"] or "unknown")
    if wanted("categories"):
        answers["categories"] = choose_many(pick("改革领域", "Categories"), vocabulary_options("category"))
    if everything:
        answers["linkage"] = choose_many(pick("联动维度（可不选）", "Linkage (optional)"),
                                         vocabulary_options("linkage"), required=False)
        answers["carrier_types"] = choose_many(pick("适合的载体类型（可不选）", "Carrier types it suits (optional)"),
                                               vocabulary_options("carrier_type"), required=False)
    if wanted("source_title"):
        answers["source_title"] = click.prompt(pick("来源标题", "Source title"))
    if wanted("source_ref"):
        answers["source_ref"] = click.prompt(pick("来源网址或文号", "Source URL or document reference"))
    return answers


def carrier_options(root: Path) -> list[tuple[str, str]]:
    from ftzkb.collate import sort_zh
    from ftzkb.load.loader import load_records

    paths = sorted((root / CARRIERS_DIRNAME).glob("*.yaml"))
    carriers = [record for record, _ in load_records(paths, root) if record is not None]
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


def choose(label: str, options: list[tuple[str, str]]) -> str:
    """One value: type a number from the list shown, or text to narrow the list (id, name or pinyin initials)."""
    shown = options
    _show(shown)
    while True:
        answer = click.prompt(pick(f"{label}（编号，或输入文字筛选）", f"{label} (number, or text to search)")).strip()
        if answer.isdigit() and 1 <= int(answer) <= min(len(shown), SHOWN):
            return shown[int(answer) - 1][0]
        exact = [value for value, _ in options if value == answer]
        if exact:
            return exact[0]
        found = filter_options(options, answer)
        if len(found) == 1:
            click.echo(pick(f"  → {found[0][1]}", f"  → {found[0][1]}"), err=True)
            return found[0][0]
        if not found:
            click.echo(pick("  没有匹配项，请重试", "  nothing matches; try again"), err=True)
            continue
        shown = found
        _show(shown)


def choose_many(label: str, options: list[tuple[str, str]], required: bool = True) -> tuple[str, ...]:
    """Several values: numbers separated by commas or spaces; empty input ends an optional choice."""
    _show(options)
    lang_hint = pick("编号，用逗号分隔", "numbers, separated by commas")
    while True:
        answer = click.prompt(f"{label}（{lang_hint}）", default="" if not required else None,
                              show_default=False).replace("，", ",")
        parts = [p for p in answer.replace(",", " ").split() if p]
        if not parts and not required:
            return ()
        picked = [options[int(p) - 1][0] for p in parts if p.isdigit() and 1 <= int(p) <= len(options)]
        picked += [p for p in parts if any(p == value for value, _ in options)]
        if picked and len(picked) == len(parts):
            return tuple(dict.fromkeys(picked))
        click.echo(pick("  请输入列表中的编号", "  enter numbers from the list"), err=True)
