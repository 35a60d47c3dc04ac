"""The replication queries (matrix, flow, stats, gaps, lineage, batches) on a small corpus whose
answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import minimal_case, write_corpus
from ftzkb.load.loader import load_corpus
from ftzkb.replication import (
    MatrixFilters,
    adoption_matrix,
    area_stats,
    batch_progress,
    batches,
    carrier_overview,
    carrier_stats,
    corpus_totals,
    cumulative_curve,
    current_records,
    flow_matrix,
    gaps,
    lineage,
)

CARRIERS = {
    "ftz-a": ("甲片区", "ftz-area"), "ftz-b": ("乙片区", "ftz-area"),
    "etdz-1": ("一号经开区", "national-etdz"), "etdz-2": ("二号经开区", "national-etdz"),
    "etdz-3": ("三号经开区", "national-etdz"), "htz-1": ("一号高新区", "national-htz"),
    "csz-1": ("一号综保区", "special-customs-zone"),
}
PROVINCIAL_1 = """\
recognitions:
  - level: provincial-replication
    batch: 1
    date: "2020-10"
"""


def build_sample(root: Path) -> Path:
    """c1: 甲片区 → 2 经开区 (one mandated, one learning from the other), 乙片区, a pilot in 高新区.
    c2: a 经开区 case adopted by 甲片区 (carrier → FTZ) and adapted by another 经开区.
    c3: only for 综保区. c4: mandated, adopted by nobody. c5: withdrawn."""
    cases = {
        "c1": minimal_case("c1", PROVINCIAL_1 + """\
adoptions:
  - carrier: etdz-1
    status: adopted
    date: "2020-07"
    mandate: mandated
    mandated_by:
      level: provincial-replication
      batch: 1
  - carrier: etdz-2
    status: adopted
    date: "2021-01"
    learned_from:
      carrier: etdz-1
  - carrier: htz-1
    status: piloting
    date: "2021-06"
  - carrier: ftz-b
    status: adopted
    date: "2020-04"
    mandate: voluntary
""", origin="ftz-a", started="2020-01"),
        "c2": minimal_case("c2", """\
adoptions:
  - carrier: ftz-a
    status: adopted
    date: "2020"
  - carrier: etdz-1
    status: adapted
    date: "2020-05"
""", origin="etdz-3", started="2019").replace("  - finance", "  - trade-facilitation"),
        "c3": minimal_case("c3", """\
preconditions:
  carrier_types:
    - special-customs-zone
adoptions:
  - carrier: csz-1
    status: adopted
    date: "2022-02-15"
