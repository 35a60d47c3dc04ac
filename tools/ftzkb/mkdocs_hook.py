"""The MkDocs adapter (listed under `hooks:` in mkdocs.yml): it adds the pages and files that
`ftzkb.site` renders from cases/ and carriers/ as virtual files, and lets the big generated
HTML blocks of each page bypass Markdown and the search indexer (`ftzkb.site.defer`).
Everything else lives in `ftzkb.site`, which does not import MkDocs, so moving to another
generator stays small.

The corpus is $FTZKB_ROOT (else the repository); the audience is $FTZKB_AUDIENCE
(`public`, the default, or `internal`), as `ftzkb site build --audience` sets it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ftzkb.paths import default_corpus_root
from ftzkb.site.context import SYNTHETIC_NOTICE
from ftzkb.site.defer import HTML_SLOT, put_back, take_out
from ftzkb.site.generate import AudienceError, SiteDataError, audience_from_env, generate, is_synthetic

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

_deferred: dict[str, Path] = {}  # page source path -> the file holding its deferred HTML blocks
_html: dict[str, list[str]] = {}  # page source path -> its HTML blocks, while Markdown converts it
_spill: list[str] = []  # temporary directories holding generated files until they are copied


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


def on_page_markdown(markdown: str, page: Page, **kwargs: Any) -> str:
    taken = take_out(markdown)
    if taken.html:  # put back as soon as Markdown is done with the page (on_page_content)
        _html[page.file.src_uri] = taken.html
    if taken.deferred:  # kept on disk until the page is written: MkDocs reads every page before it writes one
        where = Path(_spill[-1]) / ".deferred" / f"{len(_deferred)}.json"
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


def on_post_build(config: MkDocsConfig) -> None:
    _remove_spill()


def on_build_error(error: Exception) -> None:
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
