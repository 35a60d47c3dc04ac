"""Downloads (CSV, XLSX and JSON of cases, carriers and adoptions, plus the adoption matrix as
a workbook) made with `ftzkb.export`, and the page that lists them and documents the API.

The XLSX files are made reproducible: openpyxl stamps the time of saving into the archive and
its properties; here both become the data's commit date."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ... import export
from ...replication import adoption_matrix, flow_matrix
from .. import links
from ..context import Site
from .api import JsonList

FOLDER = "downloads"
# Beyond these sizes a workbook takes long to make and to open: the table is offered as CSV
# (which Excel opens too) and JSON only, and the matrix through `ftzkb matrix --format xlsx`.
XLSX_MAX_ROWS = 20_000
MATRIX_XLSX_MAX_CELLS = 250_000
TABLES = {
    "cases": ("案例", export.CASE_COLUMNS, export.case_rows),
    "carriers": ("载体", export.CARRIER_COLUMNS, export.carrier_rows),
    "adoptions": ("复制推广记录", export.ADOPTION_COLUMNS, export.adoption_rows),
}
NOTICE_COLUMN = export.Column("notice", "数据性质", "about the data", 30)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def download_files(site: Site) -> Iterator[tuple[str, str | bytes]]:
    """Each download as soon as it is made, then the page listing them. A table's rows are made
    as they are written (at 20,000 cases the adoptions alone are 400,000 rows), and only a table
    small enough for a workbook is kept whole for it."""
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ftzkb-downloads-") as scratch:
        for path, content in _tables(site, Path(scratch)):
            sizes[path] = len(content)
            yield path, content
        matrix = _matrix_workbook(site, Path(scratch))
        if matrix is not None:
            sizes[f"{FOLDER}/matrix.xlsx"] = len(matrix)
            yield f"{FOLDER}/matrix.xlsx", matrix
    yield links.DOWNLOADS, site.render("downloads.md.j2", links.DOWNLOADS, title="下载与接口", tables=TABLES,
        sizes=sizes, folder=FOLDER, xlsx_max_rows=XLSX_MAX_ROWS)


def _tables(site: Site, scratch: Path) -> Iterator[tuple[str, bytes]]:
    """CSV, XLSX (when the table has at most XLSX_MAX_ROWS rows) and JSON of every table."""
    for name, (title, columns, rows_of) in TABLES.items():
        rows = rows_of(site.corpus, public_only=site.public, lang="zh")
        if site.notice:  # a demo's tables say so in every row, whichever program reads them
            columns = [NOTICE_COLUMN, *columns]
            rows = ({"notice": site.notice, **row} for row in rows)
        csv_path, json_path = scratch / f"{name}.csv", scratch / f"{name}.json"
        kept: list[export.Row] | None = []  # the rows, while they would still fit in a workbook
        # newline="": the CSV writer ends its rows with CRLF itself
        with csv_path.open("w", encoding="utf-8", newline="") as csv_file, \
                json_path.open("w", encoding="utf-8", newline="") as json_file:
            csv_file.write(export.EXCEL_BOM)
            csv_rows, json_items = export.CsvRows(csv_file, columns, lang="zh"), JsonList(json_file, site.notice)
            for row in rows:
                csv_rows.write(row)
                json_items.write(row)
                if kept is not None and len(kept) == XLSX_MAX_ROWS:
                    kept = None  # a row too many for a workbook
                if kept is not None:
                    kept.append(row)
            json_items.close()
        yield f"{FOLDER}/{name}.csv", _taken(csv_path)
        if kept is not None:
            yield f"{FOLDER}/{name}.xlsx", _xlsx([export.Sheet(title, columns, kept)], scratch, site.build_date)
        yield f"{FOLDER}/{name}.json", _taken(json_path)


def _taken(path: Path) -> bytes:
    """A scratch file's bytes, the file removed (so the scratch directory never holds them all)."""
    content = path.read_bytes()
    path.unlink()
    return content


def _matrix_workbook(site: Site, scratch: Path) -> bytes | None:
    """The adoption matrix and the flows as a workbook, if the matrix is small enough for one."""
    matrix = adoption_matrix(site.corpus)
    if len(matrix.rows) * max(1, len(matrix.carriers)) > MATRIX_XLSX_MAX_CELLS:
        return None
    names = {c.id: c.display_name for c in site.corpus.carriers.values()}
    sheets = export.matrix_sheets(matrix, flow_matrix(site.corpus, "carrier"), lang="zh", carrier_names=names)
    if site.notice:
        sheets.insert(0, export.Sheet("说明", [NOTICE_COLUMN], [{"notice": site.notice}], freeze="A2"))
    return _xlsx(sheets, scratch, site.build_date)


def _xlsx(sheets: list[export.Sheet], scratch: Path, when: dt.datetime) -> bytes:
    path = scratch / "book.xlsx"
    export.write_xlsx(sheets, path, lang="zh")
    return reproducible_zip(path.read_bytes(), when)


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same archive with every member dated `when` (and the Office core properties too)."""
    stamp = when.astimezone(dt.UTC)
    date_time = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, content)
    return out.getvalue()
