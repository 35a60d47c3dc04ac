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


NESTED = """\
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2021"
    note:
      text: 内部备注甲
      audience: internal
    outcome_figures:
      - metric: processing-time
        before: 15
        after: 5
        unit: 工作日
        source:
          title: 来源
          url: https://example.org/o
        note:
          text: 内部备注乙
          audience: internal
"""
FLOW = """\
flows:
  - from: zone-f
    to: zone-b
    kind: reported
    subject: 贸易便利化经验
    date: "2021"
    evidence:
      - title: 来源
        url: https://example.org/f
    verification: verified
    note:
      text: 内部备注丙
      audience: internal
    outcome_figures:
      - metric: processing-time
        change_pct: -60
        source:
          title: 来源
          url: https://example.org/f
        note:
          text: 内部备注丁
          audience: internal
"""


def _every_text(value, seen=None):
    """Every Text reachable from a record, however deep (tuples of records, records in records)."""
    import dataclasses

    from ftzkb.load.model import Text

    if isinstance(value, Text):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _every_text(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in ("loaded", "path"):
                yield from _every_text(getattr(value, field.name))


def test_internal_text_deep_inside_a_record_is_left_out(tmp_path):
    """Notes of outcome figures (of an adoption or of a flow) and of flows are internal text too."""
    root = write_corpus(tmp_path, {"c1": minimal_case("c1", NESTED)})
    flows = CARRIER_TEMPLATE.format(id="zone-f", name="丁片区", type="ftz-area") + FLOW
    (root / "carriers" / "zone-f.yaml").write_text(flows, "utf-8")
    loaded = load_corpus(root)
    assert not loaded.diagnostics
    inside = [t.text for record in [*loaded.corpus.cases.values(), *loaded.corpus.carriers.values()]
              for t in _every_text(record) if t.audience != "public"]
    assert sorted(inside) == ["内部备注丁", "内部备注丙", "内部备注乙", "内部备注甲"]
    view = public_view(loaded.corpus)
    assert [t.text for record in [*view.cases.values(), *view.carriers.values()]
            for t in _every_text(record) if t.audience != "public"] == []
    figure = view.cases["c1"].adoptions[0].outcome_figures[0]
    assert (figure.before, figure.after, figure.note) == (15, 5, None)  # the figure stays, its note goes


def test_a_public_ledger_shows_no_internal_note(tmp_path):
    """A public record can carry an internal note: the ledger that leaves the office must not show
    it (nor hash it), the internal ledger does."""
    from ftzkb.export.ledger import ledger_row_cells, ledger_rows, shown_records

    root = write_corpus(tmp_path, {"c1": minimal_case("c1", NESTED)})
    corpus = load_corpus(root).corpus
    zone = corpus.carriers["zone-b"]
    public = [ledger_row_cells(corpus, row) for row in ledger_rows(corpus, zone, "public")]
    internal = [ledger_row_cells(corpus, row) for row in ledger_rows(corpus, zone, "internal")]
    assert [row.get("status") for row in public] == ["已复制"]
    assert "内部备注" not in repr(public)
    assert internal[0]["note"] == "内部备注甲"
    assert shown_records(corpus.cases["c1"], "zone-b", "public")[0].note is None


def test_a_public_ledger_cannot_overwrite_the_internal_note_it_does_not_show(tmp_path):
    """The note cell of a public ledger is empty where the record's note is internal: a note typed
    there would replace the internal one unseen. The row is refused with the place of the cell;
    nothing is written."""
    import csv

    from conftest import ftzkb

    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1", NESTED)})
    out = tmp_path / "out"
    assert ftzkb("ledger", "export", "zone-b", "--format", "csv", "-o", str(out), root=root).returncode == 0
    [sheet] = out.glob("*.csv")
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig")))
    note = rows[1].index("备注")
    rows[2][note] = "公开的新备注"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = (root / "cases" / "c1.yaml").read_bytes()
    result = ftzkb("ledger", "import", str(sheet), root=root)
    shown = result.stderr + result.stdout
    assert result.returncode == 1 and f"{sheet.name}:3:J:" in shown and "内部备注" in shown  # the note cell
    assert (root / "cases" / "c1.yaml").read_bytes() == before
    rows[2][note] = ""
    rows[2][rows[1].index("复制状态")] = "试点中"  # a new period: the internal note stays with the old one
    rows[2][rows[1].index("复制日期")] = "2022"
    rows[2][rows[1].index("证据（文号或网址）")] = "乙经开〔2022〕1号"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert ftzkb("ledger", "import", str(sheet), "--dry-run", root=root).returncode == 0
