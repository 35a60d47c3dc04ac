"""The site as a plain function of the corpus: `render_site(corpus, …)` returns every
generated file (Markdown pages, JSON API documents, downloads, the Atom feed) by path.
It does not import MkDocs; `ftzkb.mkdocs_hook` adapts it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from ..audience import audience_view
from ..model import Corpus
from .context import Site
from .pages.api import api_files
from .pages.browse import browse_pages
from .pages.carrier import carrier_pages
from .pages.case import case_pages
from .pages.downloads import download_files
from .pages.feed import feed_files
from .pages.home import home_pages
from .pages.matrix import matrix_pages
from .pages.schema_ref import schema_pages
from .pages.stats import stats_pages
from .version import EPOCH, FileHistory

SiteFiles = dict[str, str | bytes]
Producer = Callable[[Site], Iterable[tuple[str, str | bytes]]]

PRODUCERS: tuple[Producer, ...] = (home_pages, case_pages, carrier_pages, browse_pages, matrix_pages, stats_pages,
                                   schema_pages, download_files, api_files, feed_files)


def render_site(corpus: Corpus, *, audience: str = "public", data_version: str = "unknown",
                build_date: dt.datetime = EPOCH, history: Mapping[str, FileHistory] | None = None) -> SiteFiles:
    """Path -> content for every generated file. A public build sees only public records
    (`ftzkb.audience`), so nothing internal can reach any page, index or download."""
    site = Site(audience_view(corpus, audience), audience, data_version, build_date, history or {})
    files: SiteFiles = {}
    for producer in PRODUCERS:
        for path, content in producer(site):
            if path in files:
                raise ValueError(f"two producers made {path}")
            files[path] = content
    return dict(sorted(files.items()))
