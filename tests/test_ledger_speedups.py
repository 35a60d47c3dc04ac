"""The fast paths of the ledger round give what the plain paths give: rows serialized by
`ftzkb.export.files` instead of cell by cell through xlsxwriter, the ledger rows worked out
from shared tables instead of case by case, serialized rows kept between workbooks, and
the round shared between forked processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ftzkb
from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.export import ledger as ledger_export
from ftzkb.export.files import RowsCache, xlsx_bytes
from ftzkb.export.ledger import (
    ELIGIBLE,
    HAS_RECORDS,
    MANDATED,
    LedgerRow,
    Round,
    cover_sheet,
    ledger_row_cells,
    ledger_rows,
    ledger_sheet,
    shown_records,
    write_ledgers,
)
from ftzkb.export.rows import Column, Sheet, matrix_sheets
from ftzkb.load.loader import load_corpus
from ftzkb.load.model import PUBLIC
from ftzkb.load.version import data_version
from ftzkb.replication import adoption_matrix, batch_targets, batches, eligible, flow_matrix
from ledger_corpus import ledger_corpus

STYLE_PARTS = ("fill", "protection", "alignment", "number_format", "font", "border")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small national-shaped corpus: many carriers, mandating batches, records in every audience."""
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic(SynthSpec(cases=120, seed=3), root)
    return load_corpus(root).corpus


def same_workbook(a: bytes, b: bytes, tmp_path: Path) -> None:
    """Every sheet, cell (value and look), merged range, validation, pane and print setting alike."""
    (tmp_path / "a.xlsx").write_bytes(a)
    (tmp_path / "b.xlsx").write_bytes(b)
    left, right = load_workbook(tmp_path / "a.xlsx"), load_workbook(tmp_path / "b.xlsx")
    assert left.sheetnames == right.sheetnames
    for one, two in zip(left.worksheets, right.worksheets, strict=True):
        assert one.dimensions == two.dimensions, one.title
        assert [c.value for row in one.iter_rows() for c in row] == [c.value for row in two.iter_rows() for c in row]
        for row_one, row_two in zip(one.iter_rows(), two.iter_rows(), strict=True):
            for first, second in zip(row_one, row_two, strict=True):
                for part in STYLE_PARTS:
                    assert repr(getattr(first, part)) == repr(getattr(second, part)), (one.title, first.coordinate)
        assert {r: d.height for r, d in one.row_dimensions.items() if d.height} == \
            {r: d.height for r, d in two.row_dimensions.items() if d.height}, one.title
        assert sorted(map(str, one.merged_cells.ranges)) == sorted(map(str, two.merged_cells.ranges))
        assert [(v.type, str(v.sqref), v.formula1, v.prompt) for v in one.data_validations.dataValidation] == \
            [(v.type, str(v.sqref), v.formula1, v.prompt) for v in two.data_validations.dataValidation]
        assert (one.freeze_panes, one.print_title_rows, one.auto_filter.ref, one.protection.sheet) == \
            (two.freeze_panes, two.print_title_rows, two.auto_filter.ref, two.protection.sheet)
        for letter, dimension in one.column_dimensions.items():
            other = two.column_dimensions[letter]
            assert (dimension.width, dimension.hidden, repr(dimension.protection), repr(dimension.fill)) == \
                (other.width, other.hidden, repr(other.protection), repr(other.fill))


def ledger_sheets(corpus, carrier_id: str, audience: str = PUBLIC) -> list[Sheet]:
    carrier = corpus.carriers[carrier_id]
    version = data_version(corpus.root, corpus)
    rows = ledger_rows(corpus, carrier, audience)
    return [cover_sheet(carrier, version, "省自贸办", "2026-12-02", len(rows), audience),
            ledger_sheet(corpus, carrier, version, rows, audience)]


