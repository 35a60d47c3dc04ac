"""Adoption records from the load cache are built on first use (`load/cache.Deferred`), and the
queries that one carrier's ledger makes read only that carrier's records. Everything they give
must be what a corpus loaded from scratch gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.export.ledger import ledger_row_cells, ledger_rows
from ftzkb.load import loader
from ftzkb.load.cache import CACHE_NAME, Deferred
from ftzkb.load.loader import load_corpus
from ftzkb.load.model import Corpus
from ftzkb.load.version import data_version
from ftzkb.paths import cache_dir
from ftzkb.replication import batch_targets, batches
from ftzkb.replication.batches import mandating_batches
from ftzkb.replication.core import HOLDERS, REPLICATION_LEVELS, cases_held_by, index_of, record_holders
from ledger_corpus import ledger_corpus


@pytest.fixture(scope="module")
def synthetic_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("deferred")
    write_synthetic(SynthSpec(cases=150, seed=5), root)
    return root


def fresh(root: Path) -> Corpus:
    """Loaded from the files alone: the plain path."""
    old = os.environ.get("FTZKB_NO_CACHE")
    os.environ["FTZKB_NO_CACHE"] = "1"
    try:
        return load_corpus(root).corpus
    finally:
        if old is None:
            del os.environ["FTZKB_NO_CACHE"]
        else:
            os.environ["FTZKB_NO_CACHE"] = old


def cached(root: Path) -> Corpus:
    """Loaded from a load cache that the previous load wrote: records deferred."""
    load_corpus(root)
    corpus = load_corpus(root).corpus
    assert any(isinstance(case.__dict__["_adoptions"], Deferred) for case in corpus.cases.values())
    return corpus


def deferred_count(corpus: Corpus) -> int:
    return sum(isinstance(case.__dict__["_adoptions"], Deferred) for case in corpus.cases.values())


def test_a_case_from_the_cache_answers_as_one_loaded_from_its_file(synthetic_root):
    plain, quick = fresh(synthetic_root), cached(synthetic_root)
    carriers = sorted(quick.carriers)
    for case_id, case in quick.cases.items():
        other = plain.cases[case_id]
        assert case.record_carriers() == other.record_carriers()
        assert case.record_dates() == other.record_dates()
        assert case.learned_cases() == other.learned_cases()
        for carrier_id in carriers[:25]:
            assert case.records_of(carrier_id) == other.records_of(carrier_id) == \
                tuple(a for a in other.adoptions if a.carrier == carrier_id)
    assert deferred_count(quick) > 0  # the questions above built no records
    for case_id, case in quick.cases.items():
        assert case.adoptions == plain.cases[case_id].adoptions
        assert case.loaded.data == plain.cases[case_id].loaded.data
        assert list(case.loaded.data) == list(plain.cases[case_id].loaded.data)  # keys in the file's order
        assert case == plain.cases[case_id]
    assert deferred_count(quick) == 0


def test_a_cached_case_gives_its_title_and_the_cases_it_names_without_being_built(synthetic_root):
    """What the similar-case rule asks of every similar pair, answered from the cache's index."""
    plain, quick = fresh(synthetic_root), cached(synthetic_root)
    for case_id, case in quick.cases.items():
        assert case.title == plain.cases[case_id].title
        assert case.named_cases() == plain.cases[case_id].named_cases()
    assert all("_head" in case.__dict__ for case in quick.cases.values())  # none was built
    assert sum(bool(case.named_cases()) for case in plain.cases.values()) > 5
    for case_id, case in quick.cases.items():
        assert case.related == plain.cases[case_id].related  # builds it
        assert case.named_cases() == plain.cases[case_id].named_cases()


def test_the_data_of_a_deferred_case_and_its_records_are_one_list(synthetic_root):
    case = next(c for c in cached(synthetic_root).cases.values() if c.record_carriers())
    records = case.loaded.data["adoptions"]
    assert [a.carrier for a in case.adoptions] == [r["carrier"] for r in records]


