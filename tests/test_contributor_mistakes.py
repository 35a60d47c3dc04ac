"""A contributor's typical mistakes each get a Chinese message that says what to write instead.

The corpus is tests/data/mistakes: every file starts with `# expect: RULE LINE` and `# hint: TEXT`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ftzkb.diagnostics import ERROR
from ftzkb.rules.validate import validate

MISTAKES = Path(__file__).parent / "data" / "mistakes"
_HEADER = re.compile(rb"# expect: (\S+) (\d+)\r?\n# hint: ([^\r\n]+)\r?\n")
REFERENCE_CARRIERS = {"nanjing-area", "suzhou-area", "sip", "kunshan-etdz"}


def _expectations() -> list[tuple[str, str, int, str]]:
    found = []
    for path in sorted(MISTAKES.glob("*/*.yaml")):
        match = _HEADER.match(path.read_bytes())
        if match:
            rule, line, hint = (g.decode("utf-8") for g in match.groups())
            found.append((f"{path.parent.name}/{path.name}", rule, int(line), hint))
    return found


@pytest.fixture(scope="module")
def report():
    return validate(MISTAKES)


@pytest.mark.parametrize(("file", "rule", "line", "hint"), _expectations(), ids=lambda v: str(v))
def test_mistake_gets_chinese_advice_at_its_line(report, file, rule, line, hint):
    in_file = [d for d in report.diagnostics if d.file == file]
    hits = [d for d in in_file if d.rule == rule and d.line == line]
    assert hits, f"{file}: expected {rule} at line {line}, got {[(d.rule, d.line) for d in in_file]}"
    assert any(hint in d.zh for d in hits), f"{file}: '{hint}' not in {[d.zh for d in hits]}"
    assert all(d.en != d.zh and re.search("[A-Za-z]{4}", d.en) for d in hits), "an English message must exist"


def test_every_file_states_its_mistake_and_the_advice():
    unlabelled = [p.name for p in MISTAKES.glob("*/*.yaml")
                  if p.stem not in REFERENCE_CARRIERS and not _HEADER.match(p.read_bytes())]
    assert unlabelled == []
    assert len(_expectations()) >= 30


def test_the_mistakes_named_in_the_issue_are_all_collected():
    covered = {Path(file).stem for file, *_ in _expectations()}
    named = {"indent-key-too-little", "indent-key-too-much", "indent-list-item", "colon-fullwidth",
             "space-fullwidth-indent", "carrier-short-name", "carrier-full-name", "date-dotted",
             "date-year-month-zh"}
    assert named <= covered


def test_reference_carriers_are_clean_and_every_error_is_an_expected_file(report):
    expected_files = {file for file, *_ in _expectations()}
    assert {d.file for d in report.diagnostics if Path(d.file).stem in REFERENCE_CARRIERS} == set()
    assert {d.file for d in report.diagnostics if d.severity == ERROR} <= expected_files


def test_command_line_names_the_place_and_gives_advice_without_a_traceback():
    done = subprocess.run([sys.executable, "-m", "ftzkb", "validate", "--root", str(MISTAKES)],
                          capture_output=True, text=True, env={**os.environ, "FTZKB_LANG": "zh"}, timeout=120)
    assert done.returncode == 1
    assert "cases/colon-fullwidth.yaml:5:6: error yaml-fullwidth-colon" in done.stdout
    assert "请写成“nanjing-area”" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_english_messages_on_request(report):
    dotted = next(d for d in report.diagnostics if d.file == "cases/date-dotted.yaml")
    assert dotted.message("en") == 'origin.started: date \'2024.3.5\' is malformed; write "2024-03-05"'
    named = next(d for d in report.diagnostics
                 if d.file == "cases/carrier-short-name.yaml" and d.rule == "unknown-reference")
    assert "write the carrier's id, not its name: 'nanjing-area'" in named.message("en")
