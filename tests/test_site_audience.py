"""The public view of a corpus: everything marked internal is gone, and so is every reference to it."""

from __future__ import annotations

import pytest

from conftest import CARRIER_TEMPLATE, minimal_case, write_corpus
from ftzkb.load.audience import audience_view, public_view
from ftzkb.load.loader import load_corpus

ADOPTIONS = """\
related:
  - hidden
  - other
problem:
  text: 内部问题
  audience: internal
outcomes: 公开成效
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2021"
    learned_from:
      carrier: secret-zone
      case: hidden
  - carrier: zone-c
    status: planned
    audience: internal
  - carrier: secret-zone
    status: adopted
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = write_corpus(tmp_path_factory.mktemp("audience"), {
        "shown": minimal_case("shown", ADOPTIONS),
        "other": minimal_case("other"),
        "hidden": minimal_case("hidden", "audience: internal\n"),
        "from-secret": minimal_case("from-secret", origin="secret-zone"),
    })
    secret = CARRIER_TEMPLATE.format(id="secret-zone", name="内部园区", type="national-etdz") + "audience: internal\n"
    (root / "carriers" / "secret-zone.yaml").write_text(secret, "utf-8")
    child = CARRIER_TEMPLATE.format(id="child", name="区中园", type="other") + "parent: secret-zone\n"
    (root / "carriers" / "child.yaml").write_text(child, "utf-8")
    loaded = load_corpus(root)
    assert not loaded.diagnostics
    return loaded.corpus


def test_internal_records_and_what_refers_to_them_are_left_out(corpus):
    view = public_view(corpus)
    assert set(view.cases) == {"shown", "other"}  # from-secret: its origin is internal
    assert "secret-zone" not in view.carriers and view.carriers["child"].parent is None
    shown = view.cases["shown"]
    assert [a.carrier for a in shown.adoptions] == ["zone-b"]
    assert shown.adoptions[0].learned_from_carrier is None and shown.adoptions[0].learned_from_case is None
    assert shown.related == ("other",)
    assert shown.problem is None and shown.outcomes.text == "公开成效"
    assert shown.loaded.data == {}  # the raw YAML (which still holds the internal parts) is gone


def test_the_internal_view_is_the_corpus_itself(corpus):
    assert audience_view(corpus, "internal") is corpus
    assert len(corpus.cases["shown"].adoptions) == 3  # the public view copied, it did not change the corpus
    with pytest.raises(ValueError):
        audience_view(corpus, "everyone")
