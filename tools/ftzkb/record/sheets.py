"""The one sheet reader: CSV (UTF-8 or GB18030) and XLSX, as officials send them back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


