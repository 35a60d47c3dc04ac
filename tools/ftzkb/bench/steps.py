"""The benchmark steps: what each runs, what it needs, and its target at 5,000 cases.

A step whose command does not exist yet (its module is missing) is reported as n/a.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import REPO_ROOT

TARGET_SIZE = 5000
GROWTH_LIMIT = 4.5  # from 5,000 to 20,000 cases (4× the data)
SEARCH_QUERIES = ("多式联运", "跨境电商退货", "知识产权质押融资", "信用承诺制", "保税维修", "企业开办",
                  "数据跨境流动", "融资租赁", "中欧班列", "营商环境", "一站式", "通关")


@dataclass(frozen=True)
class Target:
    seconds: float | None = None
    peak_mb: float | None = None

    def describe(self) -> str:
        parts = ([f"≤ {self.seconds:g} s"] if self.seconds is not None else []) + (
            [f"≤ {self.peak_mb / 1024:g} GB"] if self.peak_mb is not None else [])
        return ", ".join(parts)


@dataclass
class Context:
    """What a step needs to know about the corpus it runs on."""

    corpus: Path
    work: Path
    sample_carrier: str = ""
    adopt_case: str = ""
    adopt_carrier: str = ""
    saved: dict[Path, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    id: str
    zh: str
    en: str
    invocations: Callable[[Context], list[list[str]]]
    needs: tuple[str, ...] = ()  # modules ("ftzkb.commands.stats") or programs ("check-jsonschema")
    slow: bool = False
    baseline: bool = False
    env: tuple[tuple[str, str], ...] = ()
    prepare: Callable[[Context], str | None] | None = None  # returns why the step cannot run, or None
    after_run: Callable[[Context], None] | None = None
    finish: Callable[[Context], None] | None = None  # after the last run, also when a run failed
    queries: bool = False  # invocations are ftzkb arguments run inside one process; p50/p95 over all but the first
    driver: str = "ftzkb.inproc"  # for a `queries` step: the module that runs the invocations and times them
    target: Target | None = None
    cwd_is_corpus: bool = False


def program(name: str) -> str | None:
    """A program installed next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def ftzkb(*args: str) -> list[str]:
    script = program("ftzkb")
    return [script, *args] if script else [sys.executable, "-m", "ftzkb", *args]


def missing(needs: tuple[str, ...]) -> str | None:
    for need in needs:
        if "." in need and importlib.util.find_spec(need) is None:
            return f"{need} not found"
        if "." not in need and program(need) is None:
            return f"{need} not installed"
    return None


def _root(ctx: Context) -> list[str]:
    return ["--root", str(ctx.corpus)]


def _check_jsonschema(ctx: Context) -> list[list[str]]:
    tool = program("check-jsonschema") or "check-jsonschema"
    invocations = []
    for kind, dirname in (("case", "cases"), ("carrier", "carriers")):
        files = sorted(f"{dirname}/{p.name}" for p in (ctx.corpus / dirname).glob("*.yaml"))
        invocations.append([tool, "--schemafile", str(REPO_ROOT / "schema" / f"{kind}.schema.json"), *files])
    return invocations


def _warm_validate(ctx: Context) -> str | None:
    from .measure import run_process

    run_process(ftzkb("validate", *_root(ctx)))
    return None


def _build_index(ctx: Context) -> str | None:
    from .measure import run_process

    sample = run_process(ftzkb("index", *_root(ctx)))
    return None if sample.ok else f"ftzkb index failed: {sample.stderr_tail.strip()[-200:]}"


def _carrier_by_name(ctx: Context) -> str:
    """The sample carrier written as a person would: its full name (`ftzkb.resolve` finds the id)."""
    from ..resolve import names_on_disk

    names = names_on_disk(ctx.corpus, "carriers").get(ctx.sample_carrier) or (ctx.sample_carrier,)
    return max(names, key=len)


def _save_adopt_case(ctx: Context) -> str | None:
    if not ctx.adopt_case:
        return "no case to adopt"
    path = ctx.corpus / "cases" / f"{ctx.adopt_case}.yaml"
    ctx.saved[path] = path.read_bytes()
    return None


EDIT_MARK = "（基准改动）"
PREVIEW_EDITS = 3


def _has_case_to_edit(ctx: Context) -> str | None:
    return None if ctx.adopt_case else "no case to edit"


def _edit_a_case(ctx: Context) -> str | None:
    """Validated once as it is, then one case's title changed: the first run sees one edited file."""
    if not ctx.adopt_case:
        return "no case to edit"
    _warm_validate(ctx)
    path = ctx.corpus / "cases" / f"{ctx.adopt_case}.yaml"
    ctx.saved[path] = path.read_bytes()
    _toggle_edit(ctx)
    return None


