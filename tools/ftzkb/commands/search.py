"""`ftzkb index`, `ftzkb search` and `ftzkb similar`. Nothing heavy is imported until a command runs:
a search on a fresh index loads neither the corpus nor the schema validator."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ftzkb.commands.common import corpus_root, echo_json, fail, format_option, root_option
from ftzkb.i18n import pick
from ftzkb.rules.similarity import DUPLICATE_THRESHOLD

if TYPE_CHECKING:
    from ftzkb.export import Column, Row
    from ftzkb.load.model import Case
    from ftzkb.search.index import IndexProblem, IndexReport
    from ftzkb.search.query import Hit, SearchResult


def _progress(zh: str, en: str) -> None:
    click.echo(pick(zh, en), err=True)


def _index_problem(exc: IndexProblem) -> NoReturn:
    fail(exc.zh, exc.en, code=1)


def _corpus_dir(root: Path | None) -> Path:
    """The corpus root; a directory without cases/ is a usage error (no index is made there)."""
    from ftzkb.paths import CASES_DIRNAME

    where = corpus_root(root)
    if not (where / CASES_DIRNAME).is_dir():
        fail(f"{where} 不是语料目录（其中没有 cases/）", f"{where} is not a corpus directory (it has no cases/)",
             code=2)
    return where


# --- ftzkb index ---------------------------------------------------------------------------------


@click.command(epilog="""\b
示例 / Examples:
  ftzkb index                 只重新索引改动过的文件 / re-index changed files only
  ftzkb index --rebuild       从头重建 / rebuild from scratch
  ftzkb index --format json

\b
索引存放在 .ftzkb-cache/search-index/（不进版本库）；ftzkb search 会自动保持它最新。
The index lives in .ftzkb-cache/search-index/ (not versioned); ftzkb search keeps it fresh by itself.
""")
@click.option("--rebuild", is_flag=True, help="丢弃现有索引，从头建立 / discard the index and build it anew")
@format_option("text", "json")
@root_option
def index_command(rebuild: bool, fmt: str, root: Path | None) -> None:
    """建立或更新全文检索索引（只处理改动过的文件）。

    Build or update the full-text search index (only changed files are re-indexed).
    """
    from ftzkb.search.index import IndexProblem, ensure_index

    try:
        report = ensure_index(_corpus_dir(root), rebuild=rebuild, progress=_progress if fmt == "text" else None)
    except IndexProblem as exc:
        _index_problem(exc)
    if fmt == "json":
        echo_json(report.as_dict())
        return
    click.echo(_describe_index(report))
    if report.skipped:
        click.echo(pick(f"注意：{len(report.skipped)} 个文件有错误，未编入索引（运行 ftzkb validate 查看）：",
                        f"note: {len(report.skipped)} files have errors and were left out (run ftzkb validate):")
                   + " " + ", ".join(report.skipped[:5]) + (" …" if len(report.skipped) > 5 else ""), err=True)


_REASONS = {"requested": ("按要求重建", "rebuild requested"), "missing": ("此前没有索引", "there was no index"),
            "version": ("索引由另一版本的程序建立", "the index was built by another version"),
            "corrupt": ("索引已损坏", "the index was corrupt")}


def _describe_index(report: IndexReport) -> str:
    if report.action == "rebuilt":
        zh, en = _REASONS.get(report.reason, (report.reason, report.reason))
        return pick(f"已重建检索索引（{zh}）：{report.documents} 条，用时 {report.seconds:.1f} 秒",
                    f"search index rebuilt ({en}): {report.documents} documents in {report.seconds:.1f} s")
    if report.action == "updated":
        return pick(f"已更新检索索引：新增 {report.added}、更新 {report.updated}、删除 {report.removed}，"
                    f"共 {report.documents} 条，用时 {report.seconds:.1f} 秒",
                    f"search index updated: {report.added} added, {report.updated} updated, {report.removed} removed; "
                    f"{report.documents} documents, {report.seconds:.1f} s")
    return pick(f"检索索引已是最新（{report.documents} 条）",
                f"the search index is up to date ({report.documents} documents)")


# --- ftzkb search --------------------------------------------------------------------------------


class WordsCommand(click.Command):
    """A command whose words may start with a dash: `ftzkb search 空运 -上海` excludes 上海. Click
    would read `-上海` as an unknown option; here a dashed word that is not one of the command's own
    options (nor the value of one: `--year -2022`) becomes `NOT word` before Click parses the line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, exclusions_as_words(self, args))


