"""The CSV and XLSX writers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from ftzkb.export.rows import Column, Row, Sheet
from ftzkb.fsio import write_output

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
        write_output(Path(destination), "\ufeff" + buffer.getvalue())
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
    write_output(Path(path), buffer.getvalue())


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"
