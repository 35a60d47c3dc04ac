"""The full adoption matrix (cases × carriers) and the origin × adopter flow matrix.

The matrix page is a shell: its rows come from `api/v1/matrix.json` (a compact form of
`replication.adoption_matrix`) and are drawn and filtered in the browser by
`assets/ftzkb/ftzkb.js`, so the page stays small however many cases there are."""

from __future__ import annotations

from collections.abc import Iterator

from ...replication import FTZ_TYPES, Flow, adoption_matrix, flow_matrix, is_ftz
from ...replication.core import primary_type, sort_date
from ...vocab import vocab
from .. import links
from ..context import Site
from ..templating import batch_name
from .api import dumps
from .stats import DIRECTION_LABELS, DIRECTIONS_NOTE

MATRIX_JSON = f"{links.API}/matrix.json"
FLOW_CARRIERS_SHOWN = 30  # per axis on the flow page; the rest is in the downloads


def matrix_pages(site: Site) -> Iterator[tuple[str, str]]:
    data = matrix_data(site)
    yield MATRIX_JSON, dumps(data, site.notice).rstrip("\n")
    link = site.linker(links.MATRIX)
    yield links.MATRIX, site.render("matrix.md.j2", links.MATRIX, title="复制推广矩阵", data=data,
                                    src=link.to(MATRIX_JSON), case_url=link.to(links.case_page("ID")),
                                    carrier_url=link.to(links.carrier_page("ID")))
    yield from flow_pages(site)


def matrix_data(site: Site) -> dict:
    """Cases (rows) and carriers (columns) with the codes the filters work on. A cell is
    [column, status index, date]."""
    matrix = adoption_matrix(site.corpus)
    statuses = list(vocab("adoption_status").values)
    column = {carrier_id: i for i, carrier_id in enumerate(matrix.carriers)}
    carriers = [_column(site, c, matrix.carrier_names[c]) for c in matrix.carriers]
    rows = []
    for row in matrix.rows:
        case = site.corpus.cases[row.case_id]
        origin = site.corpus.carriers.get(row.origin)
        rows.append({"id": row.case_id, "title": row.title, "origin": row.origin,
                     "originName": site.carrier_name(row.origin), "originType": primary_type(origin),
                     "categories": list(row.categories),
                     "recognitions": sorted({r.level for r in case.recognitions} | set(case.batch_keys)),
                     "cells": [[column[c], statuses.index(cell.status), cell.date] for c, cell in row.cells.items()]})
    return {"statuses": statuses, "carriers": carriers, "cases": rows, "filters": _filter_options(site)}


def _column(site: Site, carrier_id: str, name: str) -> dict:
    carrier = site.corpus.carriers.get(carrier_id)
    return {"id": carrier_id, "name": name, "type": primary_type(carrier),
            "types": list(carrier.types if carrier else ()), "ftz": is_ftz(carrier)}


def _filter_options(site: Site) -> dict[str, list[list[str]]]:
    """[value, label] pairs for each filter, in vocabulary order, only values that occur."""
    cases = site.corpus.cases.values()
    used_categories = {c for case in cases for c in case.categories}
    origins = [[c.id, c.display_name] for c in site.carriers_sorted if is_ftz(c) and site.index.originated_by.get(c.id)]
    origin_types = {primary_type(site.corpus.carriers.get(case.origin_carrier)) for case in cases}
    levels = {r.level for case in cases for r in case.recognitions}
    return {
        "category": [[v, vocab("category").label(v, "zh")] for v in vocab("category").values if v in used_categories],
        "origin": origins + [[f"type:{t}", "其他：" + vocab("carrier_type").label(t, "zh")]
                             for t in vocab("carrier_type").values if t in origin_types - FTZ_TYPES],
        "carrierType": [[t, vocab("carrier_type").label(t, "zh")] for t in vocab("carrier_type").values
                        if site.carriers_by_type.get(t)],
        "recognition": [[v, vocab("recognition_level").label(v, "zh")] for v in vocab("recognition_level").values
                        if v in levels] + [[k, batch_name(k)] for k in site.batches],
        "status": [[s, vocab("adoption_status").label(s, "zh")] for s in vocab("adoption_status").values],
    }


def flow_pages(site: Site) -> Iterator[tuple[str, str]]:
    by_type = flow_matrix(site.corpus, "type")
    by_carrier = flow_matrix(site.corpus, "carrier")
    origins, adopters = _busiest(by_carrier)
    yield links.FLOW, site.render("flow.md.j2", links.FLOW, title="流向矩阵", by_type=by_type, by_carrier=by_carrier,
        origins=origins, adopters=adopters, shown=FLOW_CARRIERS_SHOWN, direction_labels=DIRECTION_LABELS,
        directions_note=DIRECTIONS_NOTE, flows=reported_flows(site))


def reported_flows(site: Site) -> list:
    """Every carrier-level flow, by date."""
    return sorted(site.corpus.carrier_flows(), key=lambda f: (sort_date(f.date), f.recorded_in, f.index))


def _busiest(flow: Flow) -> tuple[list[str], list[str]]:
    """The carriers with the most flows on each axis (kept in the usual carrier order)."""
    out: dict[str, int] = {}
    into: dict[str, int] = {}
    for (origin, adopter), count in flow.counts.items():
        out[origin] = out.get(origin, 0) + count
        into[adopter] = into.get(adopter, 0) + count
    top_out = set(sorted(out, key=lambda c: -out[c])[:FLOW_CARRIERS_SHOWN])
    top_in = set(sorted(into, key=lambda c: -into[c])[:FLOW_CARRIERS_SHOWN])
    return [c for c in flow.origins if c in top_out], [c for c in flow.adopters if c in top_in]