HOSTILE = ["=HYPERLINK(\"http://x\")", "  前后空格  ", "a & b < c > d", "控制\x01字符\x1f", "_x0041_ 看似转义",
           "换行\n第二行", "长" * 40000, "", "@SUM(A1)"]


def test_serialized_rows_make_the_workbook_xlsxwriter_makes_cell_by_cell(synthetic, tmp_path):
    corpus = synthetic
    busy = max(corpus.carriers, key=lambda c: len(ledger_rows(corpus, corpus.carriers[c], "internal")))
    hostile = Sheet("表", [Column("text", "文字", "text"), Column("number", "数", "number"),
                          Column("note", "备注", "note")],
                    [{"text": text, "number": n * 1.5 if n % 2 else n, "note": "" if n % 3 else True}
                     for n, text in enumerate(HOSTILE)], editable=frozenset({"note"}), protect=True)
    matrix = matrix_sheets(adoption_matrix(corpus), flow_matrix(corpus, "type"), lang="zh")
    for sheets in (ledger_sheets(corpus, busy, "internal"), [hostile], matrix):
        same_workbook(xlsx_bytes(sheets, "zh", plain=True), xlsx_bytes(sheets, "zh"), tmp_path)


def test_a_column_to_fill_in_is_unlocked_and_tinted_as_a_whole(synthetic, tmp_path):
    (tmp_path / "l.xlsx").write_bytes(xlsx_bytes(ledger_sheets(synthetic, sorted(synthetic.carriers)[0]), "zh"))
    sheet = load_workbook(tmp_path / "l.xlsx")["台账"]
    status, case_id = sheet.column_dimensions["G"], sheet.column_dimensions["A"]
    assert status.protection.locked is False and status.fill.fgColor.rgb.endswith("FFF9E6")
    assert case_id.protection.locked is not False  # the case columns stay read-only


def test_rows_kept_between_workbooks_give_the_same_workbooks(synthetic):
    carriers = sorted(synthetic.carriers)[:6]
    cache = RowsCache()
    kept = [xlsx_bytes(ledger_sheets(synthetic, c), "zh", cache=cache) for c in carriers]
    assert cache.rows, "rows were kept"
    assert kept == [xlsx_bytes(ledger_sheets(synthetic, c), "zh") for c in carriers]


def plain_ledger_rows(corpus, carrier, audience=PUBLIC) -> list[LedgerRow]:
    """The rows by the rule, case by case: what `ledger_rows` gives from its shared tables."""
    mandated: dict[str, list[str]] = {}
    for info in batches(corpus):
        if info.level.endswith("replication") and carrier.id in batch_targets(corpus, info):
            for case_id in info.cases:
                if corpus.cases[case_id].origin_carrier != carrier.id:
                    mandated.setdefault(case_id, []).append(info.key)
    rows = []
    for case in sorted(corpus.cases.values(), key=lambda c: c.id):
        if audience == PUBLIC and case.audience != PUBLIC:
            continue
        records = shown_records(case, carrier.id, audience)
        group = MANDATED if case.id in mandated else HAS_RECORDS if records else ELIGIBLE
        if group == ELIGIBLE and (case.origin_carrier == carrier.id or case.lifecycle != "active"
                                  or not eligible(case, carrier)):
            continue
        rows.append(LedgerRow(case, group, tuple(mandated.get(case.id, ())), records))
    order = {MANDATED: 0, HAS_RECORDS: 1, ELIGIBLE: 2}
    return sorted(rows, key=lambda r: (order[r.group], r.case.id))


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_ledger_rows_are_the_rows_of_the_rule(synthetic, audience, tmp_path):
    groups = set()
    for corpus in (synthetic, load_corpus(ledger_corpus(tmp_path / "corpus")).corpus):
        for carrier in corpus.carriers.values():
            fast, plain = ledger_rows(corpus, carrier, audience), plain_ledger_rows(corpus, carrier, audience)
            assert fast == plain, carrier.id
            assert [ledger_row_cells(corpus, r) for r in fast] == [ledger_row_cells(corpus, r) for r in plain]
            groups |= {row.group for row in fast}
    assert groups == {MANDATED, HAS_RECORDS, ELIGIBLE}, "the corpora exercise every group"


