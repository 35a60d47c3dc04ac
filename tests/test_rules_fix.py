"""`ftzkb validate --fix` and `--fix --dry-run` on copies of the bad corpus and on small corpora:
fixable files become valid with minimal diffs, the others stay byte for byte, a dry run writes
nothing, and the command validate suggests works from where the user stands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ftzkb, minimal_case, write_corpus
from ftzkb.diagnostics import ERROR
from ftzkb.record.fix import plan_fixes, write_fixes
from ftzkb.rules.validate import validate

BAD = Path(__file__).parent / "data" / "bad"
MISTAKES = Path(__file__).parent / "data" / "mistakes"


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _errors_by_file(root: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in validate(root).diagnostics:
        if d.severity == ERROR:
            found.setdefault(d.file, set()).add(d.rule)
    return found


@pytest.mark.parametrize("corpus", [BAD, MISTAKES], ids=["bad", "mistakes"])
def test_fix_makes_fixable_files_valid_and_leaves_the_others_alone(tmp_path, corpus):
    root = _copy(corpus, tmp_path)
    before, report = _snapshot(root), validate(root)
    errors = {d.file for d in report.diagnostics if d.severity == ERROR}
    unfixable = {d.file for d in report.diagnostics if d.severity == ERROR and not d.fixable}
    only_fixable = errors - unfixable
    done = ftzkb("validate", "--fix", "--root", str(root))
    assert "Traceback" not in done.stderr and "已修复" in done.stderr
    after, remaining = _snapshot(root), _errors_by_file(root)
    assert only_fixable, "the corpus must hold files whose every error is fixable"
    for file in only_fixable:
        assert after[file] != before[file], file
        assert file not in remaining or remaining[file] <= {"date-plausible"}, (file, remaining.get(file))
    untouched = {f for f in before if f not in errors and not any(d.file == f and d.fixable
                                                                  for d in report.diagnostics)}
    assert all(after[f] == before[f] for f in untouched)


def test_value_fixes_change_only_the_lines_of_the_values(tmp_path):
    root = _copy(BAD, tmp_path)
    plan = plan_fixes(root)
    for path, text in plan.texts.items():
        old, new = plan.originals[path].splitlines(), text.splitlines()
        if len(old) == len(new):
            changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            fixed_here = [d for d in plan.fixed if root / d.file == path]
            assert len(changed) <= max(1, len(fixed_here)), (path, changed)
    assert (root / "cases" / "unknown-carrier.yaml").read_text("utf-8").count("好经开区") == 1  # nothing written yet


def test_dry_run_writes_nothing_and_shows_the_diff(tmp_path):
    root = _copy(BAD, tmp_path)
    before = _snapshot(root)
    done = ftzkb("validate", "--fix", "--dry-run", "--root", str(root))
    assert _snapshot(root) == before
    assert "-  - carrier: 好经开区\n+  - carrier: good-zone\n" in done.stdout
    assert '-  started: 2021.10\n+  started: "2021-10"\n' in done.stdout
    assert "未写入" in done.stderr


def test_dry_run_without_fix_is_a_usage_error():
    assert ftzkb("validate", "--dry-run").returncode == 2


def test_an_unquoted_date_is_reported_at_its_line_with_a_command_that_works_from_here(tmp_path):
    adoption = "adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: 2021-09-07\n"
    root = write_corpus(tmp_path, {"c1": minimal_case("c1", adoption)})
    done = ftzkb("validate", cwd=root)
    line = next(x for x in done.stdout.splitlines() if "canonical-layout" in x)
    assert line.startswith("cases/c1.yaml:16:1: warning canonical-layout")
    assert "（可自动修复：ftzkb validate --fix cases/c1.yaml）" in line
    inside = ftzkb("validate", "--root", "..", cwd=root / "cases")
    suggested = next(x for x in inside.stdout.splitlines() if "canonical-layout" in x)
    assert "ftzkb validate --fix c1.yaml --root .." in suggested
    fixed = ftzkb("validate", "--fix", "c1.yaml", "--root", "..", cwd=root / "cases")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert '    date: "2021-09-07"\n' in (root / "cases" / "c1.yaml").read_text("utf-8")
    assert ftzkb("validate", "--strict", cwd=root).returncode == 0


def test_a_fix_keeps_the_comments_and_the_rest_of_the_file(tmp_path):
    text = minimal_case("c1").replace('  started: "2020-01"\n', "  # 来源写的是2021年3月\n  started: 2021年3月\n")
    root = write_corpus(tmp_path, {"c1": text})
    plan = plan_fixes(root)
    assert write_fixes(plan) == 1
    assert (root / "cases" / "c1.yaml").read_text("utf-8") == text.replace("started: 2021年3月", 'started: "2021-03"')


def test_carrier_names_are_fixed_only_when_unambiguous(tmp_path):
    carriers = {"area-a": ("甲片区", "ftz-area"), "zone-b": ("乙园区", "national-etdz"),
                "zone-c": ("乙园区", "national-htz")}
    root = write_corpus(tmp_path, {"c1": minimal_case("c1", origin="甲片区"),
                                   "c2": minimal_case("c2", origin="乙园区")}, carriers)
    write_fixes(plan_fixes(root))
    assert "carrier: area-a" in (root / "cases" / "c1.yaml").read_text("utf-8")
    assert "carrier: 乙园区" in (root / "cases" / "c2.yaml").read_text("utf-8")


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1").replace('"2020-01"', "2020.1")})
    plan = plan_fixes(root)
    path = root / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8") + "note: 编辑器刚保存\n", "utf-8")
    from ftzkb.record.writes import WriteRefused

    with pytest.raises(WriteRefused):
        write_fixes(plan)
    assert "2020.1" in path.read_text("utf-8")
