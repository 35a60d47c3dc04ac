"""The static JSON API under api/v1/: one document per case and per carrier, plus indexes.
Its shape is documented on the downloads page (templates/downloads.md.j2); API_VERSION
changes when a field is removed or changes meaning (adding a field does not)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import IO, Any

from ftzkb.load.model import PUBLIC, Adoption, Carrier, Case, Source, Text
from ftzkb.replication import ADOPTED, GapReport
from ftzkb.replication.core import current_records
from ftzkb.site import links
from ftzkb.site.context import Site
from ftzkb.vocab import vocabularies

API_VERSION = 1
GAPS_IN_API = 100


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(data: Any, notice: str | None = None) -> str:
    """Compact: without indentation Python's JSON encoder runs in C, five times faster, and
    browsers and `jq` lay the documents out for reading anyway. A `notice` (a demo site's) goes
    first into the document, or into every record of a list."""
    if notice:
        if isinstance(data, dict):
            data = {"notice": notice, **data}
        elif isinstance(data, list):
            data = [_noticed(item, notice) for item in data]
    return _ENCODER.encode(data) + "\n"


class JsonList:
    """`dumps` of a list, written to `stream` an item at a time (the same text); `close` ends it."""

    def __init__(self, stream: IO[str], notice: str | None = None) -> None:
        self._stream, self._notice, self._separator = stream, notice, ""
        stream.write("[")

    def write(self, item: Any) -> None:
        self._stream.write(self._separator)
        self._stream.write(_ENCODER.encode(_noticed(item, self._notice) if self._notice else item))
        self._separator = ","

    def close(self) -> None:
        self._stream.write("]\n")


def _noticed(item: Any, notice: str) -> Any:
    return {"notice": notice, **item} if isinstance(item, dict) else item


def api_files(site: Site) -> Iterator[tuple[str, str]]:
    """The indexes; each case's and carrier's document is made with its page."""
    base = links.API
    yield f"{base}/index.json", dumps(api_index(site), site.notice)
    yield f"{base}/cases/index.json", dumps([case_summary(site, c) for c in site.cases_sorted], site.notice)
    yield f"{base}/carriers/index.json", dumps([carrier_summary(site, c) for c in site.carriers_sorted], site.notice)
    yield f"{base}/batches.json", dumps([batch_document(site, key) for key in site.batches], site.notice)
    yield f"{base}/vocab.json", dumps({name: {"title": v.title_zh, "values": list(v.values), "labels": v.labels}
                                       for name, v in vocabularies().items()}, site.notice)


def api_index(site: Site) -> dict:
    return {
        "api_version": API_VERSION, "data_version": site.data_version, "date": site.build_date.isoformat(),
        "audience": site.audience,
        "counts": {"cases": len(site.corpus.cases), "carriers": len(site.corpus.carriers),
                   "adoption_records": sum(len(c.adoptions) for c in site.corpus.cases.values()),
                   "batches": len(site.batches)},
        "documents": {"cases": "cases/index.json", "case": "cases/{id}.json", "carriers": "carriers/index.json",
                      "carrier": "carriers/{id}.json", "batches": "batches.json", "vocabularies": "vocab.json",
                      "matrix": "matrix.json"},
    }


def _page(kind: str, record_id: str) -> str:
    """The record's page, relative to api/v1/<kind>/ (where its document lives)."""
    return f"../../../{links.url_of(f'{kind}/{record_id}.md')}"


def case_summary(site: Site, case: Case) -> dict:
    return {"id": case.id, "title": case.title, "title_en": case.title_en, "origin": case.origin_carrier,
            "started": case.started, "categories": list(case.categories), "linkage": list(case.linkage),
            "recognitions": [r.batch_key or r.level for r in case.recognitions], "lifecycle": case.lifecycle,
            "adopters": site.adoption_count[case.id], "audience": case.audience,
            "document": f"{case.id}.json", "page": f"../../{links.url_of(links.case_page(case.id))}"}


def _text(value: Text | None) -> str | dict | None:
    """Texts as the YAML writes them: a string, or {text, audience} when internal."""
    if value is None:
        return None
    return value.text if value.audience == PUBLIC else {"text": value.text, "audience": value.audience}


def _source(source: Source) -> dict:
    return {k: v for k, v in dataclasses.asdict(source).items() if v is not None}


def _adoption(site: Site, record: Adoption) -> dict:
    learned = {k: v for k, v in (("carrier", record.learned_from_carrier), ("case", record.learned_from_case)) if v}
    return {"carrier": record.carrier, "carrier_name": site.carrier_name(record.carrier), "status": record.status,
            "date": record.date, "until": record.until, "mandate": record.mandate, "mandated_by": record.mandated_by,
            "learned_from": learned or None, "evidence": [_source(s) for s in record.evidence],
            "note": _text(record.note), "audience": record.audience}


def case_document(site: Site, case: Case) -> dict:
    return {
        "id": case.id, "title": case.title, "title_en": case.title_en, "summary": case.summary,
        "problem": _text(case.problem), "measures": _text(case.measures), "outcomes": _text(case.outcomes),
        "origin": {"carrier": case.origin_carrier, "carrier_name": site.carrier_name(case.origin_carrier),
                   "unit": case.origin_unit, "started": case.started},
        "categories": list(case.categories), "linkage": list(case.linkage), "tags": list(case.tags),
        "recognitions": [{**{k: v for k, v in dataclasses.asdict(r).items() if k != "note"},
                          "batch_key": r.batch_key, "note": _text(r.note)} for r in case.recognitions],
        "preconditions": {"carrier_types": list(case.suited_carrier_types), "scope": case.replication_scope,
                          "note": _text(case.preconditions_note)},
        "sources": [_source(s) for s in case.sources], "related": list(case.related),
        "lifecycle": {"status": case.lifecycle, "superseded_by": case.superseded_by,
                      "note": _text(case.lifecycle_note)},
        "note": _text(case.note), "audience": case.audience,
        "adopters": sum(r.status in ADOPTED for r in current_records(case).values()),
        "adoptions": [_adoption(site, a) for a in case.adoptions],
        "page": _page("cases", case.id), "data_version": site.data_version,
    }


def carrier_summary(site: Site, carrier: Carrier) -> dict:
    return {"id": carrier.id, "name": carrier.name, "short_name": carrier.short_name, "types": list(carrier.types),
            "parent": carrier.parent, "province": carrier.province, "city": carrier.city,
            "originated": len(site.index.originated_by.get(carrier.id, [])),
            "adopted": len(site.index.adopted_by.get(carrier.id, [])), "audience": carrier.audience,
            "document": f"{carrier.id}.json", "page": f"../../{links.url_of(links.carrier_page(carrier.id))}"}


def carrier_document(site: Site, carrier: Carrier, report: GapReport) -> dict:
    """Made together with the carrier's page (`pages.carrier`), which computes its gaps once for both."""
    return {
        "id": carrier.id, "name": carrier.name, "short_name": carrier.short_name, "name_en": carrier.name_en,
        "types": list(carrier.types), "parent": carrier.parent, "city": carrier.city, "province": carrier.province,
        "established": carrier.established, "dates": [{"date": d, "event": e} for d, e in carrier.dates],
        "area_km2": carrier.area_km2, "membership": carrier.membership,
        "sources": [_source(s) for s in carrier.sources],
        "reported_figures": [{**dataclasses.asdict(f), "source": _source(f.source)} for f in carrier.reported_figures],
        "note": _text(carrier.note), "audience": carrier.audience,
        "originated": [c.id for c in site.index.originated_by.get(carrier.id, [])],
        "adopted": [{"case": c.id, "status": r.status, "date": r.date, "mandate": r.mandate}
                    for c, r in site.index.adopted_by.get(carrier.id, [])],
        "gaps": {"eligible": report.eligible, "adopted": report.adopted, "total": report.total,
                 "top": [{"case": g.case_id, "mandated_by": list(g.mandated_by), "status": g.status,
                          "peers_adopted": g.peers_adopted, "adopters": g.adopters}
                         for g in report.gaps[:GAPS_IN_API]]},
        "page": _page("carriers", carrier.id), "data_version": site.data_version,
    }


def batch_document(site: Site, key: str) -> dict:
    progress = site.batch_progress(key)
    info = progress.batch
    return {"key": key, "level": info.level, "batch": info.batch, "date": info.date, "issuer": info.issuer,
            "document": info.document, "cases": list(info.cases), "rate": progress.rate,
            "targets": [{"carrier": t.carrier_id, "expected": len(t.expected), "adopted": len(t.adopted),
                         "in_progress": len(t.in_progress), "rate": t.rate} for t in progress.targets]}

