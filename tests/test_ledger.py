"""The reporting round: ledgers exported per carrier, filled the way officials fill them
(tests/data/ledgers/, made by make_ledgers.py), and read back to exactly the expected records."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ftzkb
from ftzkb.load.loader import load_corpus
from ledger_corpus import ledger_corpus

LEDGERS = Path(__file__).parent / "data" / "ledgers"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return ledger_corpus(tmp_path / "corpus")


def records(root: Path, case_id: str, carrier: str = "zone-b") -> list[tuple]:
    case = load_corpus(root).corpus.cases[case_id]
    return [(a.status, a.date, a.until, tuple(s.document or s.url for s in a.evidence),
             a.note.text if a.note else None) for a in case.adoptions if a.carrier == carrier]


def texts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted((root / "cases").glob("*.yaml"))}


def imported(root: Path, *names: str, extra: tuple[str, ...] = ()) -> str:
    result = ftzkb("ledger", "import", *(str(LEDGERS / n) for n in names), *extra, root=root, lang="zh")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


def only_added_lines(before: str, after: str) -> bool:
    """The edit added the records and changed nothing else (minimal diff)."""
    import difflib

    changes = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    return bool(changes) and all(line.startswith("+") for line in changes)


ADOPTED_C1 = [("adopted", "2021-03", None, ("乙经开〔2021〕5号",), None)]


def test_renamed_file_and_sheet_with_excel_dates(root):
    before = texts(root)
    out = imported(root, "01-乙经开区填报（终稿）.xlsx")
    assert records(root, "c1") == ADOPTED_C1
    assert records(root, "c3") == [("planned", "2022-05-17", None, ("https://example.gov.cn/plan.html",), None)]
    assert "zone-b: 未改动的行 2，新增记录 2" in out
    after = texts(root)
    assert only_added_lines(before["c1.yaml"], after["c1.yaml"]) and after["c2.yaml"] == before["c2.yaml"]


def test_title_rows_merged_cells_blank_and_hidden_rows(root):
    imported(root, "02-title-rows-hidden-row.xlsx")
    assert records(root, "c4") == [("piloting", "2023-06", None, ("乙经开〔2023〕12号",), "在综保区先行试点")]
    assert records(root, "c1") == [] and records(root, "c3") == []


def test_codes_dotted_and_full_width_dates_and_stray_spaces(root):
    imported(root, "03-codes-and-loose-dates.xlsx")
    assert records(root, "c1") == ADOPTED_C1
    assert records(root, "c3") == [("planned", "2022-05", None, ("乙经开〔2022〕2号",), None)]


def test_gbk_csv_with_slashed_dates(root):
    imported(root, "04-gbk.csv")
    assert records(root, "c1") == [("adopted", "2021-03-05", None, ("乙经开〔2021〕5号",), None)]


def test_outcome_figures_are_read_with_their_source(root):
    imported(root, "05-outcome.csv")
    [adoption] = load_corpus(root).corpus.cases["c1"].adoptions
    [figure] = adoption.outcome_figures
    assert (figure.metric, figure.before, figure.after, figure.unit, figure.source.document) == (
        "processing-time", 15, 5, "工作日", "乙经开〔2022〕8号")


def test_a_status_change_keeps_the_old_period_and_formula_text_stays_text(root):
    before = texts(root)["c2.yaml"]
    imported(root, "06-status-change.xlsx")
    assert records(root, "c2") == [
        ("piloting", "2021-01", "2022-01", ("乙经开〔2021〕1号",), None),
        ("adopted", "2022-01", None, ("乙经开〔2022〕1号",), '=HYPERLINK("http://evil")')]
    after = texts(root)["c2.yaml"]
    assert '    until: "2022-01"\n' in after and len(after.splitlines()) > len(before.splitlines())


def test_every_problem_of_every_row_is_named_and_nothing_is_written(root):
    before = texts(root)
    result = ftzkb("ledger", "import", str(LEDGERS / "07-mistakes.xlsx"), root=root, lang="zh")
    assert result.returncode == 1 and before == texts(root)
    err = result.stderr
    assert "07-mistakes.xlsx:台账:" in err
    assert "“已落地”不在可选值中" in err and "日期“2021-13”看不懂或不存在" in err  # one row, both problems
    assert "“很多”不是数字" in err
    assert "必须写证据" in err
    assert "未写入任何文件" in err and "Traceback" not in err


def test_dry_run_shows_the_plan_and_json_is_for_tools(root):
    before = texts(root)
    result = ftzkb("ledger", "import", str(LEDGERS / "06-status-change.xlsx"), "--dry-run", "--format", "json",
                   root=root)
    import json

    plan = json.loads(result.stdout)
    assert plan["dry_run"] and plan["files_written"] == 0
    assert plan["carriers"]["zone-b"]["new-period"] == 1 and "+    until: \"2022-01\"" in plan["diff"]
    assert texts(root) == before


def test_a_record_changed_after_the_export_is_a_conflict_and_nothing_is_written(root):
    path = root / "cases" / "c2.yaml"
    path.write_text(path.read_text("utf-8").replace('date: "2021-01"', 'date: "2021-02"'), "utf-8")
    before = texts(root)
    result = ftzkb("ledger", "import", str(LEDGERS / "06-status-change.xlsx"),
                   str(LEDGERS / "01-乙经开区填报（终稿）.xlsx"), root=root, lang="zh")
    assert result.returncode == 1 and "冲突" in result.stderr and "c2 ← zone-b" in result.stderr
    assert texts(root) == before


def test_export_then_import_untouched_changes_nothing(root, tmp_path):
    out = tmp_path / "out"
    assert ftzkb("ledger", "export", "--all", "-o", str(out), root=root).returncode == 0
    before = texts(root)
    result = ftzkb("ledger", "import", str(out), root=root, lang="zh")
    assert result.returncode == 0, result.stderr
    assert texts(root) == before and "已写入 0 个文件" in result.stderr


def test_history_is_kept_across_three_imports(root, tmp_path):
    imported(root, "06-status-change.xlsx")  # piloting 2021-01 -> adopted 2022-01
    out = tmp_path / "round-2"
    assert ftzkb("ledger", "export", "zone-b", "-o", str(out), root=root).returncode == 0
    [workbook] = out.glob("*.xlsx")
    book = load_workbook(workbook)
    sheet = book["台账"]
    row = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == "c2")
    assert sheet.cell(row, 7).value == "已复制" and sheet.cell(row, 8).value == "2022-01"  # prefilled
    sheet.cell(row, 7, "已撤回")
    sheet.cell(row, 8, "2024-07")
    sheet.cell(row, 9, "乙经开〔2024〕9号")
    book.save(workbook)
    result = ftzkb("ledger", "import", str(workbook), root=root, lang="zh")
    assert result.returncode == 0, result.stderr
    assert [r[:3] for r in records(root, "c2")] == [("piloting", "2021-01", "2022-01"),
                                                    ("adopted", "2022-01", "2024-07"),
                                                    ("withdrawn", "2024-07", None)]
    assert ftzkb("validate", "--strict", root=root).returncode == 0


def test_the_exported_workbook_is_one_an_official_can_fill(root, tmp_path):
    assert ftzkb("ledger", "export", "zone-b", "-o", str(tmp_path), root=root).returncode == 0
    [workbook] = tmp_path.glob("台账-乙经开区-zone-b.xlsx")
    book = load_workbook(workbook)
    assert book.sheetnames == ["填写说明", "台账"]
    cover = " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "乙经开区" in cover and "zone-b" in cover and "数据版本" in cover and "交回" in cover
    sheet = book["台账"]
    assert sheet.protection.sheet and sheet.freeze_panes == "C3" and sheet.auto_filter.ref
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    [status_list] = [v for v in sheet.data_validations.dataValidation if v.type == "list" and "G" in str(v.sqref)]
    assert "已复制" in status_list.formula1 and "试点中" in status_list.formula1
    headings = [c.value for c in sheet[2]]
    assert headings[:2] == ["案例编号", "案例名称"] and "复制状态" in headings and "成效指标" in headings
    assert not sheet.cell(3, 1).protection.hidden and sheet.cell(3, 1).protection.locked
    assert not sheet.cell(3, 7).protection.locked  # the status cell is editable


def test_a_value_that_looks_like_a_formula_never_becomes_one(root, tmp_path):
    imported(root, "06-status-change.xlsx")
    assert ftzkb("ledger", "export", "zone-b", "-o", str(tmp_path), root=root).returncode == 0
    assert ftzkb("ledger", "export", "zone-b", "--format", "csv", "-o", str(tmp_path), root=root).returncode == 0
    sheet = load_workbook(next(tmp_path.glob("*.xlsx")))["台账"]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value or "").startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    [line] = [r for r in csv.reader(next(tmp_path.glob("*.csv")).open(encoding="utf-8-sig")) if r and r[0] == "c2"]
    assert line[9] == "'=HYPERLINK(\"http://evil\")"
    # and reading the CSV back gives the text as it was, not one more apostrophe per round trip
    result = ftzkb("ledger", "import", str(next(tmp_path.glob("*.csv"))), root=root, lang="zh")
    assert result.returncode == 0 and records(root, "c2")[-1][4] == '=HYPERLINK("http://evil")'


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.xlsx", b"just some text, renamed", "不是 .xlsx 工作簿"),
    ("empty.csv", b"", "是空表"),
    ("letter.csv", "尊敬的领导：\n台账已收悉。\n".encode(), "找不到表头"),
    ("x.txt", b"hello", "找不到表头"),
])
def test_a_file_that_is_not_a_ledger_is_refused_with_exit_2(root, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = ftzkb("ledger", "import", str(path), root=root, lang="zh")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    folded = ftzkb("adopt", "--from-sheet", str(path), root=root, lang="zh")
    assert folded.returncode == 2 and "已写入 0 个文件" not in folded.stderr


def test_a_zip_bomb_and_a_huge_csv_are_refused_before_parsing(root, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    shutil.copy(LEDGERS / "03-codes-and-loose-dates.xlsx", bomb)
    with zipfile.ZipFile(bomb, "a") as archive:  # a tiny part that claims the whole sheet
        archive.writestr("xl/worksheets/sheet9.xml", '<worksheet><dimension ref="A1:XFD1048576"/></worksheet>')
    result = ftzkb("ledger", "import", str(bomb), root=root, lang="zh")
    assert result.returncode == 2 and "1,048,576 行" in result.stderr
    expanding = tmp_path / "expanding.xlsx"
    with zipfile.ZipFile(expanding, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * 250_000_000 + b"</worksheet>")
    result = ftzkb("ledger", "import", str(expanding), root=root, lang="zh")
    assert result.returncode == 2 and "疑似压缩炸弹" in result.stderr
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.write(b"case,carrier,status\n" + b"c1,zone-b,adopted\n" * 2_800_000)  # 50 MB
    result = ftzkb("ledger", "import", str(huge), root=root, lang="zh")
    assert result.returncode == 2 and "超过上限" in result.stderr and "Traceback" not in result.stderr
