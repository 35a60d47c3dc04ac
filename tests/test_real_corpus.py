"""The repository's own data: strictly valid, and as complete as the issue asks."""

from __future__ import annotations

from collections import Counter

from ftzkb.paths import REPO_ROOT
from ftzkb.rules.validate import validate


def test_real_corpus_passes_strict_validation():
    report = validate(REPO_ROOT)
    assert report.files_checked > 60
    assert [d.as_text() for d in report.diagnostics] == []


def test_registry_has_the_provinces_national_zones(real_corpus):
    types = Counter(t for c in real_corpus.carriers.values() if c.province == "江苏" for t in c.types)
    assert types["national-etdz"] == 27
    assert types["national-htz"] == 18
    assert types["ftz-area"] == 3


def test_sip_is_one_carrier_with_several_types(real_corpus):
    assert set(real_corpus.carriers["sip"].types) >= {"national-etdz", "national-htz", "cooperation-park"}
    assert real_corpus.carriers["suzhou-area"].parent == "sip"
    assert real_corpus.carriers["nanjing-area"].parent == "jiangbei-new-area"


def test_at_least_twenty_cases_each_with_a_source(real_corpus):
    assert len(real_corpus.cases) >= 20
    assert all(case.sources for case in real_corpus.cases.values())
    assert all(carrier.sources for carrier in real_corpus.carriers.values())


def test_reported_figures_are_recorded_with_sources(real_corpus):
    whole = {(f.metric, f.as_of): f.value for f in real_corpus.carriers["jiangsu-ftz"].reported_figures}
    assert whole[("replicated-nationwide", "2025-05")] == 28
    assert whole[("replicated-province", "2025-05")] == 165
    suzhou = {(f.metric, f.as_of): f.value for f in real_corpus.carriers["suzhou-area"].reported_figures}
    assert suzhou[("replicated-nationwide", "2024-08")] == 13