""", origin="ftz-b", started="2021-03"),
        "c4": minimal_case("c4", PROVINCIAL_1, origin="ftz-a", started="2020-06"),
        "c5": minimal_case("c5", "lifecycle:\n  status: withdrawn\n", origin="etdz-1", started="2018"),
    }
    return write_corpus(root, cases, CARRIERS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    result = load_corpus(build_sample(tmp_path_factory.mktemp("sample")))
    assert not result.diagnostics, result.diagnostics
    return result.corpus


def test_matrix_has_a_row_per_case_and_a_column_per_adopter(corpus):
    matrix = adoption_matrix(corpus)
    assert [r.case_id for r in matrix.rows] == ["c5", "c2", "c1", "c4", "c3"]  # by start date
    assert set(matrix.carriers) == {"etdz-1", "etdz-2", "htz-1", "ftz-b", "ftz-a", "csz-1"}
    assert matrix.carriers[:2] == ["ftz-a", "ftz-b"]  # FTZ areas first
    c1 = next(r for r in matrix.rows if r.case_id == "c1")
    assert c1.cells["etdz-1"].status == "adopted" and c1.cells["etdz-1"].mandated_by == "provincial-replication-1"
    assert c1.cells["etdz-2"].learned_from == "etdz-1"


@pytest.mark.parametrize(("filters", "rows"), [
    (MatrixFilters(origins=("ftz-area",)), ["c1", "c4", "c3"]),
    (MatrixFilters(origins=("etdz-3",)), ["c2"]),
    (MatrixFilters(categories=("trade-facilitation",)), ["c2"]),
    (MatrixFilters(recognitions=("provincial-replication-1",)), ["c1", "c4"]),
    (MatrixFilters(recognitions=("provincial-replication",)), ["c1", "c4"]),
    (MatrixFilters(statuses=("adopted",), years=(2020, 2020)), ["c2", "c1"]),
    (MatrixFilters(carrier_types=("special-customs-zone",)), ["c3"]),
    (MatrixFilters(statuses=("declined",)), []),
])
def test_matrix_filters(corpus, filters, rows):
    assert [r.case_id for r in adoption_matrix(corpus, filters).rows] == rows


def test_cell_filters_drop_cells_of_other_statuses_and_years(corpus):
    matrix = adoption_matrix(corpus, MatrixFilters(statuses=("adopted",), years=(2020, 2020)))
    assert {r.case_id: sorted(r.cells) for r in matrix.rows} == {"c2": ["ftz-a"], "c1": ["etdz-1", "ftz-b"]}


def test_flow_shows_replication_in_both_directions(corpus):
    flow = flow_matrix(corpus)
    assert flow.count("ftz-a", "etdz-1") == 1 and flow.count("etdz-3", "ftz-a") == 1
    assert flow.count("ftz-a", "htz-1") == 0  # piloting is not an adoption
    assert flow.directions == {"ftz-to-ftz": 1, "ftz-to-other": 3, "other-to-ftz": 1, "other-to-other": 1}
    by_type = flow_matrix(corpus, "type")
    assert by_type.count("ftz-area", "national-etdz") == 2 and by_type.count("national-etdz", "ftz-area") == 1
    assert by_type.origins == ["ftz-area", "national-etdz"]


def test_carrier_stats_outward_inward_and_years(corpus):
    stats = carrier_stats(corpus, "ftz-a")
    assert stats.originated == ["c1", "c4"]
    assert (stats.outward, stats.outward_cases, stats.inward) == (3, 1, 1)
    assert stats.outward_to == {"ftz-b": 1, "etdz-1": 1, "etdz-2": 1}
    assert stats.inward_from == {"etdz-3": 1}
    assert stats.by_year == {"2020": {"originated": 2, "outward": 2, "inward": 1},
                             "2021": {"originated": 0, "outward": 1, "inward": 0}}
    assert stats.by_category["finance"] == {"originated": 2, "outward": 3, "inward": 0}


def test_time_to_adopt_is_the_median_of_midpoint_durations(corpus):
    outward = carrier_stats(corpus, "ftz-a").time_to_adopt_outward
    # c1 started 2020-01 (mid: 01-16): ftz-b 2020-04 (04-15) 90 d, etdz-1 2020-07 (07-16) 182 d, etdz-2 2021-01 366 d
    assert (outward.median_days, outward.measured, outward.skipped, outward.method) == (182, 3, 0, "midpoint")
    inward = carrier_stats(corpus, "etdz-1").time_to_adopt_inward
    # c1: 182 d; c2 started 2019 (mid 2019-07-02) → 2020-05 (05-16) = 319 d
    assert (inward.median_days, inward.measured) == (250.5, 2)


def test_in_progress_and_overview(corpus):
    assert carrier_stats(corpus, "htz-1").in_progress == 1
    overview = {row.carrier_id: row for row in carrier_overview(corpus)}
    assert (overview["etdz-1"].originated, overview["etdz-1"].inward) == (1, 2)
    totals = corpus_totals(corpus)
    assert (totals.cases, totals.records, totals.adopted, totals.in_progress) == (5, 7, 6, 1)


def test_area_stats_cover_every_ftz_area(corpus):
    assert [s.carrier_id for s in area_stats(corpus)] == ["ftz-a", "ftz-b"]


def test_cumulative_curve_counts_by_month():
    curve = cumulative_curve(["2020-03-05", "2020-03", "2021", "<=2021-02", "unknown"])
    assert [(p.month, p.count) for p in curve.points] == [("2020-03", 2), ("2021-02", 3), ("2021-07", 4)]
    assert curve.undated == 1


def test_gaps_put_mandated_first_then_rank_by_peers(corpus):
    report = gaps(corpus, "etdz-2")
    assert [g.case_id for g in report.gaps] == ["c4", "c2"]  # c3 needs a 综保区, c5 is withdrawn
    mandated, peer_case = report.gaps
    assert mandated.mandated_by == ("provincial-replication-1",)
    assert peer_case.peers_adopted == 1 and peer_case.adopters == 2
    # the earliest adopters to learn from: 2020-05 comes before "2020" (mid-year)
    assert [t.carrier_id for t in peer_case.learn_from] == ["etdz-1", "ftz-a"]
    assert (report.eligible, report.adopted) == (3, 1)


def test_gaps_show_a_pilot_as_not_yet_adopted(corpus):
    report = gaps(corpus, "htz-1")
    c1 = next(g for g in report.gaps if g.case_id == "c1")
    assert c1.status == "piloting" and c1.mandated_by == ("provincial-replication-1",)


def test_lineage_follows_learned_from_links(corpus):
    tree = lineage(corpus, "c1")
    assert tree.root.carrier_id == "ftz-a" and tree.root.link == "origin"
    assert [(c.carrier_id, c.link) for c in tree.root.children] == [("ftz-b", "direct"), ("etdz-1", "direct"),
                                                                     ("htz-1", "direct")]
    etdz_1 = tree.root.children[1]
    assert [(c.carrier_id, c.link, c.date) for c in etdz_1.children] == [("etdz-2", "learned", "2021-01")]
    assert [(depth, node.carrier_id) for depth, node in tree.walk()] == [
        (0, "ftz-a"), (1, "ftz-b"), (1, "etdz-1"), (2, "etdz-2"), (1, "htz-1")]


def test_lineage_of_unknown_case_raises_key_error(corpus):
    with pytest.raises(KeyError):
        lineage(corpus, "nope")


def test_batches_and_progress(corpus):
    assert [(b.key, b.cases) for b in batches(corpus)] == [("provincial-replication-1", ("c1", "c4"))]
    progress = batch_progress(corpus, "provincial-replication-1")
    rates = {t.carrier_id: (t.adopted, t.in_progress, t.rate) for t in progress.targets}
    assert "ftz-a" not in rates  # it originated both cases
    assert rates["etdz-1"] == (["c1"], [], 0.5)
    assert rates["htz-1"] == ([], ["c1"], 0.0)
    assert progress.rate == pytest.approx(3 / 12)
    with pytest.raises(KeyError):
        batch_progress(corpus, "provincial-replication-9")


def test_current_record_is_the_open_period(tmp_path):
    text = minimal_case("p", """\