def _toggle_edit(ctx: Context) -> None:
    """The edited case back as it was, or edited again: every run sees one file changed since the last."""
    for path, content in ctx.saved.items():
        edited = content.replace(b"\ntitle: ", f"\ntitle: {EDIT_MARK}".encode(), 1)
        path.write_bytes(content if path.read_bytes() == edited else edited)


def _restore_edit(ctx: Context) -> None:
    _restore_saved(ctx)
    ctx.saved.clear()


def _restore_saved(ctx: Context) -> None:
    for path, content in ctx.saved.items():
        if path.read_bytes() != content:
            path.write_bytes(content)


_READ_AND_HASH = ("import hashlib, pathlib, sys\nroot = pathlib.Path(sys.argv[1])\n"
                  "for d in ('carriers', 'cases'):\n    for p in sorted((root / d).glob('*.yaml')):\n"
                  "        hashlib.blake2b(p.read_bytes()).digest()\n")
LEDGER_ROWS_FILLED = 20  # per carrier, as a reporting round brings back


def _filled_ledgers(ctx: Context) -> str | None:
    """Every carrier's ledger exported as CSV, with about 20 rows filled in each, as officials return them."""
    import csv

    from .measure import run_process

    out = ctx.work / "ledgers-filled"
    shutil.rmtree(out, ignore_errors=True)
    sample = run_process(ftzkb("ledger", "export", "--all", "--format", "csv", "--audience", "internal", "-o",
                               str(out), *_root(ctx)))
    if not sample.ok:
        return f"ftzkb ledger export failed: {sample.stderr_tail.strip()[-200:]}"
    for number, path in enumerate(sorted(out.glob("*.csv"))):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        empty = [row for row in rows[2:] if len(row) > 8 and not row[6]][:LEDGER_ROWS_FILLED]
        for position, row in enumerate(empty):
            row[6:9] = ["已复制", "2025-06", f"基准〔2025〕{number}-{position}号"]
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return None


def _site_baseline_prepare(ctx: Context) -> str | None:
    from .baseline import prepare_plain_mkdocs

    return prepare_plain_mkdocs(ctx.corpus, ctx.work / "plain-mkdocs")


