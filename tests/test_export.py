"""Export rows (also the site's downloads) and the writers: CSV for Excel, XLSX, terminal tables."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from conftest import minimal_case, write_corpus
from ftzkb.commands.tables import display_width, fit, format_table
from ftzkb.export import (
    ADOPTION_COLUMNS,
    CASE_COLUMNS,
    STATUS_COLOURS,
    Column,
    Sheet,
    adoption_rows,
    carrier_rows,
    case_rows,
    matrix_sheets,
    write_csv,
    write_xlsx,
)
from ftzkb.load.loader import load_corpus
from ftzkb.record.sheets import read_sheet
from ftzkb.replication import adoption_matrix, flow_matrix
from ftzkb.vocab import label

ADOPTIONS = """\
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2021-03"
    note: "=cmd|' /C calc'!A0"
  - carrier: zone-c
    status: planned
    audience: internal
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    secret = minimal_case("secret", "audience: internal\n")
    return load_corpus(write_corpus(root, {"c1": minimal_case("c1", ADOPTIONS), "secret": secret})).corpus


def test_case_rows(corpus):
    rows = {r["id"]: r for r in case_rows(corpus, lang="zh")}
    assert rows["c1"]["categories"] == "金融开放创新"
    assert (rows["c1"]["adopters"], rows["c1"]["records"]) == (1, 2)
    assert rows["c1"]["origin_name"] == "甲片区"
    assert set(rows["c1"]) == {c.key for c in CASE_COLUMNS}


def test_public_rows_leave_out_internal_cases_and_records(corpus):
    assert [r["id"] for r in case_rows(corpus, public_only=True)] == ["c1"]
    assert [r["carrier"] for r in adoption_rows(corpus, public_only=True)] == ["zone-b"]
    assert [r["carrier"] for r in adoption_rows(corpus)] == ["zone-b", "zone-c"]
    assert {r["id"]: r["originated"] for r in carrier_rows(corpus, public_only=True)}["area-a"] == 1
    assert {r["id"]: r["originated"] for r in carrier_rows(corpus)}["area-a"] == 2


def test_csv_file_has_a_bom_for_excel_and_neutralises_formulas(corpus, tmp_path):
    path = tmp_path / "adoptions.csv"
    write_csv(adoption_rows(corpus), path, ADOPTION_COLUMNS, lang="zh")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff案例 id,案例标题".encode())
    assert "'=cmd|' /C calc'!A0" in raw.decode("utf-8-sig")
    rows = read_sheet(path)
    assert rows[0].values["载体 id"] == "zone-b" and rows[0].values["日期代码"] == "2021-03"


def test_adoption_rows_show_labels_with_the_codes_beside_them(corpus, tmp_path):
    """A reader sees 已复制, 2021年3月, 公开; a program (or `adopt --from-sheet`) reads the codes."""
    path = tmp_path / "adoptions.csv"
    write_csv(adoption_rows(corpus, lang="zh"), path, ADOPTION_COLUMNS, lang="zh")
    first = read_sheet(path)[0].values
    assert (first["状态"], first["状态代码"]) == ("已复制", "adopted")
    assert (first["日期"], first["日期代码"]) == ("2021-03", "2021-03")
    assert (first["公开范围"], first["公开范围代码"]) == ("公开", "public")
    assert (first["性质"], first["性质代码"]) == (label("mandate", first["性质代码"]), first["性质代码"])
    shown = [v for k, v in first.items() if not k.endswith(("代码", "id"))]
    assert not {"adopted", "unknown", "public", "mandated", "voluntary"} & set(shown)


def test_csv_to_a_stream_has_no_bom():
    stream = io.StringIO()
    write_csv([{"a": "甲", "b": 1}], stream)
    assert stream.getvalue() == "a,b\r\n甲,1\r\n"


def test_xlsx_matrix_has_frozen_panes_colours_and_a_legend(corpus, tmp_path):
    path = tmp_path / "matrix.xlsx"
    matrix = adoption_matrix(corpus)
    write_xlsx(matrix_sheets(matrix, flow_matrix(corpus, "type"), lang="zh", filters_text="status=adopted"), path)
    book = load_workbook(path)
    assert book.sheetnames == ["复制推广矩阵", "图例", "流向"]
    sheet = book["复制推广矩阵"]
    assert sheet.freeze_panes == "C2"
    headings = [c.value for c in sheet[1]]
    assert headings[:4] == ["案例 id", "标题", "首创载体", "开始"]
    c1 = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "c1")
    adopted = c1[headings.index("乙经开区")]
    assert adopted.value == "已复制 2021-03"
    assert adopted.fill.start_color.rgb.endswith(STATUS_COLOURS["adopted"])
    planned = c1[headings.index("丙高新区")]
    assert planned.fill.start_color.rgb.endswith(STATUS_COLOURS["planned"])
    legend = book["图例"]
    assert [legend.cell(r, 3).value for r in range(2, 9)] == ["adopted", "adapted", "piloting", "planned",
                                                               "declined", "withdrawn", "unknown"]
    assert [legend.cell(r, 1).value for r in (2, 5, 8)] == ["已复制", "计划复制", "状态不明"]
    assert legend.cell(2, 1).fill.start_color.rgb.endswith(STATUS_COLOURS["adopted"])
    assert legend.cell(9, 2).value == "status=adopted"


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx([Sheet("表", [Column("note", "备注", "note")], [{"note": "=1+1"}])], path)
    cell = load_workbook(path)["表"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_sheet_titles_are_made_legal(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx([Sheet("a/b:c" * 10, [Column("x", "x", "x")], [])], path)
    assert load_workbook(path).sheetnames == [("a b c" * 10)[:31]]


def test_terminal_tables_align_chinese_text():
    assert display_width("南京片区") == 8
    assert fit("南京片区", 6) == "南京… "
    table = format_table(["名称", "n"], [["南京片区", 1], ["sip", 22]]).splitlines()
    assert table[0] == "名称      n"
    assert table[2] == "南京片区  1"
    assert table[3] == "sip       22"
