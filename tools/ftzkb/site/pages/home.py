"""The home page: counts, what changed lately, and ways in by area, category and question."""

from __future__ import annotations

from collections.abc import Iterator

from ...replication import corpus_totals, is_ftz
from ...vocab import vocab
from .. import links
from ..context import Site

RECENT = 12


def home_pages(site: Site) -> Iterator[tuple[str, str]]:
    areas = [(c, len(site.index.originated_by.get(c.id, []))) for c in site.carriers_sorted if is_ftz(c)]
    categories = [(v, len(site.cases_by["category"].get(v, []))) for v in vocab("category").values]
    reverse = sum(1 for c in site.corpus.cases.values() if not is_ftz(site.corpus.carriers.get(c.origin_carrier)))
    yield links.HOME, site.render("home.md.j2", links.HOME, up=None, title="首页", totals=corpus_totals(site.corpus),
                                  areas=areas, categories=categories, recent=site.recent_cases(RECENT),
                                  reverse_cases=reverse, batches=list(site.batches.values()))