@pytest.mark.parametrize("corpus_of", ["synthetic", "ledgers"])
def test_one_carriers_queries_give_what_the_record_tables_give(corpus_of, synthetic_root, tmp_path):
    root = synthetic_root if corpus_of == "synthetic" else ledger_corpus(tmp_path)
    quick, plain = cached(root), fresh(root)
    for carrier_id in quick.carriers:
        from_targets = {info.key for info in batches(plain) if info.level in REPLICATION_LEVELS
                        and carrier_id in batch_targets(plain, info)}
        assert mandating_batches(quick, carrier_id) == from_targets, carrier_id
        holders = {case.id for case, _ in _adopted_by(plain, carrier_id)}
        assert record_holders(quick).get(carrier_id, set()) == holders
        for audience in ("public", "internal"):
            rows = ledger_rows(quick, quick.carriers[carrier_id], audience)
            expected = ledger_rows(plain, plain.carriers[carrier_id], audience)
            assert [ledger_row_cells(quick, r) for r in rows] == [ledger_row_cells(plain, r) for r in expected]


def test_the_cases_one_carrier_holds_are_those_of_the_table(synthetic_root):
    """The first question of a corpus is answered by looking through every case, later ones by the table."""
    table = record_holders(cached(synthetic_root))
    carriers = sorted(table)
    for carrier_id in carriers:
        fresh_corpus = load_corpus(synthetic_root).corpus
        assert cases_held_by(fresh_corpus, carrier_id) == table[carrier_id]  # looked through
        assert HOLDERS not in index_of(fresh_corpus).memo
    again = load_corpus(synthetic_root).corpus
    assert [cases_held_by(again, c) for c in carriers] == [table[c] for c in carriers]
    assert HOLDERS in index_of(again).memo  # made at the second question


def _adopted_by(corpus: Corpus, carrier_id: str):
    from ftzkb.replication import index_of

    return index_of(corpus).adopted_by.get(carrier_id, ())


def test_the_data_version_outside_git_is_the_same_from_the_cache(synthetic_root, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    quick = cached(synthetic_root)
    assert data_version(synthetic_root, quick) == data_version(synthetic_root, fresh(synthetic_root))
    assert deferred_count(quick) == len(quick.cases)  # the version read the dates only


def test_a_cache_written_after_a_partial_read_keeps_every_record(synthetic_root, tmp_path):
    root = Path(shutil.copytree(synthetic_root, tmp_path / "copy", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    load_corpus(root)
    corpus = load_corpus(root).corpus
    some = sorted(corpus.cases)[::3]
    for case_id in some:
        corpus.cases[case_id].adoptions  # noqa: B018  (built: these are no longer deferred)
    edited = root / "cases" / f"{sorted(corpus.cases)[1]}.yaml"
    edited.write_text(edited.read_text("utf-8").replace("summary: ", "summary: 改", 1), "utf-8")
    load_corpus(root)  # writes the cache again: old entries copied from the old one, one new
    again = load_corpus(root).corpus
    plain = fresh(root)
    assert {k: c.adoptions for k, c in again.cases.items()} == {k: c.adoptions for k, c in plain.cases.items()}
    assert {k: c.loaded.data for k, c in again.cases.items()} == {k: c.loaded.data for k, c in plain.cases.items()}


DAMAGES = {
    "empty": lambda raw: b"",
    "not ours": lambda raw: b"not a cache",
    "a length past the end": lambda raw: b"ftzkb load cache\n99999999\n{}",
    "cut in the index": lambda raw: raw[: len(raw) // 3],
    "cut in the records": lambda raw: raw[:-200],
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_file_is_ignored(synthetic_root, tmp_path, damage):
    root = Path(shutil.copytree(synthetic_root, tmp_path / "copy", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    load_corpus(root)
    path = cache_dir(root) / CACHE_NAME
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    result = load_corpus(root)
    assert not result.diagnostics
    assert {k: c.adoptions for k, c in result.corpus.cases.items()} == \
        {k: c.adoptions for k, c in fresh(root).cases.items()}


def test_the_pool_and_the_cache_agree(synthetic_root, tmp_path, monkeypatch):
    """Facts worked out by the pool of processes, written to the cache, read back deferred."""
    root = Path(shutil.copytree(synthetic_root, tmp_path / "copy", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    monkeypatch.setattr(loader, "POOL_THRESHOLD", 1)
    computed = []
    monkeypatch.setattr(loader, "_compute", lambda jobs, _real=loader._compute: computed.append(len(jobs)) or
                        _real(jobs))
    plain = fresh(root)
    assert {k: c.adoptions for k, c in cached(root).cases.items()} == {k: c.adoptions for k, c in plain.cases.items()}
    assert computed[-2] == len(list((root / "cases").glob("*.yaml"))) + len(list((root / "carriers").glob("*.yaml")))
    assert computed[-1] == 0  # the second load read everything from the cache
