"""Index pages: all cases, all carriers, cases by FTZ area, by category, by linkage dimension
and by recognition (with one page per batch and its replication progress), carriers by type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ftzkb.load.model import Carrier, Case
from ftzkb.replication import is_ftz
from ftzkb.replication.core import primary_type
from ftzkb.site import links
from ftzkb.site.context import Site
from ftzkb.site.templating import batch_name
from ftzkb.vocab import vocab

# vocabulary -> (page title, what a value page lists)
CASE_VOCABULARIES = {"category": "按改革领域浏览", "linkage": "按联动维度浏览", "recognition_level": "按认定与批次浏览"}


@dataclass
class AreaSection:
    carrier: Carrier | None  # None: the cases first tried outside the FTZ (two-way replication)
    carrier_type: str | None
    cases: list[Case]


def browse_pages(site: Site) -> Iterator[tuple[str, str]]:
    yield from _cases_index(site)
    yield from _carriers_index(site)
    yield from _areas(site)
    for vocabulary in CASE_VOCABULARIES:
        yield from _vocabulary_pages(site, vocabulary)
    yield from _carrier_type_pages(site)
    yield from _batch_pages(site)


def _render(site: Site, page: str, template: str, title: str, up=(), **context) -> tuple[str, str]:
    return page, site.render(template, page, up=up, title=title, **context)


def _cases_index(site: Site) -> Iterator[tuple[str, str]]:
    yield _render(site, links.CASES_INDEX, "cases_index.md.j2", "全部案例", cases=site.cases_sorted)


def _carriers_index(site: Site) -> Iterator[tuple[str, str]]:
    yield _render(site, links.CARRIERS_INDEX, "carriers_index.md.j2", "全部载体", groups=_overview_groups(site))


def _overview_groups(site: Site) -> list[tuple[str, list]]:
    order = vocab("carrier_type").values
    return [(kind, site.overview_by_type[kind]) for kind in order if site.overview_by_type.get(kind)]


def area_sections(site: Site) -> list[AreaSection]:
    """The FTZ (zone and areas) first, one section each; then the cases other carriers originated,
    by the type of their origin."""
    sections = [AreaSection(c, None, site.index.originated_by.get(c.id, []))
                for c in site.carriers_sorted if is_ftz(c)]
    others: dict[str, list[Case]] = {}
    for case in site.cases_sorted:
        origin = site.corpus.carriers.get(case.origin_carrier)
        if not is_ftz(origin):
            others.setdefault(primary_type(origin), []).append(case)
    order = vocab("carrier_type").values
    sections += [AreaSection(None, kind, others[kind])
                 for kind in sorted(others, key=lambda k: order.index(k) if k in order else len(order))]
    return sections


def _areas(site: Site) -> Iterator[tuple[str, str]]:
    yield _render(site, links.AREAS, "areas.md.j2", "按片区浏览", sections=area_sections(site))


def _vocabulary_pages(site: Site, vocabulary: str) -> Iterator[tuple[str, str]]:
    grouped = site.cases_by[vocabulary]
    values = vocab(vocabulary).values
    yield _render(site, links.vocab_page(vocabulary), "vocab_index.md.j2", CASE_VOCABULARIES[vocabulary],
                  vocabulary=vocabulary, values=values, grouped=grouped)
    template = "recognition_level.md.j2" if vocabulary == "recognition_level" else "vocab_cases.md.j2"
    for value in values:
        title = vocab(vocabulary).label(value, "zh")
        batches = [b for b in site.batches.values() if b.level == value]
        up = [(CASE_VOCABULARIES[vocabulary], links.vocab_page(vocabulary))]
        yield _render(site, links.vocab_page(vocabulary, value), template, title, up, vocabulary=vocabulary,
                      value=value, cases=grouped.get(value, []), batches=batches)


def _carrier_type_pages(site: Site) -> Iterator[tuple[str, str]]:
    values = vocab("carrier_type").values
    yield _render(site, links.vocab_page("carrier_type"), "carrier_types.md.j2", "按载体类型浏览", values=values)
    summaries = {row.carrier_id: row for row in site.overview}
    for value in values:
        carriers = site.carriers_by_type.get(value, [])
        suited = [c for c in site.cases_sorted if value in c.suited_carrier_types]
        yield _render(site, links.vocab_page("carrier_type", value), "carrier_type.md.j2",
                      vocab("carrier_type").label(value, "zh"), [("按载体类型浏览", links.vocab_page("carrier_type"))],
                      value=value,
                      rows=[summaries[c.id] for c in carriers], suited=suited)


def _batch_pages(site: Site) -> Iterator[tuple[str, str]]:
    for key, info in site.batches.items():
        up = [(CASE_VOCABULARIES["recognition_level"], links.vocab_page("recognition_level")),
              (vocab("recognition_level").label(info.level, "zh"), links.vocab_page("recognition_level", info.level))]
        yield _render(site, links.batch_page(key), "batch.md.j2", batch_name(key), up, info=info,
                      progress=site.batch_progress(key), reported=reported_for(site, info.level))


# The reported figures that count what a batch of this level asks for.
_LEVEL_METRICS = {"provincial-replication": "replicated-province", "national-replication": "replicated-nationwide"}


def reported_for(site: Site, level: str) -> list[tuple[str, object]]:
    """(carrier id, figure) for the figures sources report of replication at this batch's level."""
    metric = _LEVEL_METRICS.get(level)
    return [(carrier.id, figure) for carrier in site.carriers_sorted for figure in carrier.reported_figures
            if figure.metric == metric]