STEPS: tuple[Step, ...] = (
    Step("validate-cold", "校验（无缓存）", "validate, no cache",
         lambda ctx: [ftzkb("validate", *_root(ctx))], slow=True, env=(("FTZKB_NO_CACHE", "1"),)),
    Step("validate", "校验", "validate", lambda ctx: [ftzkb("validate", *_root(ctx))],
         prepare=_warm_validate, target=Target(seconds=2)),
    Step("validate-edited", "改动一个案例后校验", "validate after one case was edited",
         lambda ctx: [ftzkb("validate", *_root(ctx))], prepare=_edit_a_case, after_run=_toggle_edit,
         finish=_restore_edit, target=Target(seconds=0.5)),
    Step("read-hash-floor", "读取并哈希全部文件（下限）", "read and hash every file (the floor)",
         lambda ctx: [[sys.executable, "-c", _READ_AND_HASH, str(ctx.corpus)]], baseline=True),
    Step("check-jsonschema", "check-jsonschema（同一 Schema、同一批文件）", "check-jsonschema, same schema and files",
         _check_jsonschema, needs=("check-jsonschema",), slow=True, baseline=True, cwd_is_corpus=True),
    Step("help", "ftzkb --help 冷启动", "ftzkb --help cold start", lambda ctx: [ftzkb("--help")],
         target=Target(seconds=0.3)),
    Step("help-validate", "ftzkb validate --help 冷启动", "ftzkb validate --help cold start",
         lambda ctx: [ftzkb("validate", "--help")], target=Target(seconds=0.3)),
    Step("help-fmt", "ftzkb fmt --help 冷启动", "ftzkb fmt --help cold start",
         lambda ctx: [ftzkb("fmt", "--help")], target=Target(seconds=0.3)),
    Step("stats", "统计", "stats", lambda ctx: [ftzkb("stats", *_root(ctx))], needs=("ftzkb.commands.stats",),
         target=Target(seconds=1)),
    Step("gaps", "未复制清单", "gaps", lambda ctx: [ftzkb("gaps", ctx.sample_carrier, *_root(ctx))],
         needs=("ftzkb.commands.gaps",), target=Target(seconds=1)),
    Step("gaps-name", "未复制清单（载体写名称）", "gaps, carrier by name",
         lambda ctx: [ftzkb("gaps", _carrier_by_name(ctx), *_root(ctx))], needs=("ftzkb.resolve",),
         target=Target(seconds=1)),
    Step("matrix", "复制推广矩阵", "matrix", lambda ctx: [ftzkb("matrix", "--format", "json", *_root(ctx))],
         needs=("ftzkb.commands.matrix",)),
    Step("adopt", "记录一次复制", "adopt",
         lambda ctx: [ftzkb("adopt", ctx.adopt_case, ctx.adopt_carrier, "--status", "adopted", "--date", "2025-06",
                            *_root(ctx))],
         needs=("ftzkb.commands.adopt",), prepare=_save_adopt_case, after_run=_restore_saved),
    Step("ledger-export-one", "导出一个载体的台账", "ledger export, one carrier",
         lambda ctx: [ftzkb("ledger", "export", ctx.sample_carrier, "-o", str(ctx.work / "ledger-one"), *_root(ctx))],
         needs=("ftzkb.commands.ledger",), target=Target(seconds=1)),
    Step("ledger-export-all", "导出全部载体的台账", "ledger export, every carrier",
         lambda ctx: [ftzkb("ledger", "export", "--all", "-o", str(ctx.work / "ledger-all"), *_root(ctx))],
         needs=("ftzkb.commands.ledger",), slow=True, target=Target(seconds=30)),
    Step("ledger-import", "导入全部填好的台账（检查与计划，演练）", "ledger import of every carrier, dry run",
         lambda ctx: [ftzkb("ledger", "import", str(ctx.work / "ledgers-filled"), "--dry-run", "--format", "json",
                            *_root(ctx))],
         needs=("ftzkb.commands.ledger",), slow=True, prepare=_filled_ledgers, target=Target(seconds=60)),
    Step("index", "建立检索索引", "search index build", lambda ctx: [ftzkb("index", "--rebuild", *_root(ctx))],
         needs=("ftzkb.commands.search",), slow=True),
    Step("search-cold", "ftzkb search 冷启动", "ftzkb search, cold",
         lambda ctx: [ftzkb("search", SEARCH_QUERIES[0], *_root(ctx))], needs=("ftzkb.commands.search",),
         prepare=_build_index, target=Target(seconds=0.6)),
    Step("site-preview", "预览：保存改动到页面更新", "preview: from saving an edit to the page served",
         lambda ctx: [[str(ctx.corpus), ctx.adopt_case, str(PREVIEW_EDITS)]], needs=("mkdocs.livereload",), slow=True,
         queries=True, driver="ftzkb.bench.preview", prepare=_has_case_to_edit, target=Target(seconds=2)),
    Step("search-query", "检索查询 p50/p95（进程内）", "search query p50/p95, in process",
         lambda ctx: [["search", q, *_root(ctx)] for q in (SEARCH_QUERIES[0], *SEARCH_QUERIES)],
         needs=("ftzkb.commands.search",), prepare=_build_index, queries=True),
    Step("site", "站点构建", "site build",
         lambda ctx: [ftzkb("site", "build", *_root(ctx), "--out", str(ctx.work / "site"))],
         needs=("ftzkb.commands.site",), slow=True, target=Target(seconds=60, peak_mb=1536)),
    Step("site-zensical", "站点构建（Zensical 引擎）", "site build, Zensical engine",
         lambda ctx: [ftzkb("site", "build", "--engine", "zensical", *_root(ctx), "--out",
                            str(ctx.work / "site-zensical"))],
         needs=("ftzkb.site.zensical_build", "zensical"), slow=True),
    Step("site-plain-mkdocs", "纯 MkDocs 构建同样的 Markdown", "plain MkDocs, same pre-rendered Markdown",
         lambda ctx: [[sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                       str(ctx.work / "plain-mkdocs" / "mkdocs.yml")]],
         needs=("ftzkb.site.mkdocs_build",), slow=True, prepare=_site_baseline_prepare),
)

# ratio name -> (numerator step, denominator step)
RATIOS: dict[str, tuple[str, str]] = {
    "validate (unchanged) / read-hash-floor": ("validate", "read-hash-floor"),
    "validate-edited / read-hash-floor": ("validate-edited", "read-hash-floor"),
    "check-jsonschema / validate": ("check-jsonschema", "validate"),
    "check-jsonschema / validate-cold": ("check-jsonschema", "validate-cold"),
    "site / site-plain-mkdocs": ("site", "site-plain-mkdocs"),
    "site-zensical / site": ("site-zensical", "site"),
}


def step_ids() -> list[str]:
    return [step.id for step in STEPS]
