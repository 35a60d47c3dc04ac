"""Every file in tests/data/bad breaks one loader check or rule; the validator must
report that rule at that line, and still check all the other files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ftzkb.rules.validate import validate

BAD = Path(__file__).parent / "data" / "bad"
_EXPECT = re.compile(rb"# expect: (\S+) (\d+)")


def _expectations() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(BAD.glob("*/*.yaml")):
        match = _EXPECT.match(path.read_bytes())
        if match:
            found.append((f"{path.parent.name}/{path.name}", match.group(1).decode(), int(match.group(2))))
    return found


@pytest.fixture(scope="module")
def report():
    return validate(BAD)


@pytest.mark.parametrize(("file", "rule", "line"), _expectations(), ids=lambda v: str(v))
def test_bad_file_reports_rule_at_line(report, file, rule, line):
    hits = [(d.rule, d.line) for d in report.diagnostics if d.file == file]
    assert (rule, line) in hits, f"{file}: expected {rule} at line {line}, got {hits}"


# Ids a file in this corpus cannot show, each with the unit test that shows it instead.
NO_BAD_FILE = {
    "similar-case": "every file here is built from one template, so all are alike (tests/test_rules_checks.py)",
    "file-unreadable": "needs a file the test cannot read (tests/test_rules_registry.py)",
    "yaml-too-large": "a file over 1 MB does not belong in the repository (tests/test_yamlload.py)",
    "internal-error": "needs a rule that crashes (tests/test_rules_registry.py)",
    "schema-invalid": "no keyword of the current schemas reaches the fallback (tests/test_rules_registry.py)",
}


def test_every_registered_problem_has_a_bad_file():
    from ftzkb.rules import all_rules

    covered = {rule for _, rule, _ in _expectations()}
    missing = {r.id for r in all_rules()} - covered - NO_BAD_FILE.keys()
    assert not missing, f"no bad-corpus file for: {sorted(missing)}"
    assert NO_BAD_FILE.keys() <= {r.id for r in all_rules()}, "an exemption names an id that no longer exists"


def test_good_files_are_clean(report):
    # The bad files are all built from one template, so the duplicate detector rightly pairs them.
    good = [d for d in report.diagnostics if Path(d.file).name.startswith("good-") and d.rule != "similar-case"]
    assert good == []


def _first(report, file: str, rule: str):
    return next(d for d in report.diagnostics if d.file == file and d.rule == rule)


def test_a_date_written_as_a_number_is_advised_as_written(report):
    dotted = _first(report, "cases/date-dotted-october.yaml", "schema-date")
    assert 'write "2021-10"' in dotted.en and '"2021-10"' in dotted.zh


def test_no_hint_repeats_the_wrong_value(report):
    impossible = _first(report, "cases/impossible-date.yaml", "date-plausible")
    assert "2 月只有 29 天" in impossible.zh and "30 日" not in impossible.zh


def test_messages_are_chinese_by_default_and_english_on_request(report):
    dup = next(d for d in report.diagnostics if d.rule == "yaml-duplicate-key")
    assert "重复" in dup.message("zh")
    assert "duplicate key" in dup.message("en")
