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
from .api import dumps

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
    made: dict[str, str | bytes] = {}
    with tempfile.TemporaryDirectory(prefix="ftzkb-downloads-") as scratch:
        for name, (title, columns, rows_of) in TABLES.items():
            rows = rows_of(site.corpus, public_only=site.public, lang="zh")
            if site.notice:  # a demo's tables say so in every row, whichever program reads them
                columns = [NOTICE_COLUMN, *columns]
                rows = [{"notice": site.notice, **row} for row in rows]
            made[f"{FOLDER}/{name}.csv"] = _csv(rows, columns, Path(scratch) / f"{name}.csv")
            if len(rows) <= XLSX_MAX_ROWS:
                made[f"{FOLDER}/{name}.xlsx"] = _xlsx([export.Sheet(title, columns, rows)], Path(scratch),
                                                      site.build_date)
            made[f"{FOLDER}/{name}.json"] = dumps(rows, site.notice)
        matrix = adoption_matrix(site.corpus)
        cells = len(matrix.rows) * max(1, len(matrix.carriers))
        if cells <= MATRIX_XLSX_MAX_CELLS:
            names = {c.id: c.display_name for c in site.corpus.carriers.values()}
            sheets = export.matrix_sheets(matrix, flow_matrix(site.corpus, "carrier"), lang="zh", carrier_names=names)
            if site.notice:
                sheets.insert(0, export.Sheet("说明", [NOTICE_COLUMN], [{"notice": site.notice}], freeze="A2"))
            made[f"{FOLDER}/matrix.xlsx"] = _xlsx(sheets, Path(scratch), site.build_date)
    yield from made.items()
    yield links.DOWNLOADS, site.render("downloads.md.j2", links.DOWNLOADS, title="下载与接口", tables=TABLES,
        sizes={path: len(content.encode() if isinstance(content, str) else content) for path, content in made.items()},
        folder=FOLDER, xlsx_max_rows=XLSX_MAX_ROWS)


def _csv(rows: list[dict], columns: list[export.Column], path: Path) -> str:
    export.write_csv(rows, path, columns, lang="zh")
    return path.read_text("utf-8")


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
