"""The one sheet reader: CSV (UTF-8 or GB18030, as Excel saves it on Chinese Windows) and XLSX,
as officials send them back — and nothing that could exhaust the machine.

Before anything is parsed: the file must be a regular file under `MAX_SHEET_BYTES`; an XLSX must
be a real zip whose members expand to at most `MAX_EXPANDED_BYTES` (a zip bomb is refused from its
directory alone) and whose declared dimension stays within `MAX_ROWS` × `MAX_COLUMNS`. While
reading, rows, columns and cell lengths are bounded too. Every cell is returned as text, with its
row number as the spreadsheet shows it, so problems can be named `file:sheet:row:column`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftzkb.fsio import FileRefused, read_regular

MAX_SHEET_BYTES = 20_000_000
MAX_EXPANDED_BYTES = 200_000_000
MAX_ZIP_MEMBERS = 2_000
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA_STARTS = ("=", "+", "-", "@")


class SheetError(Exception):
    """A file that cannot be read as a sheet at all (a usage error: exit 2)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Table:
    """One worksheet (or the CSV file): its rows as text, numbered as the spreadsheet numbers them."""

    path: Path
    sheet: str  # the worksheet's name ("" for CSV)
    rows: list[tuple[int, list[str]]]  # (row number, cells); rows with no text left out

    def place(self, row: int, column: int | None = None) -> str:
        """`file:sheet:row:column` (column as a letter), the way problems are named."""
        parts = [str(self.path)] + ([self.sheet] if self.sheet else []) + [str(row)]
        if column is not None:
            parts.append(column_letter(column))
        return ":".join(parts)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_tables(path: Path) -> list[Table]:
    """Every visible worksheet of an XLSX workbook, or the one table of a CSV file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise SheetError(f"{path}：不支持的表格格式“{path.suffix}”，请用 .xlsx 或 .csv",
                         f"{path}: unsupported sheet format '{path.suffix}': use .csv or .xlsx")
    try:
        raw = read_regular(path, MAX_SHEET_BYTES)
    except FileRefused as exc:
        raise SheetError(exc.zh, exc.en) from None
    if suffix in (".csv", ".txt"):
        return [_csv_table(path, raw)]
    return _xlsx_tables(path, raw)


# --- CSV -----------------------------------------------------------------------------------------

def _csv_table(path: Path, raw: bytes) -> Table:
    if raw[:4] == b"PK\x03\x04":
        raise SheetError(f"{path} 实际是 Excel 工作簿：请把扩展名改为 .xlsx",
                         f"{path} is really a workbook: name it .xlsx")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path} 的编码无法识别：请另存为 UTF-8 或 GBK 的 CSV",
                         f"cannot tell the encoding of {path}: save it as UTF-8 or GBK CSV")
    if "\0" in text:
        raise SheetError(f"{path} 不是文本表格（含二进制内容）", f"{path} is not a text sheet (binary content)")
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            _check_shape(path, "", number, len(cells))
            for column, cell in enumerate(cells):
                if len(cell) > MAX_CELL_CHARS:
                    _check_cell(path, "", number, column, cell)  # refuses, naming the cell
            row = [_neutral(cell.strip()) if cell else "" for cell in cells]
            if any(row):
                rows.append((number, row))
    except csv.Error as exc:
        raise SheetError(f"{path} 不是有效的 CSV：{exc}", f"{path} is not valid CSV: {exc}") from None
    return Table(path, "", rows)


def _neutral(text: str) -> str:
    """Undo the export's formula neutralisation: `'=HYPERLINK(…)` reads back as `=HYPERLINK(…)`,
    so a round trip through CSV leaves the data as it was."""
    if text.startswith("'") and text[1:2] in _FORMULA_STARTS:
        return text[1:]
    return text


# --- XLSX ----------------------------------------------------------------------------------------

def _xlsx_tables(path: Path, raw: bytes) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise SheetError(f"无法读取 Excel 文件 {path}：它不是 .xlsx 工作簿（可能只是改了扩展名）",
                         f"cannot read the Excel file {path}: not a zip archive (maybe only renamed)") from None
    with archive:
        _check_archive(path, archive)
    return _read_workbook(path, raw)


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError(f"{path} 内含 {len(members):,} 个部件，不像台账，不予读取",
                         f"{path} holds {len(members):,} parts; not read")
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_EXPANDED_BYTES:
        raise SheetError(f"{path} 解压后有 {expanded:,} 字节，超过上限 {MAX_EXPANDED_BYTES:,}"
                         "（疑似压缩炸弹），不予读取",
                         f"{path} expands to {expanded:,} bytes, over the limit of {MAX_EXPANDED_BYTES:,}; not read")
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as stream:
                _check_dimension(path, member.filename, stream.read(4096))


def _check_dimension(path: Path, part: str, head: bytes) -> None:
    """The worksheet's declared size, read from the first bytes of its XML before parsing it."""
    match = _DIMENSION.search(head)
    if not match or not match.group(3):
        return
    rows = int(match.group(4)) - int(match.group(2)) + 1
    columns = _column_number(match.group(3).decode()) - _column_number(match.group(1).decode()) + 1
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SheetError(f"{path}（{part}）声明的区域为 {rows:,} 行 × {columns:,} 列，超过上限 "
                         f"{MAX_ROWS:,} 行 × {MAX_COLUMNS} 列，不予读取",
                         f"{path} ({part}) declares {rows:,} rows x {columns:,} columns, over the limit; not read")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _read_workbook(path: Path, raw: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(f"无法读取 Excel 文件 {path}：{exc}", f"cannot read the Excel file {path}: {exc}") from None
    try:
        return [_worksheet_table(path, sheet) for sheet in book.worksheets
                if getattr(sheet, "sheet_state", "visible") == "visible"]
    finally:
        book.close()


def _worksheet_table(path: Path, sheet: Any) -> Table:
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        _check_shape(path, sheet.title, number, 0)
        row = [_check_cell(path, sheet.title, number, i, _cell_text(cell)) for i, cell in enumerate(cells)]
        while row and not row[-1]:
            row.pop()
        if row:
            rows.append((number, row))
    return Table(path, sheet.title, rows)


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
    return str(value)


# --- limits while reading ------------------------------------------------------------------------

def _check_shape(path: Path, sheet: str, number: int, width: int) -> None:
    if number > MAX_ROWS:
        raise SheetError(f"{path}{'：' + sheet if sheet else ''} 超过 {MAX_ROWS:,} 行，不像一份台账，不予读取",
                         f"{path} has more than {MAX_ROWS:,} rows; not read")
    if width > MAX_COLUMNS:
        raise SheetError(f"{path}:{number}: 超过 {MAX_COLUMNS} 列，不予读取",
                         f"{path}:{number}: more than {MAX_COLUMNS} columns; not read")


def _check_cell(path: Path, sheet: str, number: int, column: int, text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        place = ":".join([str(path)] + ([sheet] if sheet else []) + [str(number), column_letter(column)])
        raise SheetError(f"{place}: 单元格有 {len(text):,} 个字符，超过上限 {MAX_CELL_CHARS:,}",
                         f"{place}: the cell has {len(text):,} characters, over the limit of {MAX_CELL_CHARS:,}")
    return text.strip()  # also full-width spaces; the text itself stays as written (（） are not ())


def folded(text: str) -> str:
    """For reading codes, dates and numbers only: full-width digits, letters and spaces as
    half-width (NFKC), no blanks around."""
    return unicodedata.normalize("NFKC", text).strip() if text else ""


# --- the rows under a heading --------------------------------------------------------------------

@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it
    values: dict[str, str]  # heading -> text; empty cells left out


def read_sheet(path: Path) -> list[SheetRow]:
    """The rows under the first non-empty row (the headings) of the first table."""
    tables = read_tables(path)
    if not tables or not tables[0].rows:
        raise SheetError(f"{path} 是空表", f"{path} is empty")
    table = tables[0]
    headings = table.rows[0][1]
    return [SheetRow(n, {h: cell for h, cell in zip(headings, row, strict=False) if h and cell})
            for n, row in table.rows[1:]]
