"""`ftzkb adopt --from-sheet`: many adoptions from the CSV and XLSX files officials receive,
all or nothing, with a dry run; and an export read back unchanged."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from conftest import ftzkb as run_ftzkb
from conftest import minimal_case, write_corpus
from ftzkb.export import ADOPTION_COLUMNS, adoption_rows, write_csv
from ftzkb.load.loader import load_corpus
from ftzkb.record.bulk import plan_sheet
from ftzkb.record.sheets import read_sheet
from ftzkb.rules.validate import validate

SHEETS = Path(__file__).parent / "data" / "sheets"
PROVINCIAL = 'recognitions:\n  - level: provincial-replication\n    batch: 1\n    date: "2020"\n'


@pytest.fixture
def root(tmp_path):
    return write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1"), "c2": minimal_case("c2", PROVINCIAL)})


ftzkb = partial(run_ftzkb, lang="en")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "cases").iterdir())}


def records(root: Path) -> dict[tuple[str, str], dict]:
    corpus = load_corpus(root).corpus
    return {(case.id, a.carrier): {"status": a.status, "date": a.date, "mandate": a.mandate,
                                   "learned_from": a.learned_from_carrier, "evidence": len(a.evidence)}
            for case in corpus.cases.values() for a in case.adoptions}


def test_chinese_csv_with_labels_names_and_evidence(root):
    result = ftzkb("adopt", "--from-sheet", str(SHEETS / "adoptions-zh.csv"), "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert records(root) == {
        ("c1", "zone-b"): {"status": "adopted", "date": "2021-03", "mandate": "unknown", "learned_from": None,
                           "evidence": 1},
        ("c1", "zone-c"): {"status": "piloting", "date": "2021", "mandate": "unknown", "learned_from": "zone-b",
                           "evidence": 0},  # the carrier was named 丙高新区
        ("c2", "zone-b"): {"status": "adopted", "date": "2022-01-05", "mandate": "mandated", "learned_from": None,
                           "evidence": 2},
    }
    assert validate(root).errors == 0


def test_xlsx_dates_keep_the_precision_the_cell_shows(root):
    result = ftzkb("adopt", "--from-sheet", str(SHEETS / "adoptions.xlsx"), "--root", str(root))
    assert result.returncode == 0, result.stderr
    found = records(root)
    assert found[("c1", "zone-b")]["date"] == "2021-03"  # typed 2021-03, stored by Excel as a date
    assert found[("c2", "zone-c")] == {"status": "planned", "date": "2022-05-17", "mandate": "unknown",
                                       "learned_from": None, "evidence": 0}
    assert found[("c2", "zone-b")]["status"] == "adopted"
    note = load_corpus(root).corpus.cases["c2"].adoptions[1].note
    assert note.text == '=HYPERLINK("http://evil")'  # kept as text, never a formula


def test_gb18030_csv_from_excel_on_chinese_windows(root):
    plan = plan_sheet(SHEETS / "adoptions-gbk.csv", root)
    assert not plan.problems and plan.plans[0].actions == [("c1", "zone-b", "added")]


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_listed(root):
    before = snapshot(root)
    result = ftzkb("adopt", "--from-sheet", str(SHEETS / "adoptions-bad.csv"), "--root", str(root))
    assert result.returncode == 1
    for expected in ("adoptions-bad.csv:3: carrier 'zone-q' is not in carriers/",
                     "adoptions-bad.csv:4: case 'c9' is not in cases/",
                     "adoptions-bad.csv:5:C: 'adoptd' is not an allowed value; did you mean adopted",
                     "3 problems in the sheet"):  # row 6's 2021.3.5 is read as 2021-03-05
        assert expected in result.stderr
    assert snapshot(root) == before


def test_dry_run_prints_the_diff_and_writes_nothing(root):
    before = snapshot(root)
    result = ftzkb("adopt", "--from-sheet", str(SHEETS / "adoptions-zh.csv"), "--dry-run", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "+  - carrier: zone-b" in result.stdout and "+    date: \"2022-01-05\"" in result.stdout
    assert "dry run: 2 files would change" in result.stderr
    assert snapshot(root) == before


def test_several_rows_for_one_case_become_one_write(root):
    plan = plan_sheet(SHEETS / "adoptions-zh.csv", root)
    by_file = {p.path.name: [a[2] for a in p.actions] for p in plan.plans}
    assert by_file == {"c1.yaml": ["added", "added"], "c2.yaml": ["added"]}


def test_an_exported_sheet_reads_back_without_changes(root, tmp_path):
    ftzkb("adopt", "--from-sheet", str(SHEETS / "adoptions-zh.csv"), "--root", str(root))
    exported = tmp_path / "export.csv"
    write_csv(adoption_rows(load_corpus(root).corpus), exported, ADOPTION_COLUMNS)
    assert len(read_sheet(exported)) == 3
    before = snapshot(root)
    plan = plan_sheet(exported, root)
    assert not plan.problems
    assert {a[2] for p in plan.plans for a in p.actions} == {"unchanged"}
    assert snapshot(root) == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("list.ods", b"x", "use .csv or .xlsx"),
    ("empty.csv", b"", "is empty"),
    ("broken.xlsx", b"not a zip", "cannot read the Excel file"),
    ("noheads.csv", b"foo,bar\n1,2\n", "the sheet needs 'case id' and 'carrier id' columns"),
])
def test_unreadable_sheets_are_refused(root, tmp_path, name, content, message):
    sheet = tmp_path / name
    sheet.write_bytes(content)
    result = ftzkb("adopt", "--from-sheet", str(sheet), "--root", str(root))
    assert result.returncode in (1, 2) and message in result.stderr
    assert "Traceback" not in result.stderr
