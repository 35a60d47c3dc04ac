"""The CSV and XLSX writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ftzkb.export.rows import Column, Row, Sheet
from ftzkb.fsio import write_output
from ftzkb.textunits import display_width

# --- writers -----------------------------------------------------------------------------------

EXCEL_BOM = "\ufeff"  # a CSV file starts with it, so that Excel reads it as UTF-8
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would take for a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def default_columns(rows: Sequence[Row]) -> list[Column]:
    keys = [k for k in (rows[0] if rows else {}) if not k.startswith("_")]
    return [Column(k, k, k) for k in keys]


def write_csv(rows: Iterable[Row], destination: Path | str | IO[str], columns: Sequence[Column] | None = None,
              lang: str | None = None, title_rows: Sequence[str] = ()) -> None:
    """CSV with a heading row (under `title_rows`, if any). To a file path it is written with a
    UTF-8 byte-order mark, so that Excel opens the Chinese correctly; to a stream (stdout) without,
    row by row as `rows` come."""
    if columns is None:
        rows = list(rows)
        columns = default_columns(rows)
    if isinstance(destination, str | Path):
        buffer = io.StringIO()
        CsvRows(buffer, columns, lang, title_rows).write_all(rows)
        write_output(Path(destination), EXCEL_BOM + buffer.getvalue())
        return
    CsvRows(destination, columns, lang, title_rows).write_all(rows)


class CsvRows:
    """A CSV table written to `stream` a row at a time: the title rows and headings first."""

    def __init__(self, stream: IO[str], columns: Sequence[Column], lang: str | None = None,
                 title_rows: Sequence[str] = ()) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")
        for line in title_rows:
            self._writer.writerow([safe_cell(line)])
        self._writer.writerow([c.heading(lang) for c in columns])
        self._place = {c.key: i for i, c in enumerate(columns)}
        self._width = len(columns)

    def write(self, row: Row) -> None:
        values: list[Any] = [""] * self._width  # a wide matrix row is mostly empty: fill only the cells it has
        for key, value in row.items():
            if key in self._place:
                values[self._place[key]] = safe_cell(value)
        self._writer.writerow(values)

    def write_all(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.write(row)


def write_xlsx(sheets: Sequence[Sheet], path: Path | str, lang: str | None = None,
               progress: Callable[[int], None] | None = None, cache: RowsCache | None = None) -> None:
    """The one XLSX writer (xlsxwriter): every sheet in the layout `Sheet` describes. Text is
    always written as text, so a value such as `=HYPERLINK(…)` can never become a formula.
    `progress(n)` is called after every 1,000 rows written; `cache` keeps serialized rows for
    the next workbook of a series."""
    write_output(Path(path), xlsx_bytes(sheets, lang, progress, cache=cache))


def xlsx_bytes(sheets: Sequence[Sheet], lang: str | None = None, progress: Callable[[int], None] | None = None,
               plain: bool = False, cache: RowsCache | None = None) -> bytes:
    """The workbook's bytes. `plain=True` writes the data rows cell by cell through xlsxwriter
    instead of serializing them here: same workbook, ten times slower; kept for the test."""
    import xlsxwriter

    global _PreparedRowsSheet
    if _PreparedRowsSheet is None:
        _PreparedRowsSheet = _prepared_rows_class()

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"created": _EPOCH})  # no clock in the file: two exports of one corpus are identical
    styles = _Styles(book)
    for sheet in sheets:
        _write_sheet(book, styles, sheet, lang, progress, plain, cache)
    book.close()
    return buffer.getvalue()


_EPOCH = dt.datetime(2000, 1, 1)
_PreparedRowsSheet: Any = None  # the worksheet class, made when xlsxwriter is first imported


class _Styles:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                        "border": 1, "locked": True})
        self.title = book.add_format({"bold": True, "font_size": 12, "valign": "vcenter", "text_wrap": True})
        self.fills: dict[tuple[str, bool, bool], Any] = {}
        self.layouts: dict[int, tuple[Sheet, _ColumnLayout]] = {}

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
                 progress: Callable[[int], None] | None, plain: bool, cache: RowsCache | None) -> None:
    ws = book.add_worksheet(_sheet_title(sheet.title), worksheet_class=None if plain else _PreparedRowsSheet)
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
        # A column to fill in is tinted and unlocked as a whole, empty cells and added rows too.
        column_style = styles.cell(None, True, sheet.wrap) if column.key in sheet.editable else None
        ws.set_column(col, col, _fitted_width(sheet, column), column_style, {"hidden": True} if hidden else {})
    last = top + len(sheet.rows)
    if plain:
        _write_cells(ws, styles, sheet, top, progress)
    else:
        ws.prepare_rows(_rows_xml(ws, styles, sheet, top, progress, cache), last, width - 1)
    _layout(ws, sheet, top, last)


Cell = tuple[int, Any, Any]  # column number, value (None for a coloured empty cell), style


def _cells(styles: _Styles, sheet: Sheet, row: Row) -> list[Cell]:
    """The cells of a data row that are written, in column order: those with a value, and the
    empty ones with a colour. Each with its style (per column, unless coloured)."""
    layout = _column_layout(styles, sheet)
    if sheet.fill:
        found = []
        for col, (column, style) in enumerate(layout.columns):
            value = row.get(column.key)
            colour = sheet.fill(row, column)
            if colour:
                style = styles.cell(colour, column.key in sheet.editable, sheet.wrap)
            if (value is not None and value != "") or colour:
                found.append((col, None if value == "" else value, style))
        return found
    found = [(at, value, layout.columns[at][1]) for key, value in row.items()
             if (at := layout.place.get(key)) is not None and value is not None and value != ""]
    if any(found[i][0] > found[i + 1][0] for i in range(len(found) - 1)):
        found.sort(key=lambda cell: cell[0])
    return found


@dataclass
class _ColumnLayout:
    columns: list[tuple[Column, Any]]  # each column with the style of its uncoloured cells
    place: dict[str, int]  # column key -> its number


def _column_layout(styles: _Styles, sheet: Sheet) -> _ColumnLayout:
    """Worked out once per sheet (kept on the styles, which live as long as the workbook)."""
    found = styles.layouts.get(id(sheet))
    if found is None or found[0] is not sheet:
        layout = _ColumnLayout([(c, styles.cell(None, c.key in sheet.editable, sheet.wrap)) for c in sheet.columns],
                               {c.key: i for i, c in enumerate(sheet.columns)})
        found = styles.layouts[id(sheet)] = (sheet, layout)
    return found[1]


def _write_cells(ws: Any, styles: _Styles, sheet: Sheet, top: int, progress: Callable[[int], None] | None) -> None:
    """The data rows through xlsxwriter, cell by cell (the plain path, about 10 µs a cell)."""
    lines: dict[tuple[str, int], int] = {}
    for offset, row in enumerate(sheet.rows, start=1):
        number = top + offset
        height = _row_height(sheet, row, lines)
        if height:
            ws.set_row(number, height)
        for col, value, style in _cells(styles, sheet, row):
            if value is None:
                ws.write_blank(number, col, None, style)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                ws.write_string(number, col, str(value), style)
            else:
                ws.write_number(number, col, value, style)
        if progress and offset % 1000 == 0:
            progress(1000)


class RowsCache:
    """Data rows serialized once for a series of workbooks: the ledgers of one round share most
    of their rows (the same row object, from `ftzkb.export.ledger`), and a row given again
    costs a string copy instead of its cells. Kept per row object (held here, so that its id
    stays its own) and per column layout (keys and style numbers)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, tuple], tuple[Row, str]] = {}


