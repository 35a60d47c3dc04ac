"""Every rule, called on an inline corpus: one that passes and one that fails, at the line the
failure is written on (in the spirit of MDN browser-compat-data's lint/linter/*.test.js)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from ftzkb.diagnostics import ERROR, WARNING
from ftzkb.load.model import Carrier, Case, Corpus
from ftzkb.load.yamlload import load_yaml_text
from ftzkb.rules import checks, run_rules

ROOT = Path("/inline")
MODELINE = {"case": "# yaml-language-server: $schema=../schema/case.schema.json\n",
            "carrier": "# yaml-language-server: $schema=../schema/carrier.schema.json\n"}


def case(case_id: str, extra: str = "", origin: str = "area-a", started: str = "2020-01") -> str:
    return MODELINE["case"] + dedent(f"""\
        id: {case_id}
        title: 测试案例{case_id}
        summary: 用于测试的案例摘要{case_id}。
        origin:
          carrier: {origin}
          started: "{started}"
        categories:
          - finance
        sources:
          - title: 测试来源
            url: https://example.org/{case_id}
        """) + dedent(extra)


def carrier(carrier_id: str, extra: str = "") -> str:
    return MODELINE["carrier"] + dedent(f"""\
        id: {carrier_id}
        name: 载体{carrier_id}
        types:
          - national-etdz
        province: 江苏
        """) + dedent(extra) + dedent(f"""\
        sources:
          - title: 测试来源
            url: https://example.org/{carrier_id}
        """)


def corpus(*files: str | tuple[str, str]) -> Corpus:
    """An in-memory corpus of these texts (or (file name, text) pairs), plus the carriers area-a and
    zone-b unless given."""
    built = Corpus(root=ROOT)
    named = [f if isinstance(f, tuple) else (None, f) for f in files]
    given = {load_yaml_text(t).data["id"] for _, t in named if "types" in load_yaml_text(t).data}
    named += [(None, carrier(c)) for c in ("area-a", "zone-b") if c not in given]
    for name, text in named:
        loaded = load_yaml_text(text)
        data = loaded.data
        stem = name or data["id"]
        if "types" in data:
            built.carriers[data["id"]] = Carrier.of(data, ROOT / "carriers" / f"{stem}.yaml", loaded)
        else:
            built.cases[data["id"]] = Case.of(data, ROOT / "cases" / f"{stem}.yaml", loaded)
    return built


ADOPTION = """\
    adoptions:
      - carrier: zone-b
        status: adopted
        date: "{date}"
    """
TWO_PERIODS = """\
    adoptions:
      - carrier: zone-b
        status: piloting
        date: "2021-01"
        until: "{until}"
      - carrier: zone-b
        status: adopted
        date: "{date}"
    """

# rule id: (passing corpus, failing corpus, file:line of the failure, severity)
CASES = {
    "canonical-layout": ([case("c1")], [case("c1").replace('started: "2020-01"', "started: 2020-01")],
                         "cases/c1.yaml:7", WARNING),
    "date-plausible": ([case("c1", started="1949-10")], [case("c1", started="0001-01-01")], "cases/c1.yaml:7", ERROR),
    "id-matches-filename": ([case("c1")], [("c1", case("c1").replace("id: c1", "id: other"))], "cases/c1.yaml:2",
                            ERROR),
    "id-shared-by-case-and-carrier": ([case("c1")], [case("zone-b")], "cases/zone-b.yaml:2", WARNING),
    "learned-from-acyclic": (
        [case("c1", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    learned_from:\n"
                    "      carrier: area-a\n")],
        [case("c1", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    learned_from:\n      case: c1\n")],
        "cases/c1.yaml:17", ERROR),
    "learned-from-case-acyclic": (
        [case("c1"), case("c2", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    learned_from:\n"
                                "      case: c1\n")],
        [case("c1", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    learned_from:\n      case: c2\n"),
         case("c2", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    learned_from:\n      case: c1\n")],
        "cases/c1.yaml:17", ERROR),
    "mandate-names-batch": (
        [case("c1", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    mandate: voluntary\n")],
        [case("c1", "adoptions:\n  - carrier: zone-b\n    status: adopted\n    mandate: mandated\n")],
        "cases/c1.yaml:16", ERROR),
    "origin-not-adopter": ([case("c1", ADOPTION.format(date="2021"))],
                           [case("c1", ADOPTION.format(date="2021").replace("zone-b", "area-a"))],
                           "cases/c1.yaml:14", ERROR),
    "similar-case": ([case("c1"), case("c2").replace("测试案例c2", "完全不同的主题")
                      .replace("用于测试的案例摘要c2", "另一件事")],
                     [case("c1"), case("c2").replace("测试案例c2", "测试案例c1").replace("摘要c2", "摘要c1")],
                     "cases/c1.yaml:3", WARNING),
    "superseded-has-successor": ([case("c1")], [case("c1", "lifecycle:\n  status: superseded\n")],
                                 "cases/c1.yaml:14", ERROR),
    "unknown-reference": ([case("c1")], [case("c1", origin="no-such-area")], "cases/c1.yaml:6", ERROR),
    "url-scheme": ([case("c1", "note: 见[来源](https://example.org)\n")],
                   [case("c1", "note: 见[来源](javascript:alert(1))\n")], "cases/c1.yaml:13", ERROR),
    "whitespace": ([case("c1")], [case("c1").replace("测试案例c1", "测试　案例")], "cases/c1.yaml:3", WARNING),
    "no-self-reference": ([case("c1", "related:\n  - c2\n"), case("c2")], [case("c1", "related:\n  - c1\n")],
                          "cases/c1.yaml:14", ERROR),
    "parent-acyclic": ([carrier("p1", "parent: p2\n"), carrier("p2")],
                       [carrier("p1", "parent: p2\n"), carrier("p2", "parent: p1\n")], "carriers/p1.yaml:7", ERROR),
    "until-after-date": ([case("c1", ADOPTION.format(date="2021-05") + '    until: "2021-05"\n')],
                         [case("c1", ADOPTION.format(date="2021-05") + '    until: "2020-12"\n')],
                         "cases/c1.yaml:17", ERROR),
    "periods-overlap": ([case("c1", TWO_PERIODS.format(until="2021-09", date="2021-09"))],
                        [case("c1", TWO_PERIODS.format(until="2021-09", date="2021-03"))], "cases/c1.yaml:20", ERROR),
    "origin-after-established": ([case("c1", started="2022-03"), carrier("area-a", 'established: "2022-01"\n')],
                                 [case("c1", started="2021-06"), carrier("area-a", 'established: "2022-01"\n')],
                                 "cases/c1.yaml:7", ERROR),
    "adoption-after-established": (
        [case("c1", ADOPTION.format(date="2022-02")), carrier("zone-b", 'established: "2022-01"\n')],
        [case("c1", ADOPTION.format(date="2021-12")), carrier("zone-b", 'established: "2022-01"\n')],
        "cases/c1.yaml:16", ERROR),
    "flow-ends": (
        [carrier("f1", "flows:\n  - from: f1\n    to: zone-b\n    kind: reported\n    subject: 贸易便利化经验\n"
                       '    date: "2021"\n    evidence:\n      - title: 来源\n        url: https://example.org/f\n'
                       "    verification: verified\n")],
        [carrier("f1", "flows:\n  - from: f1\n    to: zone-x\n    kind: reported\n    subject: 贸易便利化经验\n"
                       '    date: "2021"\n    evidence:\n      - title: 来源\n        url: https://example.org/f\n'
                       "    verification: verified\n")],
        "carriers/f1.yaml:9", ERROR),
}


def _findings(rule_id: str, files: list[str]) -> list:
    return list(run_rules(corpus(*files), only={rule_id}))


def test_every_rule_has_a_passing_and_a_failing_case():
    assert {r.id for r in checks()} == CASES.keys()


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_the_good_corpus(rule_id):
    assert _findings(rule_id, CASES[rule_id][0]) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_the_bad_corpus_at_its_line(rule_id):
    _, bad, place, severity = CASES[rule_id]
    found = _findings(rule_id, bad)
    assert place in {f"{d.file}:{d.line}" for d in found}, [d.as_text() for d in found]
    hit = next(d for d in found if f"{d.file}:{d.line}" == place)
    assert severity is None or hit.severity == severity
    assert hit.zh != hit.en and any("\u4e00" <= ch <= "\u9fff" for ch in hit.zh)


@pytest.mark.parametrize(("until", "date", "expected"), [
    ("2021-09", "2021-09", []),  # a new period starts where the last one ends
    ("2021-09", "2021-10", []),
    ("2021-09", "2021", [WARNING]),  # 2021 may be 2021-01: a year cannot tell
    ("2021-09-15", "2021-09", [WARNING]),
    ("2021-09", "2021-08-31", [ERROR]),
])
def test_periods_with_partial_dates(until, date, expected):
    found = _findings("periods-overlap", [case("c1", TWO_PERIODS.format(until=until, date=date))])
    assert [d.severity for d in found] == expected


def test_an_open_period_is_closed_by_the_next_and_an_unknown_order_warns():
    open_then_later = ("adoptions:\n  - carrier: zone-b\n    status: planned\n    date: \"2021-03\"\n"
                       "  - carrier: zone-b\n    status: adopted\n    date: \"2022\"\n")
    assert _findings("periods-overlap", [case("c1", open_then_later)]) == []
    undated = "adoptions:\n  - carrier: zone-b\n    status: planned\n  - carrier: zone-b\n    status: adopted\n"
    assert [d.severity for d in _findings("periods-overlap", [case("c1", undated)])] == [WARNING]


@pytest.mark.parametrize(("started", "established", "expected"), [
    ("2019-06-20", "2019-08", [ERROR]),  # the old sz-guanzhurong record: SIP's reform, not the area's
    ("2019", "2019-08", []),  # the source gives only the year that holds the establishment: as precise as it gets
    ("2019-09", "2019", [WARNING]),  # the carrier's date could be looked up
    ("<=2020-09", "2019-08", []),  # "no later than" says nothing about the start
    ("<=2019-06", "2019-08", [ERROR]),
    ("unknown", "2019-08", []),
])
def test_origin_established_with_partial_dates(started, established, expected):
    files = [case("c1", started=started).replace('"unknown"', "unknown"),
             carrier("area-a", f'established: "{established}"\n')]
    assert [d.severity for d in _findings("origin-after-established", files)] == expected


def test_a_carrier_that_is_its_own_parent_and_a_case_superseded_by_itself():
    found = _findings("no-self-reference", [carrier("p1", "parent: p1\n"),
                                            case("c1", "lifecycle:\n  status: superseded\n  superseded_by: c1\n")])
    assert {(d.file, d.line) for d in found} == {("carriers/p1.yaml", 7), ("cases/c1.yaml", 15)}


def test_impossible_and_early_dates_say_why_without_repeating_the_value():
    found = _findings("date-plausible", [case("c1", started="2023-02-29"), case("c2", started="<=0000-01")])
    messages = {d.file: d.zh for d in found}
    assert "2023 年 2 月只有 28 天" in messages["cases/c1.yaml"]
    assert "1949-10-01" in messages["cases/c2.yaml"] and "2 月" not in messages["cases/c2.yaml"]


def test_a_flow_names_its_own_carrier_at_one_end():
    neither = carrier("f1", "flows:\n  - from: area-a\n    to: zone-b\n    kind: reported\n"
                            "    subject: 贸易便利化经验\n"
                            '    date: "2021"\n    evidence:\n      - title: 来源\n        url: https://example.org/f\n'
                            "    verification: verified\n")
    found = _findings("flow-ends", [neither])
    assert [d.line for d in found] == [8] and "f1" in found[0].zh
