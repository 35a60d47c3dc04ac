"""`ftzkb validate` and `ftzkb fmt` as a contributor or CI calls them (real processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ftzkb as run_ftzkb
from conftest import minimal_case, write_corpus

BAD = Path(__file__).parent / "data" / "bad"


ftzkb = run_ftzkb


def test_clean_corpus_exits_zero(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    result = ftzkb("validate", "--strict", "--root", str(root))
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_corpus_exits_one_with_located_lines_and_no_traceback():
    result = ftzkb("validate", "--root", str(BAD))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cases/dup-key.yaml:3:1: error yaml-duplicate-key" in result.stdout


def test_json_and_github_formats():
    data = json.loads(ftzkb("validate", "--root", str(BAD), "--format", "json").stdout)
    assert {"file", "line", "col", "severity", "rule", "message"} <= data[0].keys()
    github = ftzkb("validate", "--root", str(BAD), "--format", "github").stdout
    assert "::error file=cases/dup-key.yaml,line=3,col=1,title=yaml-duplicate-key::" in github


def test_english_messages_on_request():
    result = ftzkb("--lang", "en", "validate", "--root", str(BAD))
    assert "duplicate key 'id'" in result.stdout


def test_strict_makes_warnings_fail(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1").replace("title: 测试案例c1", "title:   测试案例c1")})
    assert ftzkb("validate", "--root", str(root)).returncode == 0
    assert ftzkb("validate", "--strict", "--root", str(root)).returncode == 1


def test_missing_path_is_a_usage_error():
    result = ftzkb("validate", "no/such/file.yaml")
    assert result.returncode == 2
    assert "找不到" in result.stderr


@pytest.mark.parametrize("command", ["validate", "fmt"])
def test_a_missing_path_is_named_in_one_language(command):
    zh = ftzkb(command, "no/such/file.yaml")
    assert zh.returncode == 2 and zh.stderr.strip() == "找不到文件或目录：no/such/file.yaml"
    en = ftzkb(command, "no/such/file.yaml", lang="en")
    assert en.returncode == 2 and en.stderr.strip() == "no such file or directory: no/such/file.yaml"


def test_a_root_without_data_is_named_in_one_language(tmp_path):
    nowhere = tmp_path / "nowhere"
    zh, en = ftzkb("validate", "--root", str(nowhere)), ftzkb("validate", "--root", str(nowhere), lang="en")
    assert zh.stderr.strip() == f"{nowhere} 下没有 cases/ 或 carriers/ 目录"
    assert en.stderr.strip() == f"{nowhere} has no cases/ or carriers/ directory"


def test_a_usage_error_keeps_both_languages_for_the_caller():
    from ftzkb.rules.validate import UsageError, expand_paths

    with pytest.raises(UsageError) as refused:
        expand_paths([Path("no/such/file.yaml")])
    assert (refused.value.zh, refused.value.en) == ("找不到文件或目录：no/such/file.yaml",
                                                    "no such file or directory: no/such/file.yaml")


def test_single_file_reports_only_that_file():
    result = ftzkb("validate", "--root", str(BAD), str(BAD / "cases" / "dup-key.yaml"))
    files = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert files == {"cases/dup-key.yaml"}


def test_validator_never_modifies_files():
    before = {p: p.read_bytes() for p in BAD.rglob("*.yaml")}
    ftzkb("validate", "--root", str(BAD))
    assert {p: p.read_bytes() for p in BAD.rglob("*.yaml")} == before


def test_fmt_rewrites_to_canonical_and_check_passes_after(tmp_path):
    shuffled = minimal_case("c1").replace('  carrier: area-a\n  started: "2020-01"\n',
                                          '  started: 2020-01\n  carrier: area-a\n')
    root = write_corpus(tmp_path, {"c1": shuffled})
    assert ftzkb("fmt", "--check", "--root", str(root)).returncode == 1
    assert ftzkb("fmt", "--root", str(root)).returncode == 0
    assert (root / "cases" / "c1.yaml").read_text("utf-8") == minimal_case("c1")
    assert ftzkb("fmt", "--check", "--root", str(root)).returncode == 0


def test_a_root_without_data_is_a_usage_error_not_a_clean_pass(tmp_path):
    result = ftzkb("validate", "--root", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "cases/" in result.stderr


@pytest.mark.parametrize(("text", "says"), [
    ("", "文件是空的"),
    ("只是一句话\n", "应为映射"),
    ("- a\n- b\n", "应为映射"),
    ("id: 5\n", "未通过校验"),
    ("title：测试\n", "无法解析"),
])
def test_fmt_never_crashes_and_leaves_a_broken_file_unchanged(tmp_path, text, says):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    broken = root / "cases" / "broken.yaml"
    broken.write_text(text, "utf-8")
    result = ftzkb("fmt", "--root", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and says in result.stderr
    assert "cases/broken.yaml" in result.stderr
    assert broken.read_text("utf-8") == text


def test_fmt_rewrites_every_file_in_one_transaction(tmp_path):
    shuffled = minimal_case("c1").replace('  carrier: area-a\n  started: "2020-01"\n',
                                          '  started: "2020-01"\n  carrier: area-a\n')
    root = write_corpus(tmp_path, {"c1": shuffled, "c2": shuffled.replace("c1", "c2")})
    result = ftzkb("fmt", "--root", str(root))
    assert result.returncode == 0 and result.stdout.count("已改写") == 2
    assert ftzkb("fmt", "--check", "--root", str(root)).returncode == 0


def test_validate_marks_fixable_findings_and_names_the_fix_command():
    result = ftzkb("validate", "--root", str(BAD), cwd=BAD)
    dotted = next(line for line in result.stdout.splitlines() if line.startswith("cases/date-dotted.yaml"))
    assert dotted.endswith("（可自动修复：ftzkb validate --fix cases/date-dotted.yaml --root .）")
    assert "可自动修复：运行 ftzkb validate --fix" in result.stderr
    data = json.loads(ftzkb("validate", "--root", str(BAD), "--format", "json").stdout)
    assert any(d["fixable"] for d in data) and not all(d["fixable"] for d in data)


def test_numbers_out_of_range_are_errors_in_chinese(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    carrier = root / "carriers" / "zone-b.yaml"
    carrier.write_text(carrier.read_text("utf-8") + "area_km2: -5\n", "utf-8")
    (root / "carriers" / "zone-c.yaml").write_text(
        (root / "carriers" / "zone-c.yaml").read_text("utf-8") + "area_km2: 1" + "0" * 400 + ".5\n", "utf-8")
    result = ftzkb("validate", "--root", str(root))
    assert "carriers/zone-b.yaml:10:11: error schema-range area_km2 超出范围：必须大于 0" in result.stdout
    assert "carriers/zone-c.yaml:10:11: error yaml-number-range" in result.stdout
    assert "-5" not in result.stdout.split("schema-range")[1].splitlines()[0]