def exclusions_as_words(command: click.Command, args: list[str]) -> list[str]:
    options = {name for p in command.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)}
    options |= {"-h", "--help"}
    valued = {name for p in command.params if isinstance(p, click.Option) and not p.is_flag and not p.count
              for name in p.opts}
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        after_option = bool(out) and out[-1] in valued
        if not after_option and arg.startswith("-") and not arg.startswith("--") and len(arg) > 1 \
                and arg not in options:
            out += ["NOT", arg[1:]]
        else:
            out.append(arg)
    return out


@click.command(cls=WordsCommand, epilog="""\b
示例 / Examples:
  ftzkb search 多式联运                  全文检索 / full-text search
  ftzkb search 联运                      也能找到复合词的一部分 / parts of compounds match too
  ftzkb search dsly                      拼音首字母（不用输入法） / pinyin initials
  ftzkb search 白名单 研发                两个词都要出现 / both words must occur
  ftzkb search 空运 OR 航空 -上海          或、排除（也可写 NOT 上海） / either word, excluding one
  ftzkb search '"一业一证"'               原样出现 / exact phrase
  ftzkb search 做法:白名单                只查“主要做法” / search one field
  ftzkb search 通关 --origin 苏州片区 --category 贸易便利化 --year 2019-2022
  ftzkb search --recognition national-best-practice   只用筛选条件 / filters only
  ftzkb search 知识产权 --format csv > 检索结果.csv
  ftzkb search 金融 --format json

\b
字段 / fields: 标题 title, 摘要 summary, 问题 problem, 做法 measures, 成效 outcomes,
  标签 tags, 备注 note（含首创载体名称 / includes the origin carrier's name）,
  来源 sources（来源标题与发布机关、认定文件 / source titles, publishers, recognition documents）
汉字词须连续出现才算命中；只含部分词或词的一部分的结果标“部分匹配”，排在后面；只在来源中出现的结果也会注明。
A Han word counts only where it occurs whole; hits holding only some words (or parts of one) are
marked partial and ranked last; hits found only in their sources say so.
筛选值可写代码、中文名称或其开头 / filter values may be codes, labels or their beginning.
""")
@click.argument("words", nargs=-1)
@click.option("--origin", multiple=True, metavar="CARRIER", help="首创载体（id 或名称，可多次） / originating carrier")
@click.option("--category", multiple=True, help="改革领域 / category")
@click.option("--carrier-type", multiple=True,
              help="载体类型（案例按首创载体，载体按自身） / carrier type (of a case's origin, or of a carrier)")
@click.option("--suits", multiple=True, metavar="TYPE", help="适合复制的载体类型 / carrier type the case suits")
@click.option("--recognition", multiple=True,
              help="认定层级或批次，如 provincial-replication-1 / recognition level or batch")
@click.option("--status", multiple=True, help="案例状态：active、superseded、withdrawn / lifecycle status")
@click.option("--year", metavar="RANGE", help="首创年份：2020、2020-2022、2020-、-2022 / year the case started")
@click.option("--kind", type=click.Choice(["case", "carrier", "all"]), default="all", show_default=True,
              help="只查案例或载体 / cases, carriers or both")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="最多显示几条 / hits to show")
