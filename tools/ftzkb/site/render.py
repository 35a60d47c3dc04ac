"""The site as a plain function of the corpus: `render_site(corpus, …)` returns every
generated file (Markdown pages, JSON API documents, downloads, the Atom feed) by path.
It does not import MkDocs; `ftzkb.mkdocs_hook` adapts it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping

from ftzkb.load.audience import Views, audience_view
from ftzkb.load.model import Corpus
from ftzkb.site.context import Site
from ftzkb.site.pages.api import api_files
from ftzkb.site.pages.browse import browse_pages
from ftzkb.site.pages.carrier import carrier_pages
from ftzkb.site.pages.case import case_pages
from ftzkb.site.pages.coverage import coverage_pages
from ftzkb.site.pages.downloads import download_files
from ftzkb.site.pages.feed import feed_files
from ftzkb.site.pages.home import home_pages
from ftzkb.site.pages.matrix import matrix_pages
from ftzkb.site.pages.schema_ref import schema_pages
from ftzkb.site.pages.stats import stats_pages
from ftzkb.site.version import EPOCH, FileHistory

SiteFiles = dict[str, str | bytes]
Producer = Callable[[Site], Iterable[tuple[str, str | bytes]]]

# One page and one API document per case and per carrier: the bulk of the work, which can be
# shared between processes (`Site.share`).
RECORD_PRODUCERS: tuple[Producer, ...] = (case_pages, carrier_pages)
SITE_PRODUCERS: tuple[Producer, ...] = (home_pages, browse_pages, matrix_pages, stats_pages, coverage_pages,
                                        schema_pages, feed_files)
# Downloads and the API indexes depend on no page: they can be made alongside the pages.
FILE_PRODUCERS: tuple[Producer, ...] = (download_files, api_files)
ALL_PRODUCERS = SITE_PRODUCERS + RECORD_PRODUCERS + FILE_PRODUCERS


def make_site(corpus: Corpus, *, audience: str = "public", data_version: str = "unknown",
              build_date: dt.datetime = EPOCH, history: Mapping[str, FileHistory] | None = None,
              synthetic: bool = False, views: Views | None = None) -> Site:
    """A public site sees only public records (`ftzkb.audience`), so nothing internal can reach
    any page, index or download made from it. `views` keeps public records between sites of
    nearly the same corpus (the preview)."""
    return Site(audience_view(corpus, audience, views), audience, data_version, build_date, history or {}, synthetic)


def produce(site: Site, producers: Iterable[Producer]) -> Iterator[tuple[str, str | bytes]]:
    for producer in producers:
        yield from producer(site)


def render_site(corpus: Corpus, *, audience: str = "public", data_version: str = "unknown",
                build_date: dt.datetime = EPOCH, history: Mapping[str, FileHistory] | None = None,
                synthetic: bool = False) -> SiteFiles:
    """Path -> content for every generated file."""
    site = make_site(corpus, audience=audience, data_version=data_version, build_date=build_date, history=history,
                     synthetic=synthetic)
    files: SiteFiles = {}
    for path, content in produce(site, ALL_PRODUCERS):
        if path in files:
            raise ValueError(f"two producers made {path}")
        files[path] = content
    return dict(sorted(files.items()))
