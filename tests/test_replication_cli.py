"""`ftzkb matrix | stats | gaps | lineage | batch` as officials run them: text, JSON, CSV and
XLSX output, bilingual help, and clear errors for unknown ids (real processes on real files)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from conftest import ftzkb as run_ftzkb
from test_replication_queries import build_sample


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("cli"))


def ftzkb(root, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return run_ftzkb(*args, root=root, lang=lang)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_matrix_json_and_filters(root):
    data = json.loads(ok(ftzkb(root, "matrix", "--format", "json", "--origin", "ftz-area", "--status", "adopted")))
    assert [row["case_id"] for row in data["rows"]] == ["c1", "c3"]
    assert data["rows"][0]["cells"]["etdz-1"]["status"] == "adopted"


def test_matrix_text_shows_symbols_and_a_legend(root):
    out = ok(ftzkb(root, "matrix", lang="zh"))
    assert "图例：● 已复制 5" in out and "◐ 试点中 1" in out
    assert "一号经开区 (etdz-1)" in out


def test_matrix_csv_to_stdout(root):
    rows = list(csv.reader(io.StringIO(ok(ftzkb(root, "matrix", "--format", "csv", "--year", "2020")))))
    assert rows[0][:4] == ["case id", "title", "origin", "started"]
    assert "一号经开区 (etdz-1)" in rows[0]
    c1 = next(r for r in rows if r[0] == "c1")
    assert c1[rows[0].index("一号经开区 (etdz-1)")] == "Adopted 2020-07"


def test_matrix_xlsx_file(root, tmp_path):
    out = tmp_path / "m.xlsx"
    ok(ftzkb(root, "matrix", "--format", "xlsx", "-o", str(out)))
    book = load_workbook(out)
    assert book.sheetnames == ["Adoption matrix", "Legend", "Flow"]
    assert book["Adoption matrix"].freeze_panes == "C2"


def test_flow_shows_both_directions(root):
    out = ok(ftzkb(root, "matrix", "--flow", "type"))
    assert "FTZ → other carriers: 3" in out and "other carriers → FTZ: 1" in out
    data = json.loads(ok(ftzkb(root, "matrix", "--flow", "carrier", "--format", "json")))
    assert data["directions"]["other-to-ftz"] == 1


def test_stats_overview_and_one_carrier(root):
    overview = json.loads(ok(ftzkb(root, "stats", "--format", "json")))
    assert overview["totals"]["directions"]["ftz-to-other"] == 3
    assert {r["carrier_id"]: r["outward"] for r in overview["carriers"]}["ftz-a"] == 3
    out = ok(ftzkb(root, "stats", "ftz-a"))
    assert "originated 2; replicated outward 3 times (1 cases); adopted inward 1" in out
    assert "median 182 days (3 records; 0 without usable dates)" in out
    areas = json.loads(ok(ftzkb(root, "stats", "--areas", "--format", "json")))
    assert [a["carrier_id"] for a in areas] == ["ftz-a", "ftz-b"]


def test_gaps_text_json_csv(root):
    out = ok(ftzkb(root, "gaps", "etdz-2", lang="zh"))
    assert "可复制 3 个，已复制 1 个，尚未复制 2 个" in out
    data = json.loads(ok(ftzkb(root, "gaps", "etdz-2", "--format", "json")))
    assert [g["case_id"] for g in data["gaps"]] == ["c4", "c2"]
    assert data["gaps"][0]["mandated_by"] == ["provincial-replication-1"]
    rows = list(csv.DictReader(io.StringIO(ok(ftzkb(root, "gaps", "etdz-2", "--format", "csv", "--limit", "1")))))
    assert [r["case id"] for r in rows] == ["c4"]


def test_lineage_tree(root):
    out = ok(ftzkb(root, "lineage", "c1"))
    assert "├── 一号经开区 (etdz-1) Adopted 2020-07 mandated by provincial-replication-1 (direct)" in out
    assert "│   └── 二号经开区 (etdz-2) Adopted 2021-01" in out
    data = json.loads(ok(ftzkb(root, "lineage", "c1", "--format", "json")))
    assert data["root"]["carrier_id"] == "ftz-a"


def test_batch_list_and_progress(root):
    assert json.loads(ok(ftzkb(root, "batch", "--format", "json")))[0]["key"] == "provincial-replication-1"
    out = ok(ftzkb(root, "batch", "provincial-replication-1"))
    assert "overall completion 25%" in out
    data = json.loads(ok(ftzkb(root, "batch", "provincial-replication-1", "--format", "json")))
    assert {t["carrier_id"]: t["rate"] for t in data["targets"]}["etdz-1"] == 0.5


@pytest.mark.parametrize(("args", "message"), [
    (["gaps", "etdz-9"], "carrier 'etdz-9' is not in carriers/; did you mean etdz-"),
    (["gaps", "二号高新区"], "did you mean 一号高新区 (htz-1)"),
    (["gaps", "经开区"], "is ambiguous: 3 match; did you mean 一号经开区 (etdz-1), 二号经开区 (etdz-2) or"),
    (["stats", "ftz-c"], "did you mean ftz-"),
    (["lineage", "c11"], "case 'c11' is not in cases/; did you mean c1"),
    (["batch", "provincial-replication-2"], "did you mean provincial-replication-1?"),
    (["matrix", "--origin", "ftz-z"], "did you mean ftz-"),
    (["matrix", "--recognition", "provincial"], "'provincial' is ambiguous"),
    (["matrix", "--recognition", "provincial-replication-3"], "no batch 'provincial-replication-3'"),
])
def test_unknown_ids_get_suggestions_and_exit_2(root, args, message):
    result = ftzkb(root, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["matrix", "--year", "20x"], ["matrix", "--status", "adoptd"],
                                  ["matrix", "--format", "xlsx"]])
def test_usage_errors_exit_2(root, args):
    result = ftzkb(root, *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["new", "adopt", "matrix", "stats", "gaps", "lineage", "batch"])
def test_help_is_bilingual_with_examples(root, name):
    out = ok(subprocess.run([sys.executable, "-m", "ftzkb", name, "--help"], capture_output=True, text=True))
    assert "示例 / Examples:" in out
    first = out.split("\n\n")[1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in first)  # Chinese first
    assert any(line.strip() and line.strip()[0].isascii() and line.strip()[0].isalpha()
               for line in out.split("\n\n")[2].splitlines())  # then English


def test_broken_files_are_left_out_with_a_note(tmp_path):
    root = build_sample(tmp_path)
    (root / "cases" / "broken.yaml").write_text("id: [\n", "utf-8")
    result = ftzkb(root, "stats", "--format", "json")
    assert result.returncode == 0
    assert "1 files have errors and are left out" in result.stderr
