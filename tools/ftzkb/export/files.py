"""The CSV and XLSX writers."""

from __future__ import annotations

import csv
import datetime as dt
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
              lang: str | None = None, title_rows: Sequence[str] = ()) -> None:
    """CSV with a heading row (under `title_rows`, if any). To a file path it is written with a
    UTF-8 byte-order mark, so that Excel opens the Chinese correctly; to a stream (stdout) without."""
    columns = list(columns) if columns is not None else default_columns(rows)
    if isinstance(destination, str | Path):
        buffer = io.StringIO()
        _write_csv_rows(rows, buffer, columns, lang, title_rows)
        write_output(Path(destination), "\ufeff" + buffer.getvalue())
        return
    _write_csv_rows(rows, destination, columns, lang, title_rows)


def _write_csv_rows(rows: Sequence[Row], stream: IO[str], columns: list[Column], lang: str | None,
                    title_rows: Sequence[str] = ()) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    for line in title_rows:
        writer.writerow([safe_cell(line)])
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
    """The one XLSX writer (xlsxwriter): every sheet in the layout `Sheet` describes. Text is
    always written as text, so a value such as `=HYPERLINK(…)` can never become a formula.
    `progress(n)` is called after every 1,000 rows written."""
    write_output(Path(path), xlsx_bytes(sheets, lang, progress))


def xlsx_bytes(sheets: Sequence[Sheet], lang: str | None = None,
               progress: Callable[[int], None] | None = None) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"created": _EPOCH})  # no clock in the file: two exports of one corpus are identical
    styles = _Styles(book)
    for sheet in sheets:
        _write_sheet(book, styles, sheet, lang, progress)
    book.close()
    return buffer.getvalue()


_EPOCH = dt.datetime(2000, 1, 1)


class _Styles:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                        "border": 1, "locked": True})
        self.title = book.add_format({"bold": True, "font_size": 12, "valign": "vcenter", "text_wrap": True})
        self.fills: dict[tuple[str, bool, bool], Any] = {}

    def cell(self, colour: str | None, editable: bool, wrap: bool) -> Any:
        key = (colour or "", editable, wrap)
        if key not in self.fills:
            spec: dict[str, Any] = {"valign": "top", "locked": not editable, "num_format": "@"}
            if colour:
                spec["bg_color"] = f"#{colour}"
            elif editable:
                spec["bg_color"] = "#FFF9E6"  # the cells to fill in are tinted
            if wrap:
                spec["text_wrap"] = True
            self.fills[key] = self.book.add_format(spec)
        return self.fills[key]


def _write_sheet(book: Any, styles: _Styles, sheet: Sheet, lang: str | None,
                 progress: Callable[[int], None] | None) -> None:
    ws = book.add_worksheet(_sheet_title(sheet.title))
    width = len(sheet.columns)
    for number, line in enumerate(sheet.title_rows):
        if width > 1:
            ws.merge_range(number, 0, number, width - 1, line, styles.title)
        else:
            ws.write_string(number, 0, line, styles.title)
        ws.set_row(number, 30 if number == 0 else 18)
    top = len(sheet.title_rows)
    for col, column in enumerate(sheet.columns):
        ws.write_string(top, col, column.heading(lang), styles.heading)
        hidden = column.key in sheet.hidden_columns
        ws.set_column(col, col, column.width, None, {"hidden": True} if hidden else {})
    last = top + len(sheet.rows)
    # a style per column, worked out once; an empty cell is written only where it must look editable
    editable = [column.key in sheet.editable for column in sheet.columns]
    plain = [styles.cell(None, flag, sheet.wrap) for flag in editable]
    for offset, row in enumerate(sheet.rows, start=1):
        number = top + offset
        for col, column in enumerate(sheet.columns):
            value = row.get(column.key)
            colour = sheet.fill(row, column) if sheet.fill else None
            style = styles.cell(colour, editable[col], sheet.wrap) if colour else plain[col]
            if value is None or value == "":
                if editable[col] or colour:
                    ws.write_blank(number, col, None, style)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                ws.write_string(number, col, str(value), style)
            else:
                ws.write_number(number, col, value, style)
        if progress and offset % 1000 == 0:
            progress(1000)
    _layout(ws, sheet, top, last)


def _layout(ws: Any, sheet: Sheet, top: int, last: int) -> None:
    width = len(sheet.columns)
    column_of = {c.key: i for i, c in enumerate(sheet.columns)}
    freeze_col = max(0, ord(sheet.freeze[0].upper()) - ord("A")) if sheet.freeze else 0
    ws.freeze_panes(top + 1, freeze_col)
    if sheet.filter and width:
        ws.autofilter(top, 0, max(top, last), width - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as it takes
    ws.repeat_rows(top)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    rows = (top + 1, max(last, top + 1) + 200)  # room for rows an official adds at the end
    for key in sheet.choices.keys() | sheet.notes.keys():
        if key not in column_of:
            continue
        col = column_of[key]
        rule: dict[str, Any] = {"validate": "any"}
        if key in sheet.choices:
            values = sheet.choices[key]
            rule = {"validate": "list", "source": values, "error_title": "请从下拉列表中选择",
                    "error_message": "可选：" + "、".join(values)[:200]}
        if key in sheet.notes:  # one validation per cell: the hint rides on the list
            rule |= {"input_title": sheet.columns[col].zh[:32], "input_message": sheet.notes[key][:250]}
        ws.data_validation(rows[0], col, rows[1], col, rule)
    if sheet.protect:
        ws.protect("", {"autofilter": True, "sort": False, "format_columns": True, "format_rows": True,
                        "select_locked_cells": True, "select_unlocked_cells": True})
    if sheet.hidden:
        ws.very_hidden()


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"