_ROW = "\x00"  # stands for the row number in a row's serialized cells; cannot occur in escaped text


def _rows_xml(ws: Any, styles: _Styles, sheet: Sheet, top: int, progress: Callable[[int], None] | None,
              cache: RowsCache | None = None) -> str:
    """The same data rows as `_write_cells` writes, serialized here as worksheet XML: a ledger
    of every carrier at national scale is millions of cells, and xlsxwriter's per-cell
    bookkeeping was nine tenths of the export. Text is written in-line (as xlsxwriter's
    constant-memory mode writes it), so it never becomes a formula either; a text that needs
    Excel's `_xHHHH_` escapes goes to the shared strings, which xlsxwriter escapes, as in the plain path."""
    heads: dict[tuple[int, int], str] = {}  # (column, id(style)) -> the cell's opening tag
    texts: dict[str, str] = {}  # a text repeated down a column (a category, a status) is escaped once
    lines: dict[tuple[str, int], int] = {}

    def cells_xml(row: Row) -> tuple[str, bool]:
        """The row's cells, and whether they hold nothing particular to this workbook."""
        parts, portable = [], True
        for col, value, style in _cells(styles, sheet, row):
            head = heads.get((col, id(style)))
            if head is None:
                head = heads[(col, id(style))] = f'<c r="{_column_letters(col)}{_ROW}" s="{_style_number(style)}"'
            if value is None:
                parts.append(head + "/>")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                text = _within_limit(str(value))
                if _EXCEL_ESCAPED.search(text):  # rare: a control character, or text that looks like an escape
                    parts.append(f'{head} t="s"><v>{ws.str_table._get_shared_string_index(text)}</v></c>')
                    portable = False
                    continue
                escaped = texts.get(text)
                if escaped is None:
                    escaped = texts[text] = _inline_text(text)
                parts.append(f'{head} t="inlineStr">{escaped}</c>')
            else:
                parts.append(f"{head}><v>{value:.16G}</v></c>")
        return "".join(parts), portable

    layout = _column_layout(styles, sheet)
    signature = (tuple(c.key for c, _ in layout.columns), tuple(_style_number(st) for _, st in layout.columns))
    known = cache.rows if cache is not None and not sheet.fill else None  # a colour is a function's: not cached
    rows: list[str] = []
    for offset, row in enumerate(sheet.rows, start=1):
        found = known.get((id(row), signature)) if known is not None else None
        if found is not None and found[0] is row:
            xml = found[1]
        else:
            xml, portable = cells_xml(row)
            height = _row_height(sheet, row, lines)
            xml = (f' ht="{height:g}" customHeight="1">' if height else ">") + xml  # as xlsxwriter's set_row
            if known is not None and portable:
                known[(id(row), signature)] = (row, xml)
        number = str(top + offset + 1)  # XML rows count from 1
        rows.append(f'<row r="{number}"{xml.replace(_ROW, number)}</row>')
        if progress and offset % 1000 == 0:
            progress(1000)
    return "".join(rows)


