"""Rows of cases, carriers and adoptions, and the adoption matrix as sheets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ftzkb import dates
from ftzkb.i18n import pick
from ftzkb.load.model import PUBLIC, Case, Corpus, Source, Text
from ftzkb.replication import ADOPTED, Flow, Matrix, current_records
from ftzkb.vocab import label, vocab

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int = 14

    def heading(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)


@dataclass
class Sheet:
    """One worksheet. Every sheet gets the same layout: bold frozen heading row with an
    auto-filter, landscape A4 fitted to the page width, the heading repeated on every printed page."""

    title: str
    columns: list[Column]
    rows: list[Row]
    freeze: str = "B2"  # the first cell that scrolls (header row and first column stay)
    fill: Callable[[Row, Column], str | None] | None = None  # background colour (RRGGBB) of a cell
    wrap: bool = False
    title_rows: list[str] = field(default_factory=list)  # lines above the heading row (merged across)
    editable: frozenset[str] = frozenset()  # with `protect`, only these columns can be changed
    protect: bool = False
    choices: dict[str, list[str]] = field(default_factory=dict)  # column key -> drop-down values
    notes: dict[str, str] = field(default_factory=dict)  # column key -> input hint shown on the cell
    hidden_columns: frozenset[str] = frozenset()
    hidden: bool = False  # a sheet for the machine (very hidden: not offered by Excel's Unhide)
    filter: bool = True


# --- rows ------------------------------------------------------------------------------------

def _join(values: Iterable[str]) -> str:
    return "; ".join(v for v in values if v)


def _labels(vocabulary: str, values: Iterable[str], lang: str | None) -> str:
    return _join(label(vocabulary, v, lang) for v in values)


def _text(value: Text | None, public_only: bool) -> str:
    if value is None or (public_only and value.audience != PUBLIC):
        return ""
    return value.text


def _source_ref(source: Source) -> str:
    return source.url or source.document or source.title


def reader_date(text: str | None, lang: str | None = None) -> str:
    """A written date as a reader reads it: 2021-03 as it is, <=2024-04 as 不晚于2024-04,
    unknown as 日期不明; empty when there is none."""
    if not text:
        return ""
    date = dates.parse_date(text)
    if date is None:
        return pick("日期不明", "unknown", lang)
    return pick("不晚于", "by ", lang) + text[2:] if date.no_later_than else text


def _batch(key: str | None, lang: str | None) -> str:
    """`provincial-replication-2` → 全省复制推广（省政府办公厅批次） 第2批."""
    if not key:
        return ""
    level, _, number = key.rpartition("-")
    if not number.isdigit():
        return label("recognition_level", key, lang)
    return pick(f"{label('recognition_level', level, lang)} 第{number}批",
                f"{label('recognition_level', level, lang)}, batch {number}", lang)


CASE_COLUMNS = [
    Column("id", "案例 id", "case id", 28), Column("title", "标题", "title", 40),
    Column("title_en", "英文标题", "English title", 30), Column("summary", "概要", "summary", 60),
    Column("origin", "首创载体 id", "origin carrier id", 20), Column("origin_name", "首创载体", "origin carrier", 20),
    Column("origin_unit", "首创单位", "originating unit", 20), Column("started", "开始日期", "started", 12),
    Column("categories", "改革领域", "categories", 24), Column("linkage", "联动维度", "linkage", 16),
    Column("tags", "标签", "tags", 24), Column("recognitions", "认定与批次", "recognitions", 30),
    Column("carrier_types", "适合的载体类型", "suited carrier types", 24),
    Column("scope", "复制范围", "replication scope", 12), Column("lifecycle", "案例状态", "lifecycle", 10),
    Column("adopters", "已复制载体数", "adopting carriers", 10),
    Column("records", "复制记录数", "adoption records", 10),
    Column("sources", "来源", "sources", 40), Column("audience_label", "公开范围", "audience", 8),
    # codes, for programs and for reading a sheet back
    Column("started_code", "开始日期代码", "started (code)", 12),
    Column("recognition_codes", "认定与批次代码", "recognitions (codes)", 30),
    Column("audience", "公开范围代码", "audience (code)", 8),
]


def case_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> Iterator[Row]:
    """One row per case, in id order; `public_only` leaves out internal cases, records and texts.
    Made as they are read (as are carriers' and adoptions'): 20,000 cases have 400,000 adoptions."""
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        if public_only and case.audience != PUBLIC:
            continue
        records = [r for r in case.adoptions if not public_only or r.audience == PUBLIC]
        adopters = {r.carrier for r in current_records(_with_records(case, records)).values() if r.status in ADOPTED}
        yield {
            "id": case.id, "title": case.title, "title_en": case.title_en or "", "summary": case.summary,
            "origin": case.origin_carrier, "origin_name": corpus.carrier_name(case.origin_carrier),
            "origin_unit": case.origin_unit or "", "started": reader_date(case.started, lang),
            "started_code": case.started,
            "categories": _labels("category", case.categories, lang),
            "linkage": _labels("linkage", case.linkage, lang), "tags": _join(case.tags),
            "recognitions": _join(_batch(r.batch_key or r.level, lang) for r in case.recognitions),
            "recognition_codes": _join(r.batch_key or r.level for r in case.recognitions),
            "carrier_types": _labels("carrier_type", case.suited_carrier_types, lang),
            "scope": label("replication_scope", case.replication_scope, lang),
            "lifecycle": label("lifecycle_status", case.lifecycle, lang),
            "adopters": len(adopters), "records": len(records),
            "sources": _join(_source_ref(s) for s in case.sources),
            "audience_label": label("audience", case.audience, lang), "audience": case.audience,
        }


def _with_records(case: Case, records: list) -> Case:
    return case if len(records) == len(case.adoptions) else replace(case, adoptions=tuple(records))


CARRIER_COLUMNS = [
    Column("id", "载体 id", "carrier id", 24), Column("name", "名称", "name", 36),
    Column("short_name", "简称", "short name", 16), Column("name_en", "英文名称", "English name", 30),
    Column("types", "载体类型", "types", 24), Column("parent_name", "上级载体", "parent", 18),
    Column("city", "城市", "city", 10), Column("province", "省份", "province", 8),
    Column("established", "设立日期", "established", 12), Column("membership", "身份核实", "membership", 10),
    Column("originated", "首创案例数", "cases originated", 10), Column("adopted", "复制案例数", "cases adopted", 10),
    Column("audience_label", "公开范围", "audience", 8),
    Column("parent", "上级载体 id", "parent id", 18),
    Column("established_code", "设立日期代码", "established (code)", 12),
    Column("audience", "公开范围代码", "audience (code)", 8),
]


def carrier_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> Iterator[Row]:
    originated: dict[str, int] = {}
    adopted: dict[str, int] = {}
    for case in corpus.cases.values():
        if public_only and case.audience != PUBLIC:
            continue
        originated[case.origin_carrier] = originated.get(case.origin_carrier, 0) + 1
        for carrier_id, record in current_records(case).items():
            if record.status in ADOPTED and (not public_only or record.audience == PUBLIC):
                adopted[carrier_id] = adopted.get(carrier_id, 0) + 1
    for carrier in sorted(corpus.carriers.values(), key=lambda c: c.id):
        if public_only and carrier.audience != PUBLIC:
            continue
        yield {
            "id": carrier.id, "name": carrier.name, "short_name": carrier.short_name or "",
            "name_en": carrier.name_en or "", "types": _labels("carrier_type", carrier.types, lang),
            "parent_name": corpus.carrier_name(carrier.parent) if carrier.parent else "",
            "parent": carrier.parent or "",
            "city": carrier.city or "", "province": carrier.province,
            "established": reader_date(carrier.established, lang), "established_code": carrier.established or "",
            "membership": label("verification", carrier.membership, lang),
            "originated": originated.get(carrier.id, 0), "adopted": adopted.get(carrier.id, 0),
            "audience_label": label("audience", carrier.audience, lang), "audience": carrier.audience,
        }


# A reader's columns (labels and names) first, then the codes under the keys that
# `ftzkb adopt --from-sheet` reads (its headings end in 代码 / id), so an export can be read back.
ADOPTION_COLUMNS = [
    Column("case", "案例 id", "case id", 28), Column("case_title", "案例标题", "case title", 36),
    Column("origin", "首创载体", "origin carrier", 18), Column("carrier", "载体 id", "carrier id", 22),
    Column("carrier_name", "复制载体", "adopting carrier", 18), Column("status_label", "状态", "status", 10),
    Column("date_label", "日期", "date", 14), Column("until_label", "截至", "until", 14),
    Column("mandate_label", "性质", "mandate", 10), Column("mandated_by_label", "要求批次", "mandated by", 28),
    Column("learned_from_label", "学习来源载体", "learned from carrier", 18),
    Column("learned_from_case_label", "学习来源案例", "learned from case", 30),
    Column("evidence", "证据", "evidence", 40), Column("note", "备注", "note", 30),
    Column("audience_label", "公开范围", "audience", 8),
    Column("status", "状态代码", "status (code)", 10), Column("date", "日期代码", "date (code)", 12),
    Column("until", "截至代码", "until (code)", 12), Column("mandate", "性质代码", "mandate (code)", 10),
    Column("mandated_by", "要求批次代码", "mandated by (code)", 24),
    Column("learned_from", "学习来源载体 id", "learned from carrier id", 18),
    Column("learned_from_case", "学习来源案例 id", "learned from case id", 24),
    Column("audience", "公开范围代码", "audience (code)", 8),
]


def adoption_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> Iterator[Row]:
    """Every adoption record (all periods), by case id then file order: labels for readers and
    the codes beside them, so the sheet can be read back by `ftzkb adopt --from-sheet`."""
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        if public_only and case.audience != PUBLIC:
            continue
        for record in case.adoptions:
            if public_only and record.audience != PUBLIC:
                continue
            yield {
                "case": case.id, "case_title": case.title, "origin": corpus.carrier_name(case.origin_carrier),
                "carrier": record.carrier, "carrier_name": corpus.carrier_name(record.carrier),
                "status_label": label("adoption_status", record.status, lang),
                "date_label": reader_date(record.date, lang),
                "until_label": reader_date(record.until, lang), "mandate_label": label("mandate", record.mandate, lang),
                "mandated_by_label": _batch(record.mandated_by, lang),
                "learned_from_label": corpus.carrier_name(record.learned_from_carrier) if record.learned_from_carrier
                else "", "learned_from_case_label": _case_title(corpus, record.learned_from_case),
                "evidence": _join(_source_ref(s) for s in record.evidence),
                "note": _text(record.note, public_only), "audience_label": label("audience", record.audience, lang),
                "status": record.status, "date": record.date, "until": record.until or "",
                "mandate": record.mandate, "mandated_by": record.mandated_by or "",
                "learned_from": record.learned_from_carrier or "", "learned_from_case": record.learned_from_case or "",
                "audience": record.audience,
            }


def _case_title(corpus: Corpus, case_id: str | None) -> str:
    case = corpus.cases.get(case_id or "")
    return case.title if case else (case_id or "")


# --- the matrix as sheets ----------------------------------------------------------------------

STATUS_COLOURS = {"adopted": "63BE7B", "adapted": "B5E0A5", "piloting": "FFE699", "planned": "BDD7EE",
                  "declined": "D9D9D9", "withdrawn": "F4B183", "unknown": "F2F2F2"}
STATUS_SYMBOLS = {"adopted": "●", "adapted": "◉", "piloting": "◐", "planned": "○", "declined": "×",
                  "withdrawn": "↺", "unknown": "?"}
_MATRIX_FIXED = [Column("case", "案例 id", "case id", 26), Column("title", "标题", "title", 36),
                 Column("origin", "首创载体", "origin", 16), Column("started", "开始", "started", 10)]


def cell_text(status: str, date: str, lang: str | None = None) -> str:
    """What a matrix cell says: `已复制 2021-03`."""
    return _status_and_date(label("adoption_status", status, lang), date, lang)


def _status_and_date(status_label: str, date: str, lang: str | None = None) -> str:
    return f"{status_label} {reader_date(date, lang)}" if dates.parse_date(date) else status_label


def matrix_table(matrix: Matrix, lang: str | None = None) -> tuple[list[Column], list[Row]]:
    """Wide layout: the case columns, then one column per carrier (keyed by carrier id)."""
    columns = [*_MATRIX_FIXED, *(Column(c, matrix.carrier_names[c], matrix.carrier_names[c], 12)
                                 for c in matrix.carriers)]
    names = {status: label("adoption_status", status, lang) for status in vocab("adoption_status").values}
    rows = []
    for row in matrix.rows:
        cells = {c: _status_and_date(names.get(cell.status, cell.status), cell.date, lang)
                 for c, cell in row.cells.items()}
        rows.append({"case": row.case_id, "title": row.title, "origin": row.origin_name,
                     "started": reader_date(row.started, lang), **cells,
                     "_status": {c: cell.status for c, cell in row.cells.items()}})
    return columns, rows


def _status_fill(row: Row, column: Column) -> str | None:
    status = row.get("_status", {}).get(column.key)
    return STATUS_COLOURS.get(status) if status else None


def matrix_sheets(matrix: Matrix, flow: Flow | None = None, lang: str | None = None,
                  filters_text: str = "", carrier_names: Mapping[str, str] | None = None) -> list[Sheet]:
    columns, rows = matrix_table(matrix, lang)
    sheets = [Sheet(pick("复制推广矩阵", "Adoption matrix", lang), columns, rows, freeze="C2", fill=_status_fill)]
    legend_columns = [Column("label", "状态", "status", 14), Column("count", "单元格数", "cells", 12),
                      Column("status", "状态代码", "status (code)", 12)]
    counts: dict[str, int] = {}
    for row in matrix.rows:
        for cell in row.cells.values():
            counts[cell.status] = counts.get(cell.status, 0) + 1
    legend = [{"label": label("adoption_status", s, lang), "count": counts.get(s, 0), "status": s,
               "_status": {"label": s}} for s in vocab("adoption_status").values]
    if filters_text:
        legend.append({"label": pick("筛选条件", "filters", lang), "count": filters_text, "status": ""})
    sheets.append(Sheet(pick("图例", "Legend", lang), legend_columns, legend, freeze="A2", fill=_status_fill))
    if flow is not None:
        sheets.append(flow_sheet(flow, lang, carrier_names))
    return sheets


def flow_sheet(flow: Flow, lang: str | None = None, carrier_names: Mapping[str, str] | None = None) -> Sheet:
    """Origins (rows) × adopters (columns); carriers by name when `carrier_names` has them."""
    def name(key: str) -> str:
        if flow.group_by == "type":
            return label("carrier_type", key, lang)
        return (carrier_names or {}).get(key, key)

    columns = [Column("origin", "首创 \\ 复制", "origin \\ adopter", 24),
               *(Column(a, name(a), name(a), 12) for a in flow.adopters)]
    rows = [{"origin": name(o), **{a: flow.count(o, a) for a in flow.adopters}} for o in flow.origins]
    return Sheet(pick("流向", "Flow", lang), columns, rows, freeze="B2")


