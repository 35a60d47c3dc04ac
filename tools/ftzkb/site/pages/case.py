"""One page per case: every field, its recognitions, the adoption table grouped by carrier
type, the adoption timeline, the lineage tree, sources, related cases and a citation line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from ftzkb.collate import pinyin_key
from ftzkb.dates import parse_date
from ftzkb.load.model import Adoption, Case, Recognition
from ftzkb.replication import ADOPTED, IN_PROGRESS, Lineage
from ftzkb.replication.core import current_records, primary_type, sort_date
from ftzkb.site import links
from ftzkb.site.context import SITE_TITLE, Site
from ftzkb.site.links import case_page
from ftzkb.site.pages.api import case_document, dumps
from ftzkb.site.text import coined_names
from ftzkb.vocab import vocab


@dataclass
class AdoptionGroup:
    carrier_type: str
    rows: list[Adoption]


@dataclass
class TimelineYear:
    """One year of a case's history: its start, recognitions, and adoptions by status."""

    year: int | None  # None: undated
    started: bool = False
    recognitions: list[Recognition] = field(default_factory=list)
    adoptions: dict[str, list[str]] = field(default_factory=dict)  # status -> carrier ids


@dataclass
class CaseView:
    case: Case
    groups: list[AdoptionGroup]
    counts: dict[str, int]
    timeline: list[TimelineYear]
    lineage: Lineage
    tree_worth_showing: bool
    related: list[tuple[str, str]] = field(default_factory=list)  # (case id, relation)
    citation: str = ""


def case_pages(site: Site) -> Iterator[tuple[str, str]]:
    """Each case's page and its API document (this process's share of them, see `Site.share`)."""
    for case in site.cases_to_render():
        page = case_page(case.id)
        yield page, site.render("case.md.j2", page, up=[("全部案例", links.CASES_INDEX)], case=case,
                                view=case_view(site, case), title=case.title, search_tags=search_tags(case),
                                pinyin=site.pinyin([case.title], case.tags))
        yield f"{links.API}/cases/{case.id}.json", dumps(case_document(site, case), site.notice)


def case_view(site: Site, case: Case) -> CaseView:
    current = current_records(case)  # this case's alone: the preview renders one page without the corpus's tables
    counts = Counter("adopted" if r.status in ADOPTED else "in_progress" if r.status in IN_PROGRESS else "other"
                     for r in current.values())
    tree = site.lineage(case)
    deep = any(depth > 1 for depth, _ in tree.walk())
    return CaseView(case, adoption_groups(site, case), dict(counts), timeline(case), tree, deep,
                    related_cases(site, case), citation(site, case))


def search_tags(case: Case) -> list[str]:
    """The case's tags and the reform names quoted in its title: the browser search weighs tags
    most, so a search for 一业一证 finds the case so named before cases that merely contain 一."""
    return list(dict.fromkeys([*case.tags, *coined_names(case.title)]))


def adoption_groups(site: Site, case: Case) -> list[AdoptionGroup]:
    """Records grouped by the adopting carrier's type (vocabulary order), carriers in pinyin
    order, a carrier's periods in date order."""
    order = vocab("carrier_type").values
    grouped: dict[str, list[Adoption]] = {}
    for record in case.adoptions:
        grouped.setdefault(primary_type(site.corpus.carriers.get(record.carrier)), []).append(record)
    for rows in grouped.values():
        rows.sort(key=lambda r: (pinyin_key(site.carrier_name(r.carrier)), r.carrier, sort_date(r.date), r.index))
    return [AdoptionGroup(kind, grouped[kind])
            for kind in sorted(grouped, key=lambda k: order.index(k) if k in order else len(order))]


def timeline(case: Case) -> list[TimelineYear]:
    """Year by year (undated last), so that a case adopted hundreds of times stays readable."""
    years: dict[int | None, TimelineYear] = {}

    def year_of(text: str | None) -> TimelineYear:
        date = parse_date(text)
        key = date.year if date else None
        return years.setdefault(key, TimelineYear(key))

    year_of(case.started).started = True
    for recognition in case.recognitions:
        year_of(recognition.date).recognitions.append(recognition)
    for record in sorted(case.adoptions, key=lambda a: (sort_date(a.date), a.index)):
        year_of(record.date).adoptions.setdefault(record.status, []).append(record.carrier)
    return sorted(years.values(), key=lambda y: (y.year is None, y.year or 0))


def related_cases(site: Site, case: Case) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    if case.superseded_by:
        found[case.superseded_by] = "被其替代"
    for other in site.superseded_from.get(case.id, []):
        found.setdefault(other, "被本案例替代")
    for other in case.related:
        found.setdefault(other, "相关")
    for other in site.referenced_by.get(case.id, []):
        found.setdefault(other, "相关（对方列出）")
    found.pop(case.id, None)
    return list(found.items())


def citation(site: Site, case: Case) -> str:
    return (f"《{case.title}》，{SITE_TITLE}，案例编号 {case.id}，"
            f"数据版本 {site.data_version}（{site.build_date:%Y-%m-%d}）。")