WIDEST = 60  # characters: a wider column would shrink the printed page too far


def _fitted_width(sheet: Sheet, column: Column) -> int:
    """The column's width, or, where text does not wrap, as wide as its longest text (up to WIDEST):
    a cut-off id cannot be copied, and on paper it cannot be read."""
    width = column.width
    if sheet.wrap:
        return width
    for row in sheet.rows:
        value = row.get(column.key)
        if isinstance(value, str) and len(value) * 2 >= width:  # else it fits surely
            width = max(width, min(WIDEST, display_width(value) + 1))
            if width >= WIDEST:
                break
    return width


LINE_HEIGHT = 15  # points a line of 11-point text takes, Han glyphs included
MAX_LINES = 20  # Excel's rows stop at 409 points


def _row_height(sheet: Sheet, row: Row, lines: dict[tuple[str, int], int]) -> int | None:
    """The height a row of a wrapping sheet needs for its longest cell (None for one line). Set
    on the row, because LibreOffice and WPS do not fit rows to wrapped text when they open or
    print a file, and the lines of a long title then run into the next row. `lines` remembers
    the count of each text at each width."""
    if not sheet.wrap:
        return None
    most = 1
    for column in sheet.columns:
        value = row.get(column.key)
        if isinstance(value, str) and len(value) * 2 >= column.width - 1:  # else it fits one line surely
            key = (value, column.width)
            found = lines.get(key)
            if found is None:
                found = lines[key] = _lines(value, column.width)
            most = max(most, found)
    return min(most, MAX_LINES) * LINE_HEIGHT if most > 1 else None


def _lines(text: str, width: int) -> int:
    """Lines a text wraps to in a column `width` characters wide (Han characters count two)."""
    room = max(1, width - 1)
    return sum(max(1, -(-display_width(part) // room)) for part in text.split("\n"))


def _style_number(style: Any) -> int:
    return int(style._get_xf_index())  # the number xlsxwriter gives the format in this workbook


_EXCEL_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
_MAX_UTF16 = 32767  # Excel's limit for the text of one cell


def _within_limit(text: str) -> str:
    """Cut at Excel's limit, as xlsxwriter cuts (counted in UTF-16 units)."""
    if len(text) > _MAX_UTF16 // 2 and len(text.encode("utf-16-le")) // 2 > _MAX_UTF16:
        return text.encode("utf-16-le")[:_MAX_UTF16 * 2].decode("utf-16-le", "ignore")
    return text


def _inline_text(text: str) -> str:
    """`<is><t>…</t></is>` for a cell's text: XML's three characters escaped, leading or
    trailing blanks kept."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _prepared_rows_class() -> type:
    from xlsxwriter.worksheet import Worksheet

    class PreparedRowsSheet(Worksheet):
        """An xlsxwriter worksheet whose data rows come already serialized (`_rows_xml`) and are
        written after the rows xlsxwriter holds (title and heading). Relies on two internals of
        xlsxwriter 3.x — `_write_rows` and `fh` — so the version is pinned and
        `tests/test_export.py` checks cell for cell that it gives what the plain path gives."""

        prepared = ""

        def prepare_rows(self, xml: str, last_row: int, last_col: int) -> None:
            self.prepared = xml
            if xml:
                self._check_dimensions(last_row, last_col)  # the sheet's extent, as if written

        def _write_rows(self) -> None:
            super()._write_rows()
            self.fh.write(self.prepared)

    return PreparedRowsSheet


def _layout(ws: Any, sheet: Sheet, top: int, last: int) -> None:
    width = len(sheet.columns)
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
    for col, column in enumerate(sheet.columns):  # in column order: the file is the same every time
        key = column.key
        if key not in sheet.choices and key not in sheet.notes:
            continue
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
