"""Tabular exports: rows of cases, carriers and adoptions (also the site's downloads), the
adoption matrix as a sheet, and the writers (CSV for Excel, XLSX, terminal tables).

A row is a plain dict keyed by column key; a `Column` gives the Chinese and English heading.
Cells are text or integers; text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from ftzkb.i18n import pick
from ftzkb.load.model import PUBLIC, Case, Corpus, Source, Text
from ftzkb.record.writes import atomic_write
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
    title: str
    columns: list[Column]
    rows: list[Row]
    freeze: str = "B2"  # the first cell that scrolls (header row and first column stay)
    fill: Callable[[Row, Column], str | None] | None = None  # background colour (RRGGBB) of a cell
    wrap: bool = False


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
    Column("sources", "来源", "sources", 40), Column("audience", "公开范围", "audience", 8),
]


def case_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> list[Row]:
    """One row per case, in id order; `public_only` leaves out internal cases, records and texts."""
    rows = []
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        if public_only and case.audience != PUBLIC:
            continue
        records = [r for r in case.adoptions if not public_only or r.audience == PUBLIC]
        adopters = {r.carrier for r in current_records(_with_records(case, records)).values() if r.status in ADOPTED}
        rows.append({
            "id": case.id, "title": case.title, "title_en": case.title_en or "", "summary": case.summary,
            "origin": case.origin_carrier, "origin_name": corpus.carrier_name(case.origin_carrier),
            "origin_unit": case.origin_unit or "", "started": case.started,
            "categories": _labels("category", case.categories, lang),
            "linkage": _labels("linkage", case.linkage, lang), "tags": _join(case.tags),
            "recognitions": _join(r.batch_key or r.level for r in case.recognitions),
            "carrier_types": _labels("carrier_type", case.suited_carrier_types, lang),
            "scope": label("replication_scope", case.replication_scope, lang),
            "lifecycle": label("lifecycle_status", case.lifecycle, lang),
            "adopters": len(adopters), "records": len(records),
            "sources": _join(_source_ref(s) for s in case.sources), "audience": case.audience,
        })
    return rows


def _with_records(case: Case, records: list) -> Case:
    return case if len(records) == len(case.adoptions) else replace(case, adoptions=tuple(records))


CARRIER_COLUMNS = [
    Column("id", "载体 id", "carrier id", 24), Column("name", "名称", "name", 36),
    Column("short_name", "简称", "short name", 16), Column("name_en", "英文名称", "English name", 30),
    Column("types", "载体类型", "types", 24), Column("parent", "上级载体", "parent", 18),
    Column("city", "城市", "city", 10), Column("province", "省份", "province", 8),
    Column("established", "设立日期", "established", 12), Column("membership", "身份核实", "membership", 10),
    Column("originated", "首创案例数", "cases originated", 10), Column("adopted", "复制案例数", "cases adopted", 10),
    Column("audience", "公开范围", "audience", 8),
]


def carrier_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> list[Row]:
    originated: dict[str, int] = {}
    adopted: dict[str, int] = {}
    for case in corpus.cases.values():
        if public_only and case.audience != PUBLIC:
            continue
        originated[case.origin_carrier] = originated.get(case.origin_carrier, 0) + 1
        for carrier_id, record in current_records(case).items():
            if record.status in ADOPTED and (not public_only or record.audience == PUBLIC):
                adopted[carrier_id] = adopted.get(carrier_id, 0) + 1
    rows = []
    for carrier in sorted(corpus.carriers.values(), key=lambda c: c.id):
        if public_only and carrier.audience != PUBLIC:
            continue
        rows.append({
            "id": carrier.id, "name": carrier.name, "short_name": carrier.short_name or "",
            "name_en": carrier.name_en or "", "types": _labels("carrier_type", carrier.types, lang),
            "parent": carrier.parent or "", "city": carrier.city or "", "province": carrier.province,
            "established": carrier.established or "", "membership": label("verification", carrier.membership, lang),
            "originated": originated.get(carrier.id, 0), "adopted": adopted.get(carrier.id, 0),
            "audience": carrier.audience,
        })
    return rows


# The same keys are what `ftzkb adopt --from-sheet` reads, so an export can be edited and read back.
ADOPTION_COLUMNS = [
    Column("case", "案例 id", "case id", 28), Column("case_title", "案例标题", "case title", 36),
    Column("origin", "首创载体", "origin carrier", 18), Column("carrier", "载体 id", "carrier id", 22),
    Column("carrier_name", "复制载体", "adopting carrier", 18), Column("status", "状态", "status", 10),
    Column("date", "日期", "date", 12), Column("until", "截至", "until", 12),
    Column("mandate", "性质", "mandate", 10), Column("mandated_by", "要求批次", "mandated by", 24),
    Column("learned_from", "学习来源载体", "learned from carrier", 18),
    Column("learned_from_case", "学习来源案例", "learned from case", 24),
    Column("evidence", "证据", "evidence", 40), Column("note", "备注", "note", 30),
    Column("audience", "公开范围", "audience", 8),
]


def adoption_rows(corpus: Corpus, public_only: bool = False, lang: str | None = None) -> list[Row]:
    """Every adoption record (all periods), by case id then file order. Status and mandate are
    ids, so the sheet can be read back by `ftzkb adopt --from-sheet`."""
    rows = []
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        if public_only and case.audience != PUBLIC:
            continue
        for record in case.adoptions:
            if public_only and record.audience != PUBLIC:
                continue
            rows.append({
                "case": case.id, "case_title": case.title, "origin": corpus.carrier_name(case.origin_carrier),
                "carrier": record.carrier, "carrier_name": corpus.carrier_name(record.carrier),
                "status": record.status, "date": record.date, "until": record.until or "",
                "mandate": record.mandate, "mandated_by": record.mandated_by or "",
                "learned_from": record.learned_from_carrier or "", "learned_from_case": record.learned_from_case or "",
                "evidence": _join(_source_ref(s) for s in record.evidence),
                "note": _text(record.note, public_only), "audience": record.audience,
            })
    return rows


# --- the matrix as sheets ----------------------------------------------------------------------

STATUS_COLOURS = {"adopted": "63BE7B", "adapted": "B5E0A5", "piloting": "FFE699", "planned": "BDD7EE",
                  "declined": "D9D9D9", "withdrawn": "F4B183", "unknown": "F2F2F2"}
STATUS_SYMBOLS = {"adopted": "●", "adapted": "◉", "piloting": "◐", "planned": "○", "declined": "×",
                  "withdrawn": "↺", "unknown": "?"}
_MATRIX_FIXED = [Column("case", "案例 id", "case id", 26), Column("title", "标题", "title", 36),
                 Column("origin", "首创载体", "origin", 16), Column("started", "开始", "started", 10)]


def cell_text(status: str, date: str, lang: str | None = None) -> str:
    """What a matrix cell says: `已复制 2021-03`."""
    return _status_and_date(label("adoption_status", status, lang), date)


def _status_and_date(status_label: str, date: str) -> str:
    return f"{status_label} {date}" if date and date != "unknown" else status_label


def matrix_table(matrix: Matrix, lang: str | None = None) -> tuple[list[Column], list[Row]]:
    """Wide layout: the case columns, then one column per carrier (keyed by carrier id)."""
    columns = [*_MATRIX_FIXED, *(Column(c, matrix.carrier_names[c], matrix.carrier_names[c], 12)
                                 for c in matrix.carriers)]
    names = {status: label("adoption_status", status, lang) for status in vocab("adoption_status").values}
    rows = []
    for row in matrix.rows:
        cells = {c: _status_and_date(names.get(cell.status, cell.status), cell.date) for c, cell in row.cells.items()}
        rows.append({"case": row.case_id, "title": row.title, "origin": row.origin_name,
                     "started": row.started, **cells, "_status": {c: cell.status for c, cell in row.cells.items()}})
    return columns, rows


def _status_fill(row: Row, column: Column) -> str | None:
    status = row.get("_status", {}).get(column.key)
    return STATUS_COLOURS.get(status) if status else None


def matrix_sheets(matrix: Matrix, flow: Flow | None = None, lang: str | None = None,
                  filters_text: str = "") -> list[Sheet]:
    columns, rows = matrix_table(matrix, lang)
    sheets = [Sheet(pick("复制推广矩阵", "Adoption matrix", lang), columns, rows, freeze="C2", fill=_status_fill)]
    legend_columns = [Column("status", "状态", "status", 12), Column("label", "说明", "label", 20),
                      Column("count", "单元格数", "cells", 10)]
    counts: dict[str, int] = {}
    for row in matrix.rows:
        for cell in row.cells.values():
            counts[cell.status] = counts.get(cell.status, 0) + 1
    legend = [{"status": s, "label": label("adoption_status", s, lang), "count": counts.get(s, 0), "_status": {
        "label": s}} for s in vocab("adoption_status").values]
    if filters_text:
        legend.append({"status": pick("筛选条件", "filters", lang), "label": filters_text, "count": ""})
    sheets.append(Sheet(pick("图例", "Legend", lang), legend_columns, legend, freeze="A2", fill=_status_fill))
    if flow is not None:
        sheets.append(flow_sheet(flow, lang))
    return sheets


def flow_sheet(flow: Flow, lang: str | None = None) -> Sheet:
    def name(key: str) -> str:
        return label("carrier_type", key, lang) if flow.group_by == "type" else key

    columns = [Column("origin", "首创 \\ 复制", "origin \\ adopter", 24),
               *(Column(a, name(a), name(a), 12) for a in flow.adopters)]
    rows = [{"origin": name(o), **{a: flow.count(o, a) for a in flow.adopters}} for o in flow.origins]
    return Sheet(pick("流向", "Flow", lang), columns, rows, freeze="B2")


# --- writers -----------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would take for a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def default_columns(rows: Sequence[Row]) -> list[Column]:
    keys = [k for k in (rows[0] if rows else {}) if not k.startswith("_")]
    return [Column(k, k, k) for k in keys]


def write_csv(rows: Sequence[Row], destination: Path | str | IO[str], columns: Sequence[Column] | None = None,
              lang: str | None = None) -> None:
    """CSV with a heading row. To a file path it is written with a UTF-8 byte-order mark, so that
    Excel opens the Chinese correctly; to a stream (stdout) without."""
    columns = list(columns) if columns is not None else default_columns(rows)
    if isinstance(destination, str | Path):
        buffer = io.StringIO()
        _write_csv_rows(rows, buffer, columns, lang)
        atomic_write(Path(destination), "\ufeff" + buffer.getvalue())
        return
    _write_csv_rows(rows, destination, columns, lang)


def _write_csv_rows(rows: Sequence[Row], stream: IO[str], columns: list[Column], lang: str | None) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([c.heading(lang) for c in columns])
    place = {c.key: i for i, c in enumerate(columns)}
    for row in rows:  # a wide matrix row is mostly empty: fill only the cells it has
        values: list[Any] = [""] * len(columns)
        for key, value in row.items():
            if key in place:
                values[place[key]] = safe_cell(value)
        writer.writerow(values)


def write_xlsx(sheets: Sequence[Sheet], path: Path | str, lang: str | None = None,
               progress: Callable[[int], None] | None = None) -> None:
    """One worksheet per sheet: bold frozen heading row, column widths, cell colours.
    `progress(n)` is called after every 1,000 rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook(write_only=False)
    book.remove(book.active)
    bold = Font(bold=True)
    fills: dict[str, PatternFill] = {}
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        ws.append([c.heading(lang) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number, row in enumerate(sheet.rows, start=2):
            for col, column in enumerate(sheet.columns, start=1):
                value = row.get(column.key, "")
                cell = ws.cell(number, col, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # openpyxl would store it as a formula
                colour = sheet.fill(row, column) if sheet.fill else None
                if colour:
                    cell.fill = fills.setdefault(colour, PatternFill("solid", start_color=colour, end_color=colour))
            if progress and number % 1000 == 0:
                progress(1000)
        for col, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[ws.cell(1, col).column_letter].width = column.width
        ws.freeze_panes = sheet.freeze
    buffer = io.BytesIO()
    book.save(buffer)
    _write_bytes(Path(path), buffer.getvalue())


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def _write_bytes(path: Path, data: bytes) -> None:
    """Binary counterpart of atomic_write: temporary file in the same directory, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- reading sheets ------------------------------------------------------------------------------

class SheetError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it (the heading is row 1 when it is the first)
    values: dict[str, str]  # heading -> text; empty cells left out


def read_sheet(path: Path) -> list[SheetRow]:
    """The rows under the first non-empty row (the headings) of a CSV file (UTF-8, or GB18030 as
    Excel saves it on Chinese Windows) or of the first worksheet of an XLSX workbook."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _xlsx_cells(path)
    elif suffix in (".csv", ".txt"):
        table = _csv_cells(path)
    else:
        raise SheetError(f"不支持的表格格式“{path.suffix}”：请用 .csv 或 .xlsx",
                         f"unsupported sheet format '{path.suffix}': use .csv or .xlsx")
    numbered = [(n, row) for n, row in enumerate(table, start=1) if any(cell for cell in row)]
    if not numbered:
        raise SheetError(f"{path} 是空表", f"{path} is empty")
    headings = [cell.strip() for cell in numbered[0][1]]
    return [SheetRow(n, {h: cell for h, cell in zip(headings, row, strict=False) if h and cell})
            for n, row in numbered[1:]]


def _csv_cells(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path} 的编码无法识别：请存为 UTF-8",
                         f"cannot tell the encoding of {path}: save it as UTF-8")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_cells(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(f"无法读取 Excel 文件 {path}：{exc}", f"cannot read the Excel file {path}: {exc}") from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    finally:
        book.close()


def _cell_text(cell: Any) -> str:
    """Cell values as the data writes them. Excel turns a typed 2021-03 into a date: its number
    format (no day in it) tells that only the month was meant."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        shown_day = "d" in str(getattr(cell, "number_format", "")).lower()
        return f"{value.year:04d}-{value.month:02d}" + (f"-{value.day:02d}" if shown_day else "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- terminal tables ---------------------------------------------------------------------------

def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """Pad to `width` display columns (CJK counts two); longer text is cut with an ellipsis."""
    used = display_width(text)
    if used <= width:
        return text + " " * (width - used)
    out, used = [], 0
    for ch in text:
        if used + _char_width(ch) > width - 1:
            break
        out.append(ch)
        used += _char_width(ch)
    return "".join(out) + "…" + " " * (width - 1 - used)


def format_table(headings: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int = 40) -> str:
    """A plain aligned table for the terminal; columns as wide as their content, up to `max_width`."""
    body = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [min(max_width, max([display_width(h)] + [display_width(r[i]) for r in body]))
              for i, h in enumerate(headings)]
    lines = ["  ".join(fit(h, w) for h, w in zip(headings, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(fit(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)
