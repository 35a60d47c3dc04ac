"""The 数据说明 page: what the corpus holds, how much of it is verified, how many dates are
unknown, and what it holds against the totals sources report (`replication.coverage`)."""

from __future__ import annotations

from collections.abc import Iterator

from ...replication.coverage import DATE_KINDS, FACT_KINDS, coverage
from .. import links
from ..context import Site


def coverage_pages(site: Site) -> Iterator[tuple[str, str]]:
    yield links.COVERAGE, site.render("coverage.md.j2", links.COVERAGE, title="数据说明", c=coverage(site.corpus),
                                      fact_kinds={k: zh for k, (zh, _) in FACT_KINDS.items()},
                                      date_kinds={k: zh for k, (zh, _) in DATE_KINDS.items()})