@format_option("text", "json", "csv")
@root_option
def search_command(words: tuple[str, ...], origin: tuple[str, ...], category: tuple[str, ...],
                   carrier_type: tuple[str, ...], suits: tuple[str, ...], recognition: tuple[str, ...],
                   status: tuple[str, ...], year: str | None, kind: str, limit: int, fmt: str,
                   root: Path | None) -> None:
    """中文全文检索案例与载体：词与复合词的一部分、拼音及首字母、字段检索与筛选。

    Chinese full-text search of cases and carriers: words and parts of compounds, pinyin and
    initials, field queries and filters. Results are ranked, with the matching words highlighted.
    """
    from ftzkb.search.filters import FilterError, make_filters
    from ftzkb.search.index import IndexProblem
    from ftzkb.search.query import QueryError, indexed_carriers, run_search

    where = _corpus_dir(root)
    text = " ".join(words)
    try:
        filters = make_filters(origin=origin, category=category, carrier_type=carrier_type, suits=suits,
                               recognition=recognition, status=status, year=year,
                               kind=None if kind == "all" else kind, carriers=lambda: indexed_carriers(where))
        result = run_search(where, text, filters, limit, progress=_progress)
    except (QueryError, FilterError) as exc:
        fail(exc.zh, exc.en, code=2)
    except IndexProblem as exc:
        _index_problem(exc)
    for zh, en in result.notices:
        click.echo(pick(f"注意：{zh}", f"note: {en}"), err=True)
    if fmt == "json":
        echo_json({"query": text, "filters": filters.as_dict(), "total": result.total, "complete": result.complete,
                   "full": result.full, "partial": result.partial,
                   "notices": [pick(zh, en) for zh, en in result.notices],
                   "hits": [hit.as_dict() for hit in result.hits]})
    elif fmt == "csv":
        from ftzkb.export import write_csv

        write_csv([_hit_row(n, hit) for n, hit in enumerate(result.hits, 1)], sys.stdout, hit_columns())
    else:
        _print_hits(text, result)


def _print_hits(text: str, result: SearchResult) -> None:
    shown = f"“{text}”" if text else pick("筛选结果", "filtered")
    if not result.hits:
        click.echo(pick(f"{shown}：没有找到结果", f"{shown}: nothing found"))
        return
    count = result.total if result.complete else f"{result.total}+"
    whole = "" if result.full in (0, result.total) or not text else pick(f"（完全匹配 {result.full} 条）",
                                                                         f" ({result.full} hold every word)")
    click.echo(pick(f"{shown}：找到 {count} 条{whole}，显示 {len(result.hits)} 条",
                    f"{shown}: {count} found{whole}, {len(result.hits)} shown"))
    before, after = _highlight_marks()
    for number, hit in enumerate(result.hits, 1):
        from ftzkb.search.snippets import mark

        click.echo(f"{number:>2}. {mark(hit.title, hit.title_spans, before, after)}  [{hit.id}]")
        click.echo(f"    {_describe_hit(hit)}")
        if hit.snippet:
            click.echo(f"    {mark(hit.snippet, hit.snippet_spans, before, after)}")
        if _match_note(hit):
            click.echo(f"    {_match_note(hit)}")


def _match_note(hit: Hit) -> str:
    """Why a hit is where it is, when it is not a plain full match."""
    if hit.partial:
        zh, en = "”“".join(hit.missing), "', '".join(hit.missing)
        return pick(f"（部分匹配：没有完整出现“{zh}”）", f"(partial match: '{en}' not found whole)")
    if hit.only_in_sources:
        return pick("（只在来源标题或发布机关中出现）", "(found only in a source's title or publisher)")
    return ""


def hit_columns() -> list[Column]:
    from ftzkb.export import Column

    return [Column("rank", "序号", "rank"), Column("kind", "类别", "kind"), Column("id", "id", "id"),
            Column("title", "标题", "title"), Column("origin", "首创载体", "origin"),
            Column("categories", "改革领域", "categories"), Column("started", "开始", "started"),
            Column("match", "匹配", "match"), Column("snippet", "摘录", "snippet"), Column("path", "文件", "file")]


def _hit_row(rank: int, hit: Hit) -> Row:
    from ftzkb.vocab import label

    match = _match_note(hit).strip("（）()") or pick("完全匹配", "full")
    return {"rank": rank, "kind": pick("载体", "carrier") if hit.kind == "carrier" else pick("案例", "case"),
            "id": hit.id, "title": hit.title, "origin": hit.origin_name or hit.origin or "",
            "categories": "、".join(label("category", c) for c in hit.categories), "started": hit.started or "",
            "match": match, "snippet": hit.snippet, "path": hit.path}


def _highlight_marks() -> tuple[str, str]:
    """Bold red on a terminal; 【】 in pipes and files (readable on paper)."""
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return "\033[1;31m", "\033[0m"
    return "【", "】"


