"""What the index holds: its whoosh schema and one document per case or carrier.

Filters work from stored index fields alone (a fresh index answers without loading the corpus),
so a case document carries its origin carrier's name and types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, FieldType, Schema

from ftzkb.search.analyzer import BigramText, token_field
from ftzkb.search.pinyin import aligned_syllables, pinyin_tokens

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Case, Corpus

CASE, CARRIER = "case", "carrier"

# Searchable text fields and their weight in the ranking (BM25F field boosts).
TEXT_FIELDS: dict[str, float] = {
    "title": 5.0, "tags": 3.0, "summary": 2.0, "title_en": 2.0, "problem": 1.0, "measures": 1.0,
    "outcomes": 1.0, "note": 0.7, "sources": 0.3,
}
# Fields that only say where a case is documented (source titles and publishers, recognition
# documents and issuers): a hit found only there is marked as such and ranked below the others.
SOURCE_FIELDS = ("sources",)
SHORT_FIELDS = ("title", "tags")
LATIN_ONLY_FIELDS = ("title_en",)  # not searched for Han words  # fields that also index the last character of each run
PINYIN_FIELDS: dict[str, float] = {"pinyin": 3.0, "initials": 3.0}
# Stored text a snippet may come from, in order of preference.
SNIPPET_FIELDS = ("summary", "measures", "outcomes", "problem", "tags", "note", "sources")


def schema() -> Schema:
    fields: dict[str, FieldType] = {name: BigramText(boost, stored=True, tails=name in SHORT_FIELDS)
                              for name, boost in TEXT_FIELDS.items()}
    fields |= {name: token_field(boost) for name, boost in PINYIN_FIELDS.items()}
    return Schema(
        key=ID(unique=True, stored=True), kind=ID(stored=True), id=ID(stored=True), path=STORED,
        origin=ID(stored=True), origin_name=STORED, carrier_type=KEYWORD(stored=True, commas=True),
        suits=KEYWORD(commas=True), category=KEYWORD(stored=True, commas=True),
        recognition=KEYWORD(stored=True, commas=True), status=ID(stored=True),
        year=NUMERIC(stored=True, bits=32), started=STORED, title_syllables=STORED, **fields)


def doc_key(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id}"


def case_document(case: Case, corpus: Corpus, path: str) -> dict[str, object]:
    origin = corpus.carriers.get(case.origin_carrier)
    start = case.start
    full, initials = pinyin_tokens([case.title], case.tags)
    notes = [corpus.carrier_name(case.origin_carrier), origin.name if origin else None, case.origin_unit,
             case.note, case.preconditions_note, case.lifecycle_note]
    sources = [*(r.document for r in case.recognitions), *(r.issuer for r in case.recognitions),
               *(text for s in case.sources for text in (s.title, s.publisher, s.document))]
    document: dict[str, object] = {
        "key": doc_key(CASE, case.id), "kind": CASE, "id": case.id, "path": path,
        "title": case.title, "title_en": case.title_en or "", "tags": "\n".join(case.tags),
        "summary": case.summary, "problem": _text(case.problem), "measures": _text(case.measures),
        "outcomes": _text(case.outcomes), "note": _join(notes), "sources": _join(sources),
        "pinyin": " ".join(full), "initials": " ".join(initials), "title_syllables": aligned_syllables(case.title),
        "origin": case.origin_carrier, "origin_name": corpus.carrier_name(case.origin_carrier),
        "carrier_type": ",".join(origin.types) if origin else "", "suits": ",".join(case.suited_carrier_types),
        "category": ",".join(case.categories), "recognition": ",".join(_recognition_keys(case)),
        "status": case.lifecycle, "started": case.started,
    }
    if start is not None:  # "<=2020-08" counts as 2020: known by then, the nearest year the data gives
        document["year"] = start.year
    return document


def carrier_document(carrier: Carrier, path: str) -> dict[str, object]:
    full, initials = pinyin_tokens([carrier.name], [carrier.short_name or ""])
    figures = [f.label for f in carrier.reported_figures]
    return {
        "key": doc_key(CARRIER, carrier.id), "kind": CARRIER, "id": carrier.id, "path": path,
        "title": carrier.name, "title_en": carrier.name_en or "", "tags": carrier.short_name or "",
        "summary": _text(carrier.note),
        "note": _join([carrier.city, carrier.province, *figures, *(event for _, event in carrier.dates)]),
        "sources": _join([text for s in carrier.sources for text in (s.title, s.publisher, s.document)]),
        "pinyin": " ".join(full), "initials": " ".join(initials),
        "title_syllables": aligned_syllables(carrier.name), "carrier_type": ",".join(carrier.types),
    }


def _recognition_keys(case: Case) -> list[str]:
    keys = {r.level for r in case.recognitions} | set(case.batch_keys)
    return sorted(keys)


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _join(parts: Iterable[object]) -> str:
    return "\n".join(str(p) for p in parts if p)
