"""The rule registry: metadata, unknown ids, crash isolation, and one list of problem ids shared by
the loader, the schema, the rules, `validate --list-rules` and the tests."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import ftzkb.rules as rules
from conftest import ftzkb as run_ftzkb
from conftest import minimal_case, write_corpus
from ftzkb.diagnostics import ERROR, WARNING
from ftzkb.load.schema import explain
from ftzkb.rules import (
    CARRIER,
    CASE,
    CORPUS,
    INTERNAL_ERROR,
    Rule,
    UnknownRule,
    all_rules,
    rule_by_id,
    rules_for_scope,
    run_rules,
)
from ftzkb.rules.validate import validate
from test_rules_checks import case, corpus

LOAD = Path(rules.__file__).parent.parent / "load"


def test_every_rule_declares_severity_scope_and_both_descriptions():
    for found in all_rules():
        assert found.severity in (ERROR, WARNING)
        assert found.scope and found.scope <= {CASE, CARRIER, CORPUS}
        assert found.zh and found.en and found.zh != found.en


def test_unknown_ids_are_refused_not_ignored():
    with pytest.raises(UnknownRule) as raised:
        list(run_rules(corpus(case("c1")), only={"date-plausible", "one-record-per-carrier"}))
    assert raised.value.ids == ["one-record-per-carrier"]


def test_rules_are_found_by_scope():
    alone = rules_for_scope("case")
    assert {"date-plausible", "until-after-date", "periods-overlap", "origin-not-adopter", "url-scheme"} <= alone
    assert "unknown-reference" not in alone and "origin-after-established" not in alone
    assert "parent-acyclic" in rules_for_scope("corpus")


def test_a_crashing_rule_is_one_internal_error_and_the_others_still_run(monkeypatch):
    def crash(record, report):
        raise ZeroDivisionError("boom")

    broken = Rule("crashes", ERROR, frozenset({CASE}), "崩溃", "crashes", crash, (CASE,))
    monkeypatch.setattr(rules, "checks", lambda: (broken, rule_by_id("origin-not-adopter")))
    bad = case("c1", "adoptions:\n  - carrier: area-a\n    status: adopted\n")
    found = list(run_rules(corpus(bad, case("c2"))))
    internal = [d for d in found if d.rule == INTERNAL_ERROR]
    assert len(internal) == 1 and "crashes" in internal[0].zh and internal[0].file == "cases/c1.yaml"
    assert "ZeroDivisionError" in internal[0].en
    assert [d.rule for d in found if d.rule != INTERNAL_ERROR] == ["origin-not-adopter"]


def _ids_emitted_in(source: Path) -> set[str]:
    """The first argument of every YamlLoadError(...) and SchemaProblem(...) written in a module."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("YamlLoadError", "SchemaProblem"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
            else:
                found.add(f"<not a literal in {source.name}:{node.lineno}>")
    return found


def test_every_problem_id_the_loader_and_schema_emit_is_registered():
    emitted = set().union(*(_ids_emitted_in(path) for path in sorted(LOAD.glob("*.py"))))
    assert emitted, "the loader must emit some ids"
    assert emitted - {r.id for r in all_rules()} == set()


def test_list_rules_is_the_registry():
    listed = json.loads(run_ftzkb("validate", "--list-rules", "--format", "json").stdout)
    assert [r["id"] for r in listed] == [r.id for r in all_rules()]
    by_id = {r["id"]: r for r in listed}
    assert by_id["schema-date"]["fixable"] and not by_id["origin-not-adopter"]["fixable"]
    assert by_id["unknown-reference"]["scope"] == ["corpus"]
    text = run_ftzkb("validate", "--list-rules").stdout
    assert "（可自动修复）" in text and "periods-overlap" in text


def test_the_schema_fallback_is_chinese():
    error = next(Draft202012Validator({"const": 1}).iter_errors(2))
    problem = explain(error)
    assert problem.rule == "schema-invalid" and rule_by_id(problem.rule) is not None
    assert "不符合" in problem.zh


def test_an_unreadable_file_is_a_registered_problem_at_its_first_line(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    (root / "cases" / "folder.yaml").mkdir()
    found = [d for d in validate(root).diagnostics if d.file == "cases/folder.yaml"]
    assert len(found) == 1 and (found[0].line, found[0].col) == (1, 1)
    assert rule_by_id(found[0].rule) is not None and found[0].severity == ERROR