def test_a_round_shared_between_processes_writes_the_same_files(tmp_path, monkeypatch):
    corpus = load_corpus(ledger_corpus(tmp_path / "corpus")).corpus
    version = data_version(corpus.root, corpus)
    monkeypatch.setattr(ledger_export, "PARALLEL_FROM", 2)
    written = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FTZKB_JOBS", jobs)
        out = tmp_path / f"jobs-{jobs}"
        out.mkdir()
        counted = []
        paths = write_ledgers(Round(corpus, version, out, "xlsx", "省自贸办", "2026-12-02"), sorted(corpus.carriers),
                              counted.append)
        assert sum(counted) == len(corpus.carriers) == len(paths)
        written[jobs] = [(p.name, p.read_bytes()) for p in paths]
    assert written["1"] == written["2"]


def test_an_export_is_the_same_bytes_whatever_the_hash_seed(tmp_path):
    root = ledger_corpus(tmp_path / "corpus")
    made = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        result = ftzkb("ledger", "export", "zone-b", "-o", str(out), root=root, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        made.append([p.read_bytes() for p in sorted(out.iterdir())])
    assert made[0] == made[1]


def test_the_serialized_writer_still_meets_the_xlsxwriter_it_was_written_for():
    """`PreparedRowsSheet` overrides two internals of xlsxwriter 3.x; a new major version must be
    looked at (and this test, with the ones above, run) before the pin is moved."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    assert xlsxwriter.__version__.split(".")[0] == "3"
    assert callable(getattr(Worksheet, "_write_rows", None)) and callable(Worksheet._check_dimensions)
    code = "import ftzkb.export.files as f, sys; print(f._PreparedRowsSheet)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ}).stdout.strip() == "None", "made on first use, not at import"


def test_a_row_whose_text_wraps_is_as_tall_as_its_lines(tmp_path):
    """LibreOffice and WPS do not fit rows to wrapped text: a long title would run into the next
    row on screen and on paper. Both paths set the height."""
    columns = [Column("case", "案例编号", "case id", 20), Column("title", "案例名称", "title", 20)]
    rows = [{"case": "short", "title": "短标题"},
            {"case": "lyg-china-kyrgyzstan-uzbekistan-road-rail", "title": "中吉乌公铁联运国际货运班列"},
            {"case": "x", "title": "第一行\n第二行\n第三行"}]
    sheet = Sheet("表", columns, rows, wrap=True)
    for plain in (True, False):
        (tmp_path / "w.xlsx").write_bytes(xlsx_bytes([sheet], "zh", plain=plain))
        heights = load_workbook(tmp_path / "w.xlsx")["表"].row_dimensions
        assert not heights[2].height, "one line: Excel's own height"
        assert heights[3].height == 45  # 41 columns of id in a 20-wide column: three lines
        assert heights[4].height == 45  # three lines written


def test_a_column_that_does_not_wrap_is_as_wide_as_its_longest_text(tmp_path):
    """A matrix or download sheet does not wrap: its long ids would be cut off on screen and paper."""
    columns = [Column("case", "案例 id", "case id", 14), Column("title", "标题", "title", 10)]
    rows = [{"case": "ks-cross-strait-financial-reform-zone", "title": "长" * 80}, {"case": "a", "title": "短"}]
    (tmp_path / "w.xlsx").write_bytes(xlsx_bytes([Sheet("表", columns, rows)], "zh"))
    widths = load_workbook(tmp_path / "w.xlsx")["表"].column_dimensions
    assert widths["A"].width >= len("ks-cross-strait-financial-reform-zone")
    assert 59 <= widths["B"].width <= 61  # capped: the printed page would shrink too far