adoptions:
  - carrier: zone-b
    status: piloting
    date: "2021-01"
    until: "2021-06"
  - carrier: zone-b
    status: adopted
    date: "2021-07"
""")
    corpus = load_corpus(write_corpus(tmp_path, {"p": text})).corpus
    assert current_records(corpus.cases["p"])["zone-b"].status == "adopted"
    assert lineage(corpus, "p").root.children[0].history == [{"status": "piloting", "date": "2021-01",
                                                                "until": "2021-06"}]


def _reference_gaps(corpus, carrier_id):
    """The gaps, ranked the plain way: every case, every adopter, counted again for each carrier."""
    from ftzkb.replication.batches import mandating_batches
    from ftzkb.replication.core import ADOPTED, current_records, eligible, sort_date

    carrier = corpus.carriers[carrier_id]
    mandating = mandating_batches(corpus, carrier_id)
    peers = {c.id for c in corpus.carriers.values() if c.id != carrier_id and set(carrier.types) & set(c.types)}
    found, counts = [], {"eligible": 0, "adopted": 0}
    for case in corpus.cases.values():
        if case.lifecycle != "active" or case.origin_carrier == carrier_id or not eligible(case, carrier):
            continue
        counts["eligible"] += 1
        records = current_records(case)
        own = records.get(carrier_id)
        if own is not None and own.status in ADOPTED:
            counts["adopted"] += 1
            continue
        adopters = sorted(((c, r) for c, r in records.items() if r.status in ADOPTED),
                          key=lambda item: (sort_date(item[1].date), item[1].index))
        keys = {k for k in case.batch_keys if k in mandating}
        if own is not None and own.mandate == "mandated" and own.mandated_by:
            keys.add(own.mandated_by)
        peers_adopted = sum(c in peers for c, _ in adopters)
        rank = (not keys, -peers_adopted, -len(adopters), sort_date(case.started), case.id)
        found.append((rank, (case.id, tuple(sorted(keys)), peers_adopted, len(adopters), [c for c, _ in adopters[:3]])))
    return [gap for _, gap in sorted(found)], counts


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from ftzkb.bench.synth import SynthSpec, write_synthetic
    from ftzkb.load.loader import load_corpus

    root = tmp_path_factory.mktemp("synth-gaps")
    write_synthetic(SynthSpec(cases=200, seed=7), root)
    return load_corpus(root).corpus


def test_gaps_agree_with_the_plain_computation_on_a_synthetic_corpus(synthetic):
    compared = mandated = 0
    for carrier_id in sorted(synthetic.carriers):
        report = gaps(synthetic, carrier_id)
        expected, counts = _reference_gaps(synthetic, carrier_id)
        assert report.total == len(report.gaps) == len(expected)
        assert (report.eligible, report.adopted) == (counts["eligible"], counts["adopted"])
        got = [(g.case_id, g.mandated_by, g.peers_adopted, g.adopters, [t.carrier_id for t in g.learn_from])
               for g in report.gaps]
        assert got == expected
        compared += bool(expected) and any(g.peers_adopted for g in report.gaps)
        mandated += any(g.mandated_by for g in report.gaps)
    assert compared >= 5 and mandated >= 1


def test_a_limit_describes_the_best_gaps_and_still_counts_them_all(synthetic):
    carrier_id = sorted(synthetic.carriers)[0]
    full = gaps(synthetic, carrier_id)
    first = gaps(synthetic, carrier_id, limit=5)
    assert [g.case_id for g in first.gaps] == [g.case_id for g in full.gaps[:5]]
    assert first.total == full.total > 5
    assert (first.eligible, first.adopted) == (full.eligible, full.adopted)


def test_batch_progress_agrees_with_the_plain_computation_on_a_synthetic_corpus(synthetic):
    from ftzkb.replication import batch_progress, batches
    from ftzkb.replication.batches import batch_targets
    from ftzkb.replication.core import ADOPTED, IN_PROGRESS, current_records, eligible

    checked = 0
    for info in batches(synthetic):
        progress = batch_progress(synthetic, info.key)
        expected_rows = []
        for carrier_id in batch_targets(synthetic, info):
            carrier = synthetic.carriers.get(carrier_id)
            cases = [synthetic.cases[c] for c in info.cases]
            expected = [c for c in cases
                        if c.origin_carrier != carrier_id and (carrier is None or eligible(c, carrier))]
            if not expected:
                continue
            status = {c.id: current_records(c).get(carrier_id) for c in expected}
            expected_rows.append((carrier_id, [c.id for c in expected],
                                  [c for c, r in status.items() if r and r.status in ADOPTED],
                                  [c for c, r in status.items() if r and r.status in IN_PROGRESS],
                                  [c for c, r in status.items() if not r or r.status not in ADOPTED | IN_PROGRESS]))
        got = [(t.carrier_id, t.expected, t.adopted, t.in_progress, t.missing) for t in progress.targets]
        assert got == expected_rows
        checked += any(t.adopted for t in progress.targets) and any(t.missing for t in progress.targets)
    assert checked >= 3
