"""`ftzkb coverage` and the site's 数据说明 page: what the corpus holds against what sources report."""

from __future__ import annotations

import json

import pytest

from conftest import CARRIER_TEMPLATE, ftzkb, minimal_case, write_corpus
from ftzkb.load.loader import load_corpus
from ftzkb.replication.coverage import coverage
from ftzkb.site.render import render_site

FIGURES = """\
reported_figures:
  - metric: carrier-count
    carrier_type: national-etdz
    value: 3
    as_of: "2024"
    label: 省内国家级经开区3家
    source:
      title: 报道
      url: https://example.org/count
      verification: verified
  - metric: replicated-province
    value: 10
    as_of: "2023"
    source:
      title: 旧报道
      url: https://example.org/old
      verification: partial
  - metric: replicated-province
    value: 12
    as_of: "2024-05"
    label: 12项在全省复制推广
    source:
      title: 新报道
      url: https://example.org/new
      verification: partial
"""
PROVINCIAL = 'recognitions:\n  - level: provincial-replication\n    batch: 1\n    date: "2022"\n'


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = write_corpus(tmp_path_factory.mktemp("coverage"), {
        "a": minimal_case("a", PROVINCIAL), "b": minimal_case("b", started="unknown"),
        "c": minimal_case("c", 'adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: "<=2023"\n')})
    area = CARRIER_TEMPLATE.format(id="area-a", name="甲片区", type="ftz-area") + FIGURES
    (root / "carriers" / "area-a.yaml").write_text(area, "utf-8")
    assert not [d for d in load_corpus(root).diagnostics if d.severity == "error"]
    return root


def test_coverage_holds_the_corpus_against_the_latest_reported_totals(root):
    found = coverage(load_corpus(root).corpus)
    assert (found.cases, found.carriers, found.adoption_records, found.current_adopted) == (3, 3, 1, 1)
    totals = {(t.metric, t.carrier_type): t for t in found.totals}
    assert set(totals) == {("replicated-province", None), ("carrier-count", "national-etdz")}
    assert (totals["replicated-province", None].reported, totals["replicated-province", None].held) == (12, 1)
    assert (totals["carrier-count", "national-etdz"].reported, totals["carrier-count", "national-etdz"].held) == (3, 1)
    assert found.verification["reported_figures"] == {"verified": 1, "partial": 2, "unverified": 0, "unmarked": 0}
    assert (found.dates["case_started"].unknown, found.dates["adoptions"].no_later_than) == (1, 1)


def test_coverage_command_in_text_and_json(root):
    result = ftzkb("coverage", root=root)
    assert result.returncode == 0 and "案例 3" in result.stdout and "12 / 1" in result.stdout
    data = json.loads(ftzkb("coverage", "--format", "json", root=root).stdout)
    assert data["cases"] == 3 and data["flows"] == {"reported": 0, "planned": 0}


def test_the_site_explains_its_data(root):
    page = render_site(load_corpus(root).corpus)["coverage.md"]
    assert "数据说明" in page and "12项在全省复制推广" in page and "省内国家级经开区3家" in page
    assert "<td class=\"ftz-num\">12</td><td class=\"ftz-num\">1</td><td class=\"ftz-num\">8%</td>" in page
