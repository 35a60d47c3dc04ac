"""One page per carrier: the cases it originated, the cases it adopted (with the history of its
periods), its gaps (eligible, not adopted yet, ranked as `ftzkb gaps` ranks them), its batch
progress, the replication flows sources report without naming cases, the outcome figures of its
adoptions and a comparison with its peers; and its briefing for print (打印简报, A4)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ftzkb.load.model import Adoption, Carrier, CarrierFlow, Case, OutcomeFigure
from ftzkb.replication import CarrierStats, CarrierSummary, GapReport, TargetProgress, carrier_stats, gaps
from ftzkb.replication.core import primary_type, sort_date
from ftzkb.site import links
from ftzkb.site.context import Site
from ftzkb.site.links import carrier_page
from ftzkb.site.pages.api import GAPS_IN_API, carrier_document, dumps
from ftzkb.vocab import label

GAPS_SHOWN = 50
PEERS_SHOWN = 20
LIST_SHOWN = 100  # cases originated or adopted listed on the page; all of them are in its JSON and the downloads
# The briefing fits a few A4 pages: it lists this many of each (the page says how many there are in all).
BRIEF_LIST = 15
BRIEF_GAPS = 10
BRIEF_PEERS = 8


@dataclass
class AdoptedCase:
    case: Case
    record: Adoption  # the current period
    periods: list[Adoption]  # all of this carrier's periods for the case, oldest first


@dataclass
class Outcome:
    case: Case
    record: Adoption
    figure: OutcomeFigure


@dataclass
class PeerTable:
    carrier_type: str
    rows: list[CarrierSummary]  # the strongest peers, and the carrier itself
    total: int
    rank: int | None  # 1 + peers with more cases adopted (then originated); None: nothing to rank it by
    tied: int = 0  # other peers with the same figures


@dataclass
class CarrierView:
    carrier: Carrier
    stats: CarrierStats
    gaps: GapReport
    originated: list[Case]
    adopted: list[AdoptedCase]  # newest first
    peers: PeerTable
    flows: list[CarrierFlow]  # reported or planned replication between carriers, naming no case
    targets: list[tuple[str, TargetProgress]]  # (batch key, its progress here) for the batches that expect it
    outcomes: list[Outcome]

    @property
    def mandated_gaps(self) -> list:
        return [g for g in self.gaps.gaps if g.mandated_by]

    @property
    def best_gaps(self) -> list:
        return [g for g in self.gaps.gaps if not g.mandated_by]

    @property
    def has_records(self) -> bool:
        """Whether any adoption record (case by case) involves this carrier, either way."""
        return bool(self.adopted) or self.stats.outward > 0


def carrier_pages(site: Site) -> Iterator[tuple[str, str]]:
    """Each carrier's page and its API document (both need its gaps, computed once); this
    process's share of them (`Site.share`)."""
    for carrier in site.carriers_to_render():
        page = carrier_page(carrier.id)
        view = carrier_view(site, carrier)
        yield page, site.render("carrier.md.j2", page, up=carrier_crumbs(carrier), carrier=carrier, view=view,
                                title=carrier.name, gaps_shown=GAPS_SHOWN, list_shown=LIST_SHOWN,
                                pinyin=site.pinyin([carrier.name], [carrier.short_name or ""]))
        brief = links.briefing_page(carrier.id)
        yield brief, site.render("briefing.md.j2", brief, up=[*carrier_crumbs(carrier), (carrier.name, page)],
                                 carrier=carrier, view=view, title=f"{carrier.name}：打印简报", shown=BRIEF_LIST,
                                 gaps_shown=BRIEF_GAPS, peers_shown=BRIEF_PEERS)
        yield f"{links.API}/carriers/{carrier.id}.json", dumps(carrier_document(site, carrier, view.gaps), site.notice)


def carrier_crumbs(carrier: Carrier) -> list[tuple[str, str]]:
    kind = primary_type(carrier)
    return [("全部载体", links.CARRIERS_INDEX),
            (label("carrier_type", kind, "zh"), links.vocab_page("carrier_type", kind))]


def carrier_view(site: Site, carrier: Carrier) -> CarrierView:
    current = sorted(site.index.adopted_by.get(carrier.id, []), key=lambda item: (sort_date(item[1].date), item[0].id),
                     reverse=True)
    adopted = [AdoptedCase(case, record, site.periods.get((case.id, carrier.id), [record])) for case, record in current]
    originated = sorted(site.index.originated_by.get(carrier.id, []), key=lambda c: (sort_date(c.started), c.id),
                        reverse=True)
    described = gaps(site.corpus, carrier.id, limit=max(GAPS_SHOWN, GAPS_IN_API))
    outcomes = [Outcome(item.case, period, figure) for item in adopted for period in item.periods
                for figure in period.outcome_figures]
    return CarrierView(carrier, carrier_stats(site.corpus, carrier.id), described, originated, adopted,
                       peer_table(site, carrier), site.flows_by_carrier.get(carrier.id, []),
                       site.targets_by_carrier.get(carrier.id, []), outcomes)



def peer_table(site: Site, carrier: Carrier) -> PeerTable:
    kind = primary_type(carrier)
    same = site.overview_by_type.get(kind, [])
    ranked = sorted(same, key=lambda r: (-r.inward, -r.originated, r.carrier_id))
    place = next((i for i, r in enumerate(ranked) if r.carrier_id == carrier.id), None)
    shown = ranked[:PEERS_SHOWN]
    if place is None:
        return PeerTable(kind, shown, len(same), None)
    if place >= PEERS_SHOWN:
        shown.append(ranked[place])
    own = (ranked[place].inward, ranked[place].originated)
    if own == (0, 0):  # a carrier with no records ties with every other such carrier: no rank to speak of
        return PeerTable(kind, shown, len(same), None)
    better = sum(1 for r in ranked if (r.inward, r.originated) > own)
    tied = sum(1 for r in ranked if (r.inward, r.originated) == own) - 1
    return PeerTable(kind, shown, len(same), better + 1, tied)
