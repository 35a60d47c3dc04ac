"""`ftzkb adopt`: recording and updating one record, and refusing bad input before anything is
written (real files; a few runs of the real command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from conftest import ftzkb as run_ftzkb
from conftest import minimal_case, write_corpus
from ftzkb.record.adopt import AdoptError, AdoptionChange, plan_adoption, write_all
from ftzkb.rules.validate import validate

PROVINCIAL = 'recognitions:\n  - level: provincial-replication\n    batch: 1\n    date: "2020"\n'
PILOTING = """\
# 复制记录由乙经开区报送
adoptions:
  - carrier: zone-b  # 乙
    status: piloting
    date: "2021-01"
note: 编者注。
"""


@pytest.fixture
def root(tmp_path):
    return write_corpus(tmp_path, {"c1": minimal_case("c1"), "c2": minimal_case("c2", PROVINCIAL + PILOTING)})


ftzkb = partial(run_ftzkb, lang="en")


def case_text(root: Path, case_id: str) -> str:
    return (root / "cases" / f"{case_id}.yaml").read_text("utf-8")


def test_new_record_is_appended_and_the_corpus_stays_valid(root):
    before = case_text(root, "c1")
    result = ftzkb("adopt", "c1", "zone-b", "--status", "adopted", "--date", "2021-03", root=root)
    assert result.returncode == 0, result.stderr
    added = 'adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: "2021-03"\n'
    assert case_text(root, "c1") == before + added
    assert "added: c1 ← zone-b" in result.stdout
    assert validate(root).errors == 0


def test_a_new_status_closes_the_current_period_and_appends_a_new_one(root):
    before = case_text(root, "c2")
    result = ftzkb("adopt", "c2", "zone-b", "--status", "adopted", "--date", "2021-09", "--batch",
                   "provincial-replication-1", "--evidence", "苏政办发〔2021〕9号", root=root)
    assert result.returncode == 0, result.stderr
    after = case_text(root, "c2")
    head, tail = before.split("  - carrier: zone-b")[0], "note: 编者注。\n"
    assert after.startswith(head) and after.endswith(tail)
    assert after[len(head):] == ('  - carrier: zone-b  # 乙\n    status: piloting\n    date: "2021-01"\n'
                                 '    until: "2021-09"\n'
                                 '  - carrier: zone-b\n    status: adopted\n    date: "2021-09"\n'
                                 '    mandate: mandated\n    mandated_by:\n      level: provincial-replication\n'
                                 '      batch: 1\n    evidence:\n      - title: 苏政办发〔2021〕9号\n'
                                 '        document: 苏政办发〔2021〕9号\n' + tail)
    assert validate(root).errors == 0


def test_correct_changes_the_current_record_in_place(root):
    result = ftzkb("adopt", "c2", "zone-b", "--status", "adopted", "--date", "2021-02", "--correct", root=root)
    assert result.returncode == 0, result.stderr
    assert case_text(root, "c2").count("carrier: zone-b") == 1
    assert 'status: adopted\n    date: "2021-02"\n' in case_text(root, "c2")


@pytest.mark.parametrize(("args", "message"), [
    (["--status", "adopted", "--date", "2020-12"], "before the current period's start"),
    (["--status", "adopted"], "give its start with --date"),
    (["--date", "2021-05"], "add --correct to fix it"),
    (["--status", "adopted", "--date", "2022", "--until", "2021"], "is before the start"),
])
def test_history_is_never_rewritten_silently(root, args, message):
    before = case_text(root, "c2")
    result = ftzkb("adopt", "c2", "zone-b", *args, root=root)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert case_text(root, "c2") == before


def test_three_periods_keep_their_history_and_the_current_one_counts(root):
    for status, date in (("planned", "2021-03"), ("adopted", "2022-01")):
        assert ftzkb("adopt", "c1", "zone-b", "--status", status, "--date", date, "--evidence", f"文{date}",
                     root=root).returncode == 0
    assert ftzkb("adopt", "c1", "zone-b", "--status", "piloting", "--date", "2021-06", root=root).returncode == 2
    from ftzkb.load.loader import load_corpus
    from ftzkb.replication import current_records

    case = load_corpus(root).corpus.cases["c1"]
    assert [(a.status, a.date, a.until) for a in case.adoptions] == [("planned", "2021-03", "2022-01"),
                                                                     ("adopted", "2022-01", None)]
    assert current_records(case)["zone-b"].status == "adopted"
    assert [s.title for a in case.adoptions for s in a.evidence] == ["文2021-03", "文2022-01"]


def test_same_values_again_change_nothing(root):
    before = case_text(root, "c2")
    plan = plan_adoption(root, "c2", "zone-b", AdoptionChange(status="piloting", date="2021-01"))
    assert plan.actions == [("c2", "zone-b", "unchanged")] and not plan.changed
    assert write_all([plan]) == 0 and case_text(root, "c2") == before


def test_labels_are_accepted_for_status_and_mandate(root):
    plan = plan_adoption(root, "c1", "zone-c", _with_ids(status="已复制", mandate="自选动作"))
    assert "status: adopted\n    mandate: voluntary\n" in plan.text


def _with_ids(**values) -> AdoptionChange:
    from ftzkb.record.adopt import with_ids

    return with_ids(AdoptionChange(**values))


@pytest.mark.parametrize(("args", "code", "message"), [
    (["c1", "zone-b", "--status", "adoptd"], 2, "did you mean 'adopted'?"),
    (["c1", "zone-b", "--status", "adopted", "--date", "2021-13"], 2, "is not a real date"),
    (["c1", "zone-b", "--status", "adopted", "--date", "2021.3.5"], 2, "write 2021-03-05"),
    (["c1", "zone-b", "--status", "adopted", "--date", "2031"], 1, "in the future"),
    (["c1", "zone-b", "--status", "adopted", "--batch", "provincial-replication"], 2, "<level>-<number>"),
    (["c1", "zone-b", "--status", "adopted", "--batch", "provincial-replication-1"], 1,
     "not among this case's recognitions"),
    (["c1", "zone-b", "--status", "adopted", "--mandate", "mandated"], 1, "needs mandated_by"),
    (["c1", "area-a", "--status", "adopted"], 1, "originated this case"),
    (["c1", "zone-b", "--status", "adopted", "--learned-from", "zone-b"], 1, "learned-from cycle"),
    (["c1", "zone-x", "--status", "adopted"], 2, "is not in carriers/; did you mean zone-"),
    (["c22", "zone-b", "--status", "adopted"], 2, "case 'c22' is not in cases/; did you mean c2?"),
    (["c1", "zone", "--status", "adopted"], 2, "did you mean zone-b or zone-c?"),
    (["c1", "../carriers/zone-b", "--status", "adopted"], 2, "may use only a-z"),
    (["c1", "zone-b", "--status", "adopted", "--learned-from-case", "c9"], 2, "case 'c9' is not in cases/"),
    (["c1", "zone-b"], 2, "nothing to change"),
    (["c1", "zone-b", "--date", "2021"], 2, "needs --status"),
    (["c1"], 2, "CASE and CARRIER are required"),
])
def test_bad_input_is_refused_before_anything_is_written(root, args, code, message):
    before = {p.name: p.read_bytes() for p in (root / "cases").iterdir()}
    result = ftzkb("adopt", *args, root=root)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (root / "cases").iterdir()} == before


def test_messages_are_chinese_by_default(root):
    result = subprocess.run([sys.executable, "-m", "ftzkb", "adopt", "c1", "zone-x", "--status", "adopted",
                             "--root", str(root)], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "FTZKB_LANG"})
    assert "载体“zone-x”不在 carriers/ 中，是不是“zone-" in result.stderr


def test_a_file_changed_after_it_was_read_is_not_overwritten(root):
    plan = plan_adoption(root, "c1", "zone-b", AdoptionChange(status="adopted"))
    path = root / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8") + "tags:\n  - 别人刚加的\n", "utf-8")
    edited = path.read_bytes()
    with pytest.raises(AdoptError) as caught:
        write_all([plan])
    assert "changed on disk" in caught.value.en
    assert path.read_bytes() == edited


def test_an_interrupted_write_leaves_the_original_intact(root, monkeypatch):
    path = root / "cases" / "c1.yaml"
    original = path.read_bytes()
    plan = plan_adoption(root, "c1", "zone-b", AdoptionChange(status="adopted"))

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(AdoptError):
        write_all([plan])
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["c1.yaml", "c2.yaml"]  # no temporary file left


def test_when_a_later_file_fails_the_earlier_ones_are_put_back(root, monkeypatch):
    first = plan_adoption(root, "c1", "zone-b", AdoptionChange(status="adopted"))
    second = plan_adoption(root, "c2", "zone-c", AdoptionChange(status="planned"))
    originals = {p.path: p.path.read_bytes() for p in (first, second)}
    real_replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith("c2.yaml"):
            raise OSError(5, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(AdoptError) as caught:
        write_all([first, second])
    assert "restored" in caught.value.en
    assert {path: path.read_bytes() for path in originals} == originals


def test_a_malformed_case_file_is_named_with_its_line(root):
    (root / "cases" / "c1.yaml").write_text("id: c1\ntitle: [unclosed\n", "utf-8")
    result = ftzkb("adopt", "c1", "zone-b", "--status", "adopted", root=root)
    assert result.returncode == 1
    assert "cases/c1.yaml:3:1: YAML syntax error" in result.stderr and "(fix the file first)" in result.stderr
    assert "Traceback" not in result.stderr


def test_crlf_files_keep_their_line_endings(root):
    path = root / "cases" / "c2.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    plan = plan_adoption(root, "c2", "zone-c", AdoptionChange(status="adopted", date="2022"))
    write_all([plan])
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"  - carrier: zone-c\r\n    status: adopted\r\n" in data


def test_dry_run_and_json_output(root):
    before = case_text(root, "c1")
    result = ftzkb("adopt", "c1", "zone-b", "--status", "adopted", "--dry-run", "--format", "json", root=root)
    report = json.loads(result.stdout)
    assert report["dry_run"] and report["files_written"] == 0
    assert report["actions"] == [{"case": "c1", "carrier": "zone-b", "action": "added"}]
    assert "+  - carrier: zone-b" in report["diff"]
    assert case_text(root, "c1") == before


def test_evidence_urls_and_titled_references(root):
    evidence = ("https://example.gov.cn/a.html", "复制清单|苏自贸办〔2021〕3号")
    change = AdoptionChange(status="adopted", evidence=evidence)
    plan = plan_adoption(root, "c1", "zone-b", change)
    assert ("    evidence:\n      - title: https://example.gov.cn/a.html\n        url: https://example.gov.cn/a.html\n"
            "      - title: 复制清单\n        document: 苏自贸办〔2021〕3号\n") in plan.text
