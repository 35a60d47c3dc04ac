"""Make the filled ledgers in this folder the way officials return them: export zone-b's ledger
from the test corpus (tests/ledger_corpus.py), then fill it as people do — renamed files and
sheets, title rows inserted, merged cells, hidden and blank rows, Excel dates, `2021.3`,
`2021年3月`, full-width digits, GBK CSV. Run from the repository root:

    .venv/bin/python tests/data/ledgers/make_ledgers.py

The files are committed; the tests import them (tests/test_ledger.py). Re-run this only when the
ledger layout or its check codes change.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for conftest and ledger_corpus

from openpyxl import load_workbook  # noqa: E402

from ftzkb.export.ledger import write_ledger  # noqa: E402
from ftzkb.load.loader import load_corpus  # noqa: E402
from ftzkb.load.version import DataVersion  # noqa: E402
from ledger_corpus import ledger_corpus  # noqa: E402

VERSION = DataVersion("0123456789abcdef0123456789abcdef01234567", dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
COLUMNS = {"status": 7, "date": 8, "evidence": 9, "note": 10, "metric": 11, "before": 12, "after": 13,
           "change": 14, "unit": 15, "source": 16}  # 1-based columns of the ledger sheet


def exported(workdir: Path, fmt: str) -> Path:
    root = ledger_corpus(workdir / "corpus")
    corpus = load_corpus(root).corpus
    return write_ledger(corpus, corpus.carriers["zone-b"], VERSION, workdir, fmt, "省自贸办", "2026-11-30")


def row_of(sheet, case_id: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == case_id:
            return row[0].row
    raise KeyError(case_id)


def fill(sheet, case_id: str, **values) -> None:
    number = row_of(sheet, case_id)
    for key, value in values.items():
        sheet.cell(number, COLUMNS[key], value)


def make(workdir: Path) -> None:
    source = exported(workdir, "xlsx")

    # 1. Renamed file and sheet; Chinese labels; dates typed as 2021-03 and stored by Excel as dates.
    book = load_workbook(source)
    sheet = book["台账"]
    sheet.title = "Sheet1"
    fill(sheet, "c1", status="已复制", date=dt.datetime(2021, 3, 1), evidence="乙经开〔2021〕5号")
    sheet.cell(row_of(sheet, "c1"), COLUMNS["date"]).number_format = "yyyy-mm"
    fill(sheet, "c3", status="计划复制", date=dt.datetime(2022, 5, 17), evidence="https://example.gov.cn/plan.html")
    sheet.cell(row_of(sheet, "c3"), COLUMNS["date"]).number_format = "yyyy/m/d"
    book.save(HERE / "01-乙经开区填报（终稿）.xlsx")

    # 2. Two title rows inserted above (merged), a blank row and a hidden row in the middle.
    book = load_workbook(source)
    sheet = book["台账"]
    sheet.insert_rows(1, 2)
    sheet["A1"] = "乙经济技术开发区复制推广工作台账"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "填报单位（盖章）：乙经开区管委会        填报日期：2026年12月"
    fill(sheet, "c4", status="试点中", date="2023年6月", evidence="乙经开〔2023〕12号", note="在综保区先行试点")
    blank = row_of(sheet, "c3")
    sheet.insert_rows(blank, 1)
    sheet.row_dimensions[row_of(sheet, "c4")].hidden = True
    book.save(HERE / "02-title-rows-hidden-row.xlsx")

    # 3. Codes instead of labels, dotted and full-width dates, stray spaces.
    book = load_workbook(source)
    sheet = book["台账"]
    fill(sheet, "c1", status=" adopted ", date="2021.3", evidence="乙经开〔2021〕5号 ")
    fill(sheet, "c3", status="planned", date="２０２２－０５", evidence="乙经开〔2022〕2号")
    book.save(HERE / "03-codes-and-loose-dates.xlsx")

    # 4. The CSV export, filled and saved by Excel on Chinese Windows (GBK), slashed dates.
    csv_source = exported(workdir, "csv")
    rows = list(csv.reader(csv_source.open(encoding="utf-8-sig")))
    for row in rows:
        if row and row[0] == "c1":
            row[6:9] = ["已复制", "2021/03/05", "乙经开〔2021〕5号"]
    with (HERE / "04-gbk.csv").open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows)

    # 5. UTF-8 CSV with an outcome figure.
    for row in rows:
        if row and row[0] == "c1":
            row[6:16] = ["已复制", "2021-03", "乙经开〔2021〕5号", "", "办理或审批用时", "15", "5", "", "工作日",
                         "乙经开〔2022〕8号"]
    with (HERE / "05-outcome.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)

    # 6. The piloted case adopted: a status change (new period), and the note carrying a formula-like text.
    book = load_workbook(source)
    sheet = book["台账"]
    fill(sheet, "c2", status="已复制", date="2022-01", evidence="乙经开〔2022〕1号", note='=HYPERLINK("http://evil")')
    sheet.cell(row_of(sheet, "c2"), COLUMNS["note"]).data_type = "s"
    book.save(HERE / "06-status-change.xlsx")

    # 7. Every kind of mistake at once: unknown status, impossible date, a number that is not one.
    book = load_workbook(source)
    sheet = book["台账"]
    fill(sheet, "c1", status="已落地", date="2021-13", evidence="乙经开〔2021〕5号")
    fill(sheet, "c3", status="已复制", date="2022-02", evidence="乙经开〔2022〕3号", metric="融资金额", after="很多",
         source="乙经开〔2022〕4号")
    fill(sheet, "c4", status="已复制", date="2022")
    book.save(HERE / "07-mistakes.xlsx")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        make(Path(scratch))
    for leftover in HERE.glob("~$*"):
        leftover.unlink()
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix in (".xlsx", ".csv"))))
