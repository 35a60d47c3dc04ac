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


def test_every_loader_rejection_and_rule_has_a_bad_file():
    from ftzkb.rules import all_rules

    covered = {rule for _, rule, _ in _expectations()}
    loader_rules = {"yaml-duplicate-key", "yaml-anchor", "yaml-tag", "yaml-tab-indent", "yaml-fullwidth-colon",
                    "yaml-fullwidth-space", "yaml-encoding", "yaml-multiple-documents", "yaml-syntax", "yaml-too-deep"}
    missing = (loader_rules | {r.id for r in all_rules()}) - covered - {"id-shared-by-case-and-carrier", "similar-case"}
    assert not missing, f"no bad-corpus file for: {sorted(missing)}"


def test_good_files_are_clean(report):
    # The bad files are all built from one template, so the duplicate detector rightly pairs them.
    good = [d for d in report.diagnostics if Path(d.file).name.startswith("good-") and d.rule != "similar-case"]
    assert good == []


def test_messages_are_chinese_by_default_and_english_on_request(report):
    dup = next(d for d in report.diagnostics if d.rule == "yaml-duplicate-key")
    assert "重复" in dup.message("zh")
    assert "duplicate key" in dup.message("en")