def _describe_hit(hit: Hit) -> str:
    from ftzkb.dates import display
    from ftzkb.i18n import current_lang
    from ftzkb.vocab import label

    if hit.kind == "carrier":
        return pick("载体", "carrier") + f" · {hit.path}"
    parts = [hit.origin_name or hit.origin or "",
             "、".join(label("category", c) for c in hit.categories),
             display(hit.started, current_lang())]
    if hit.status and hit.status != "active":
        parts.append(label("lifecycle_status", hit.status))
    return " · ".join(p for p in parts if p)


# --- ftzkb similar -------------------------------------------------------------------------------


@click.command(epilog=f"""\b
示例 / Examples:
  ftzkb similar nj-retail-pharmacy-one-license     与已有案例比较 / compare an existing case
  ftzkb similar ~/draft/new-case.yaml              提交前检查新案例 / check a new case before submitting
  ftzkb similar sz-guanzhurong --limit 3 --format json

\b
相似度为 0–1（标题、标签和摘要的字词重合程度）；达到 {DUPLICATE_THRESHOLD} 标为“可能重复”，
ftzkb validate 也会对此发出 similar-case 警告。
Similarity runs from 0 to 1 (overlap of title, tags and summary); from {DUPLICATE_THRESHOLD} on a case
is marked as a likely duplicate, and ftzkb validate warns (rule similar-case).
""")
@click.argument("target", metavar="FILE-OR-ID")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="最多列出几个 / cases to list")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="最低相似度 / lowest similarity listed")
@format_option("text", "json", "csv")
@root_option
def similar_command(target: str, limit: int, min_score: float, fmt: str, root: Path | None) -> None:
    """列出与某个案例（文件或 id）最相似的已有案例及相似度，用于发现重复提交。

    List the existing cases most similar to a case (a file or an id), with a score: a check for
    the same reform submitted twice.
    """
    from ftzkb.commands.common import load_for_query
    from ftzkb.rules.similarity import similar_cases

    where = corpus_root(root)
    case = _target_case(target, where)
    corpus = load_for_query(where)
    if case is None:
        from ftzkb.commands.common import resolve_case

        case = corpus.cases[resolve_case(corpus, target)]
    found = similar_cases(corpus.cases.values(), case, limit, min_score)
    rows = [{"id": other.id, "title": other.title, "origin": other.origin_carrier, "score": score,
             "likely_duplicate": score >= DUPLICATE_THRESHOLD, "path": str(other.path)} for other, score in found]
    if fmt == "json":
        echo_json(rows)
        return
    if fmt == "csv":
        from ftzkb.export import Column, write_csv

        columns = [Column("id", "案例 id", "case id"), Column("title", "标题", "title"),
                   Column("origin", "首创载体 id", "origin"), Column("score", "相似度", "similarity"),
                   Column("likely_duplicate", "可能重复", "likely duplicate"), Column("path", "文件", "file")]
        write_csv([{**row, "score": f"{row['score']:.2f}"} for row in rows], sys.stdout, columns)
        return
    click.echo(pick(f"与 {case.id}（{case.title}）最相似的案例：", f"cases most similar to {case.id} ({case.title}):"))
    if not found:
        click.echo(pick("  （没有相似的案例）", "  (no similar cases)"))
    for other, score in found:
        flag = pick("可能重复", "likely duplicate") if score >= DUPLICATE_THRESHOLD else ""
        origin = corpus.carrier_name(other.origin_carrier)
        click.echo(f"  {score:.2f}  {flag:<8}  {other.id}  {other.title}（{origin}）")


def _target_case(target: str, root: Path) -> Case | None:
    """The case in a file, when `target` names one; None when it is an id. Exits on a bad file."""
    path = Path(target).expanduser()
    looks_like_file = path.suffix in (".yaml", ".yml") or os.sep in target or path.is_file()
    if not looks_like_file:
        return None
    if not path.is_file():
        fail(f"找不到文件：{target}", f"no such file: {target}", code=2)
    from ftzkb.diagnostics import render
    from ftzkb.load.loader import load_record
    from ftzkb.load.model import Case

    record, problems = load_record(path, root)
    if problems:
        click.echo(render(problems, "text"), err=True)
        fail(f"{target} 有错误，无法比较（见上）", f"{target} has errors and cannot be compared (see above)", code=1)
    if not isinstance(record, Case):
        fail(f"{target} 不是案例文件", f"{target} is not a case file", code=2)
    return record
