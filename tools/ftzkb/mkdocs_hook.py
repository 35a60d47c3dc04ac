"""The MkDocs adapter (listed under `hooks:` in mkdocs.yml): it adds the pages and files that
`ftzkb.site` renders from cases/ and carriers/ as virtual files, and lets the big generated
HTML blocks of each page bypass Markdown and the search indexer (`ftzkb.site.defer`).
Everything else lives in `ftzkb.site`, which does not import MkDocs, so moving to another
generator stays small.

The corpus is $FTZKB_ROOT (else the repository); the audience is $FTZKB_AUDIENCE
(`public`, the default, or `internal`), as `ftzkb site build --audience` sets it.

When $FTZKB_SHARE_PAGES_FROM is set (`ftzkb site build` sets it) and at least that many pages are
outside the navigation, the build is shared with a forked copy of itself (`_Share`): each process
reads, converts and writes every second of those pages, the other's pages being empty where it
is, and the copy hands its pages' search entries and warnings back before the search index is
written. The pages come out byte for byte as one process makes them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from ftzkb.paths import default_corpus_root
from ftzkb.site.context import SYNTHETIC_NOTICE
from ftzkb.site.defer import HTML_SLOT, put_back, take_out
from ftzkb.site.generate import AudienceError, SiteDataError, audience_from_env, generate, is_synthetic
from ftzkb.site.mkdocs_build import SHARE_ENV, MessageCollector

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

_deferred: dict[str, Path] = {}  # page source path -> the file holding its deferred HTML blocks
_html: dict[str, list[str]] = {}  # page source path -> its HTML blocks, while Markdown converts it
_spill: list[str] = []  # temporary directories holding generated files until they are copied
ELSEWHERE_TEMPLATE = "ftzkb-elsewhere.html"  # empty: MkDocs writes no file for the other process's pages


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        config.extra["ftzkb_audience"] = audience_from_env()  # the theme shows a banner on internal builds
    except AudienceError as exc:
        raise PluginError(str(exc)) from None
    # A demo built from `ftzkb synth` output says so in a banner on every page and in every title.
    config.extra["ftzkb_synthetic"] = is_synthetic(default_corpus_root())
    if config.extra["ftzkb_synthetic"]:
        config.site_name = f"【{SYNTHETIC_NOTICE}】{config.site_name}"
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _spill.append(tempfile.mkdtemp(prefix="ftzkb-site-"))
    try:
        generated = generate(spill=Path(_spill[-1]))
    except SiteDataError as exc:
        shown = "\n".join(f"  {d.file}:{d.line}:{d.col}: {d.rule} {d.zh} / {d.en}" for d in exc.diagnostics[:20])
        raise PluginError(f"数据有错误，未构建站点（先运行 ftzkb validate） / data errors, site not built "
                          f"(run ftzkb validate):\n{shown}") from None
    except AudienceError as exc:
        raise PluginError(str(exc)) from None
    # Pages carry the data's commit date, never the clock: two builds of one commit are identical.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(generated.version.timestamp))
    for path, content in generated.files.items():
        if isinstance(content, Path):
            files.append(File.generated(config, path, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, path, content=content))
    return files


@dataclass
class _Share:
    """A build shared with a forked copy of itself (see the module's docstring)."""

    theirs: set[str]  # source paths of the pages the other process makes
    result: Path  # where the copy leaves what it made
    nav: Any
    files: Files
    child: int = 0  # the copy's pid, in the parent; 0 in the copy
    warnings: list[str] = field(default_factory=list)  # in the copy: MkDocs' warnings, handed back


_share: _Share | None = None


def on_nav(nav: Any, config: MkDocsConfig, files: Files) -> Any:
    """Fork here, after the files and before any page is read, if the build is to be shared."""
    global _share
    threshold = os.environ.get(SHARE_ENV, "")
    in_nav = {page.file.src_uri for page in nav.pages}
    pages = [f.src_uri for f in files.documentation_pages(inclusion=InclusionLevel.is_included)]
    off_nav = [path for path in pages if path not in in_nav]
    if not threshold.isdigit() or len(off_nav) < max(1, int(threshold)) or not hasattr(os, "fork"):
        return nav
    odd = set(off_nav[1::2])  # the copy's; the parent keeps the navigation's pages and the others
    even = set(pages) - odd
    result = Path(_spill[-1]) / "shared-pages.json"
    pid = os.fork()
    if pid:
        _share = _Share(odd, result, nav, files, child=pid)
    else:
        _end_with_parent()
        _share = _Share(even, result, nav, files)
        logging.getLogger("mkdocs").addHandler(MessageCollector(_share.warnings))
    return nav


def _end_with_parent() -> None:
    """The copy is killed if the build it shares ends first (Ctrl-C, a signal), on Linux."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _made_elsewhere(page: Page) -> bool:
    return _share is not None and page.file.src_uri in _share.theirs


def _leave_to_the_other_process(page: Page) -> str:
    """Here the page is read but neither converted, searched nor written: its Markdown is empty."""
    page.meta["template"], page.meta["search"] = ELSEWHERE_TEMPLATE, {"exclude": True}
    return ""


@event_priority(-100)  # last: the environment is complete
def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """In the copy: make its pages, hand back their search entries and warnings, and end."""
    if _share is None or _share.child:
        return env
    from mkdocs.commands.build import _build_page

    code = 1
    try:
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        mine = [f.page for f in doc_files if f.src_uri not in _share.theirs and f.page is not None]
        for page in mine:
            _build_page(page, config, doc_files, _share.nav, env)
        urls = {page.url for page in mine}
        entries = [entry for entry in _search_index(config).entries if _page_of(entry) in urls]
        _share.result.write_text(json.dumps({"entries": entries, "warnings": _share.warnings},
                                            ensure_ascii=False), "utf-8")
        code = 0
    except BaseException as exc:  # whatever it is, the parent reports it
        _share.result.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False), "utf-8")
    finally:
        logging.shutdown()
        os._exit(code)


def _search_index(config: MkDocsConfig) -> Any:
    """The search plugin's index (its entries are in the order the pages were built)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    if plugin is None or not hasattr(plugin, "search_index"):
        raise PluginError("搜索插件未找到，无法合并分担构建的搜索条目 / search plugin not found")
    return plugin.search_index


def _page_of(entry: dict) -> str:
    return str(entry["location"]).split("#", 1)[0]


def _join_share(config: MkDocsConfig) -> None:
    """In the parent: wait for the copy, pass on its warnings and put its search entries among
    this process's in page order, as one process would have indexed them."""
    global _share
    share, _share = _share, None
    if share is None or not share.child:
        return
    _, status = os.waitpid(share.child, 0)
    try:
        handed = json.loads(share.result.read_text("utf-8"))
    except (OSError, ValueError):
        code = os.waitstatus_to_exitcode(status)  # negative: the signal that ended it
        handed = {"error": f"exit status {code}" + (f" (signal {-code})" if code < 0 else "")}
    if "error" in handed:
        raise PluginError(f"分担页面的构建进程失败 / the process building half the pages failed: {handed['error']}")
    for message in handed["warnings"]:
        logging.getLogger("mkdocs.ftzkb.share").warning(message)
    index = _search_index(config)
    by_page: dict[str, list[dict]] = {}
    for entry in index.entries + handed["entries"]:
        by_page.setdefault(_page_of(entry), []).append(entry)
    order = [f.page.url for f in share.files.documentation_pages(inclusion=InclusionLevel.is_included) if f.page]
    index.entries = [entry for url in order for entry in by_page.pop(url, [])]
    index.entries += [entry for entries in by_page.values() for entry in entries]


def on_page_markdown(markdown: str, page: Page, **kwargs: Any) -> str:
    if _made_elsewhere(page):
        return _leave_to_the_other_process(page)
    taken = take_out(markdown)
    if taken.html:  # put back as soon as Markdown is done with the page (on_page_content)
        _html[page.file.src_uri] = taken.html
    if taken.deferred:  # kept on disk until the page is written: MkDocs reads every page before it writes one
        # named by process: a shared build has two writers
        where = Path(_spill[-1]) / ".deferred" / f"{os.getpid()}-{len(_deferred)}.json"
        where.parent.mkdir(exist_ok=True)
        where.write_text(json.dumps(taken.deferred, ensure_ascii=False), "utf-8")
        _deferred[page.file.src_uri] = where
    return taken.skeleton


def on_page_content(html: str, page: Page, **kwargs: Any) -> str:
    """The HTML blocks back in before the search plugin reads the page: they are searched."""
    blocks = _html.pop(page.file.src_uri, None)
    return put_back(html, blocks, HTML_SLOT) if blocks else html


def on_post_page(output: str, page: Page, **kwargs: Any) -> str:
    where = _deferred.pop(page.file.src_uri, None)
    return put_back(output, json.loads(where.read_text("utf-8"))) if where else output


@event_priority(100)  # first: the search plugin writes its index after this
def on_post_build(config: MkDocsConfig) -> None:
    try:
        _join_share(config)
    finally:
        _remove_spill()


def on_build_error(error: Exception) -> None:
    global _share
    if _share is not None and _share.child:
        with contextlib.suppress(OSError):
            os.kill(_share.child, signal.SIGKILL)
            os.waitpid(_share.child, 0)
    _share = None
    _remove_spill()


def open_spill() -> None:
    """A place for deferred blocks when pages are rendered outside a build (a preview's quick update)."""
    _spill.append(tempfile.mkdtemp(prefix="ftzkb-site-"))


def close_spill() -> None:
    _remove_spill()


def _remove_spill() -> None:
    _deferred.clear()
    _html.clear()
    while _spill:
        shutil.rmtree(_spill.pop(), ignore_errors=True)
