"""The replication tree of one case: from the origin through the learned-from links.

An adopter whose record names no carrier it learned from hangs under the origin with
`link="direct"` (assumed, not recorded); `link="learned"` marks a recorded link. A carrier
named as a teacher but holding no record of its own appears with `link="unrecorded"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from ftzkb.load.model import Adoption, Corpus
from ftzkb.replication.core import current_records, sort_date

ORIGIN, LEARNED, DIRECT, UNRECORDED = "origin", "learned", "direct", "unrecorded"


@dataclass
class LineageNode:
    carrier_id: str
    name: str
    link: str
    status: str | None = None
    date: str | None = None
    mandate: str | None = None
    mandated_by: str | None = None
    learned_from_case: str | None = None
    history: list[dict] = field(default_factory=list)  # earlier periods of the same carrier
    children: list[LineageNode] = field(default_factory=list)


@dataclass(frozen=True)
class CaseLink:
    case_id: str
    title: str
    carrier_id: str


@dataclass
class Lineage:
    case_id: str
    title: str
    root: LineageNode
    learned_from_cases: list[CaseLink]  # records here that name another case as their model
    derived: list[CaseLink]  # records in other cases that name this case as their model

    def walk(self) -> Iterator[tuple[int, LineageNode]]:
        """Depth-first, children in date order: (depth, node)."""
        stack = [(0, self.root)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, child) for child in reversed(node.children))

    def as_dict(self) -> dict:
        return asdict(self)


def lineage(corpus: Corpus, case_id: str) -> Lineage:
    """Raises KeyError for an unknown case."""
    case = corpus.cases[case_id]
    records = current_records(case)
    nodes = {carrier: _node(corpus, carrier, record, case.adoptions) for carrier, record in records.items()}
    root = LineageNode(case.origin_carrier, corpus.carrier_name(case.origin_carrier), ORIGIN, date=case.started)
    nodes.setdefault(case.origin_carrier, root)
    for carrier, record in sorted(records.items(), key=lambda item: (sort_date(item[1].date), item[0])):
        node = nodes[carrier]
        if node is root:  # the origin also holds a record (a data error the rules report): keep it as root
            continue
        teacher = record.learned_from_carrier
        if teacher and teacher not in nodes:
            nodes[teacher] = LineageNode(teacher, corpus.carrier_name(teacher), UNRECORDED)
            root.children.append(nodes[teacher])
        parent = nodes[teacher] if teacher and not _creates_cycle(nodes, records, carrier, teacher) else root
        if parent is not root:
            node.link = LEARNED
        parent.children.append(node)
    return Lineage(case.id, case.title, root, _learned_cases(corpus, case_id, records), _derived(corpus, case_id))


def _node(corpus: Corpus, carrier: str, record: Adoption, all_records: tuple[Adoption, ...]) -> LineageNode:
    history = [{"status": r.status, "date": r.date, "until": r.until}
               for r in all_records if r.carrier == carrier and r is not record]
    link = LEARNED if record.learned_from_carrier else DIRECT
    return LineageNode(carrier, corpus.carrier_name(carrier), link, record.status, record.date, record.mandate,
                       record.mandated_by, record.learned_from_case, history)


def _creates_cycle(nodes: dict, records: dict[str, Adoption], carrier: str, teacher: str) -> bool:
    """True when following learned-from links up from `teacher` comes back to `carrier`."""
    seen = {carrier}
    current: str | None = teacher
    while current is not None and current in records:
        if current in seen:
            return True
        seen.add(current)
        current = records[current].learned_from_carrier
    return current in seen


def _learned_cases(corpus: Corpus, case_id: str, records: dict[str, Adoption]) -> list[CaseLink]:
    return [CaseLink(r.learned_from_case, _title(corpus, r.learned_from_case), carrier)
            for carrier, r in records.items() if r.learned_from_case and r.learned_from_case != case_id]


def _derived(corpus: Corpus, case_id: str) -> list[CaseLink]:
    return [CaseLink(other.id, other.title, record.carrier)
            for other in corpus.cases.values() if other.id != case_id
            for record in other.adoptions if record.learned_from_case == case_id]


def _title(corpus: Corpus, case_id: str) -> str:
    case = corpus.cases.get(case_id)
    return case.title if case else case_id
