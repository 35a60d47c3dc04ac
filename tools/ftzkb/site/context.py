"""What every page of one build shares: the (audience-filtered) corpus, the data version,
lookups built once, and the helpers templates call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from ftzkb import dates
from ftzkb.collate import pinyin_key
from ftzkb.load.model import Adoption, Carrier, CarrierFlow, Case, Corpus
from ftzkb.replication import (
    ADOPTED,
    BatchInfo,
    BatchProgress,
    CarrierSummary,
    TargetProgress,
    batch_progress,
    batches,
    carrier_overview,
    lineage,
)
from ftzkb.replication.core import index_of, primary_type, sort_date
from ftzkb.replication.lineage import CaseLink, Lineage
from ftzkb.search.pinyin import pinyin_tokens
from ftzkb.site import links
from ftzkb.site.html import Html
from ftzkb.site.links import Linker
from ftzkb.site.templating import environment
from ftzkb.site.version import FileHistory
from ftzkb.vocab import vocab

# Pages above a page, as (title, source path)
Crumbs = Sequence[tuple[str, str]]

SITE_TITLE = "江苏自贸试验区制度创新案例库"
SITE_TITLE_EN = "Jiangsu FTZ Institutional Innovation Knowledge Base"
# Up to this many cases the browser search covers the full text of cases (problem, measures,
# outcomes); beyond it only titles, summaries and tags, so that the index a browser loads stays
# small enough for a first result within about a second (a 5,000-case site).
FULL_TEXT_SEARCH_MAX_CASES = 1000
SYNTHETIC_NOTICE = "演示数据（合成），非真实案例"


@dataclass
class Site:
    corpus: Corpus
    audience: str
    data_version: str
    build_date: dt.datetime
    history: Mapping[str, FileHistory] = field(default_factory=dict)
    synthetic: bool = False  # built from `ftzkb synth` output: every page and file says so
    shard: tuple[int, int] = (0, 1)  # (this process, processes): who renders which record pages
    focus: frozenset[str] | None = None  # only these cases' and carriers' pages (a preview's quick update)
    memo: dict[tuple, object] = field(default_factory=dict, repr=False)
    html_cache: dict = field(default_factory=dict, repr=False)

    def share(self, records: list) -> list:
        """The records whose pages this process renders (every n-th, so costs even out)."""
        index, count = self.shard
        return records[index::count]

    def cases_to_render(self) -> list[Case]:
        """This process's share of the cases in pinyin order; only those in `focus` when it is set
        (a preview's quick update: without sorting every case first)."""
        if self.focus is not None:
            return [self.corpus.cases[i] for i in sorted(self.focus) if i in self.corpus.cases]
        return self.share(self.cases_sorted)

    def carriers_to_render(self) -> list[Carrier]:
        if self.focus is not None:
            return [self.corpus.carriers[i] for i in sorted(self.focus) if i in self.corpus.carriers]
        return self.share(self.carriers_sorted)

    def prepare(self) -> Site:
        """Build the shared lookups now (before the work is split between processes)."""
        for name in ("index", "batches", "overview", "overview_by_type", "cases_sorted", "carriers_sorted", "cases_by",
                     "carriers_by_type", "referenced_by", "superseded_from", "adoption_count", "children",
                     "derived_from", "batch_keys", "flows_by_carrier", "targets_by_carrier", "periods"):
            getattr(self, name)
        return self

    # --- lookups, built once --------------------------------------------------------------

    @cached_property
    def index(self):
        return index_of(self.corpus)

    @cached_property
    def batches(self) -> dict[str, BatchInfo]:
        return {info.key: info for info in batches(self.corpus)}

    @cached_property
    def overview(self) -> list[CarrierSummary]:
        """One summary line per carrier (cases originated, adopted, …), in the usual carrier order."""
        return carrier_overview(self.corpus)

    @cached_property
    def overview_by_type(self) -> dict[str, list[CarrierSummary]]:
        """primary carrier type -> summaries of its carriers."""
        grouped: dict[str, list[CarrierSummary]] = defaultdict(list)
        for row in self.overview:
            grouped[primary_type(self.corpus.carriers.get(row.carrier_id))].append(row)
        return grouped

    @cached_property
    def cases_sorted(self) -> list[Case]:
        """All cases in pinyin order of their titles (how officials look names up)."""
        return sorted(self.corpus.cases.values(), key=lambda c: (pinyin_key(c.title), c.id))

    @cached_property
    def carriers_sorted(self) -> list[Carrier]:
        return sorted(self.corpus.carriers.values(), key=self.carrier_sort_key)

    def carrier_sort_key(self, carrier: Carrier) -> tuple:
        types = vocab("carrier_type").values
        kind = primary_type(carrier)
        return (types.index(kind) if kind in types else len(types), pinyin_key(carrier.display_name), carrier.id)

    @cached_property
    def cases_by(self) -> dict[str, dict[str, list[Case]]]:
        """vocabulary -> value -> cases (pinyin order), for the index pages."""
        grouped: dict[str, dict[str, list[Case]]] = {name: defaultdict(list) for name in
                                                     ("category", "linkage", "recognition_level")}
        for case in self.cases_sorted:
            for value in case.categories:
                grouped["category"][value].append(case)
            for value in case.linkage:
                grouped["linkage"][value].append(case)
            for level in dict.fromkeys(r.level for r in case.recognitions):
                grouped["recognition_level"][level].append(case)
        return grouped

    @cached_property
    def carriers_by_type(self) -> dict[str, list[Carrier]]:
        grouped: dict[str, list[Carrier]] = defaultdict(list)
        for carrier in self.carriers_sorted:
            for kind in carrier.types:
                grouped[kind].append(carrier)
        return grouped

    @cached_property
    def referenced_by(self) -> dict[str, list[str]]:
        """case id -> cases that list it as related."""
        found: dict[str, list[str]] = defaultdict(list)
        for case in self.cases_sorted:
            for other in case.related:
                found[other].append(case.id)
        return found

    @cached_property
    def superseded_from(self) -> dict[str, list[str]]:
        """case id -> cases it superseded."""
        found: dict[str, list[str]] = defaultdict(list)
        for case in self.cases_sorted:
            if case.superseded_by:
                found[case.superseded_by].append(case.id)
        return found

    @cached_property
    def adoption_count(self) -> dict[str, int]:
        """case id -> carriers whose current record is an adoption."""
        return {case_id: sum(r.status in ADOPTED for r in records.values())
                for case_id, records in self.index.current.items()}

    @cached_property
    def children(self) -> dict[str, list[Carrier]]:
        found: dict[str, list[Carrier]] = defaultdict(list)
        for carrier in self.carriers_sorted:
            if carrier.parent:
                found[carrier.parent].append(carrier)
        return found

    @cached_property
    def derived_from(self) -> dict[str, list[CaseLink]]:
        """case id -> adoption records in other cases that name it as their model (learned_from.case)."""
        found: dict[str, list[CaseLink]] = defaultdict(list)
        for case in self.cases_sorted:  # read off the records' summaries: no record is built for this
            for _, learned, carrier in case.learned_cases():
                if learned != case.id:
                    found[learned].append(CaseLink(case.id, case.title, carrier))
        return found

    def lineage(self, case: Case) -> Lineage:
        """`replication.lineage`, asked of a corpus holding just this case: its search for the cases
        that learned from this one walks every record of every case, which over a whole site grows
        with the square of its size; those reverse links come from one index (`derived_from`)."""
        alone = Corpus(self.corpus.root, {case.id: case}, self.corpus.carriers)
        tree = lineage(alone, case.id)
        tree.derived = self.derived_from.get(case.id, [])
        return tree

    @cached_property
    def flows_by_carrier(self) -> dict[str, list[CarrierFlow]]:
        """carrier id -> the carrier-level flows it is an end of (or whose file records them)."""
        found: dict[str, list[CarrierFlow]] = defaultdict(list)
        for flow in sorted(self.corpus.carrier_flows(), key=lambda f: (sort_date(f.date), f.recorded_in, f.index)):
            for carrier_id in dict.fromkeys(c for c in (flow.source_carrier, flow.target_carrier, flow.recorded_in)
                                            if c):
                found[carrier_id].append(flow)
        return found

    @cached_property
    def periods(self) -> dict[tuple[str, str], list[Adoption]]:
        """(case id, carrier id) -> that carrier's records of the case, oldest first, where there
        are several (a history of periods); built in one pass over every record."""
        found: dict[tuple[str, str], list[Adoption]] = defaultdict(list)
        for case in self.corpus.cases.values():
            if len(case.adoptions) > len(self.index.current.get(case.id, ())):
                for record in case.adoptions:
                    found[case.id, record.carrier].append(record)
        return {key: adoptions_in_date_order(records) for key, records in found.items() if len(records) > 1}

    @cached_property
    def targets_by_carrier(self) -> dict[str, list[tuple[str, TargetProgress]]]:
        """carrier id -> (batch key, its progress) for every batch that expects it to adopt cases."""
        found: dict[str, list[tuple[str, TargetProgress]]] = defaultdict(list)
        for key in self.batches:
            for target in self.batch_progress(key).targets:
                found[target.carrier_id].append((key, target))
        return found

    # --- queries asked by more than one page or document, answered once --------------------

    def batch_progress(self, key: str) -> BatchProgress:
        return self._memo(("batch", key), lambda: batch_progress(self.corpus, key))

    def _memo(self, key: tuple, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    # --- helpers for templates ---------------------------------------------------------------

    def linker(self, page: str) -> Linker:
        return Linker(page, self.corpus, self.batch_keys)

    @cached_property
    def batch_keys(self) -> frozenset[str]:
        return frozenset(self.batches)

    def render(self, template: str, page: str, up: Crumbs | None = (), **context: object) -> str:
        """A page from its template, with `site`, `link` (relative links) and `h` (HTML pieces).
        `up` are the pages between the home page and this one, (title, source path): the theme
        shows home › up… › this page's title as the breadcrumb trail (none when `up` is None)."""
        link = self.linker(page)
        trail = []
        if up is not None:
            trail = [("首页", link.to(links.HOME)), *((t, link.to(src)) for t, src in up), (context["title"], None)]
        return environment().get_template(template).render(site=self, link=link, h=Html(link, self.html_cache),
                                                           crumbs=trail, **context)

    def carrier_name(self, carrier_id: str | None) -> str:
        return self.corpus.carrier_name(carrier_id) if carrier_id else ""

    def case_title(self, case_id: str | None) -> str:
        case = self.corpus.cases.get(case_id or "")
        return case.title if case else (case_id or "")

    @property
    def full_text_search(self) -> bool:
        return len(self.corpus.cases) <= FULL_TEXT_SEARCH_MAX_CASES

    @property
    def text_search_attr(self) -> Markup:
        """Marks a case's long texts as left out of the search index on a large site."""
        return Markup("") if self.full_text_search else Markup(" data-search-exclude")

    def pinyin(self, titles: list[str], words: Iterable[str]) -> str:
        """Pinyin and initials for the browser search (`duoshilianyun`, `dsly` find 多式联运), as
        `ftzkb search` indexes them: every suffix of a title's Han runs on a site small enough for
        full-text search, only whole runs and tags beyond (each suffix costs index size)."""
        if not self.full_text_search:
            words, titles = [*titles, *words], []
        full, initials = pinyin_tokens(titles, words)
        return " ".join(dict.fromkeys([*initials, *full]))

    @property
    def notice(self) -> str | None:
        """What every page, download and API document of a demo site says about itself."""
        return SYNTHETIC_NOTICE if self.synthetic else None

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def version_line(self) -> str:
        return f"{self.data_version}（{self.build_date:%Y-%m-%d}）"

    def recent_cases(self, limit: int) -> list[tuple[Case, dt.date | None, str]]:
        """The most recently changed cases: from git history when there is one, otherwise by the
        newest dated event in the data (adoption or recognition). (case, date, what)"""
        if self.history:
            changed = [(c, self.history[c.id]) for c in self.corpus.cases.values() if c.id in self.history]
            changed.sort(key=lambda item: (item[1].updated, item[0].id), reverse=True)
            return [(case, h.updated.date(), "new" if h.created == h.updated else "changed")
                    for case, h in changed[:limit]]
        dated = [(case, latest_event(case)) for case in self.corpus.cases.values()]
        dated.sort(key=lambda item: (item[1] or dt.date.min, item[0].id), reverse=True)
        return [(case, when, "event") for case, when in dated[:limit]]


def latest_event(case: Case) -> dt.date | None:
    texts = [case.started, *(a.date for a in case.adoptions), *(r.date for r in case.recognitions)]
    known = [d.latest for t in texts if (d := dates.parse_date(t)) is not None]
    return max(known, default=None)


def adoptions_in_date_order(adoptions: Iterable[Adoption]) -> list[Adoption]:
    return sorted(adoptions, key=lambda a: (sort_date(a.date), a.index))
