"""After an edit the load cache writes only a small delta beside its base (`load/cache`): what a
corpus loaded through base and delta gives must be what a load from the files alone gives, and
the base must be written again once the delta would hold too much."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.load import cache as load_cache
from ftzkb.load.cache import CACHE_NAME, DELTA_NAME
from ftzkb.load.loader import load_corpus
from ftzkb.load.model import Corpus
from ftzkb.paths import cache_dir


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("delta-source")
    write_synthetic(SynthSpec(cases=60, seed=3), root)
    return root


@pytest.fixture
def root(source, tmp_path) -> Path:
    return Path(shutil.copytree(source, tmp_path / "copy", ignore=shutil.ignore_patterns(".ftzkb-cache")))


def fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    with monkeypatch.context() as patch:
        patch.setenv("FTZKB_NO_CACHE", "1")
        return load_corpus(root).corpus


def same(corpus: Corpus, plain: Corpus) -> None:
    assert corpus.cases.keys() == plain.cases.keys() and corpus.carriers.keys() == plain.carriers.keys()
    for case_id, case in corpus.cases.items():
        assert case.loaded.data == plain.cases[case_id].loaded.data
        assert case.adoptions == plain.cases[case_id].adoptions
        assert case == plain.cases[case_id]
    assert corpus.carriers == plain.carriers


def edit(root: Path, name: str, mark: str = "改") -> None:
    path = root / "cases" / name
    path.write_text(path.read_text("utf-8").replace("\ntitle: ", f"\ntitle: {mark}", 1), "utf-8")


def case_names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "cases").glob("*.yaml"))


def test_one_edit_writes_the_delta_and_leaves_the_base(root, monkeypatch):
    load_corpus(root)
    base = cache_dir(root) / CACHE_NAME
    before = base.read_bytes()
    edit(root, case_names(root)[4])
    load_corpus(root)
    assert base.read_bytes() == before
    assert (cache_dir(root) / DELTA_NAME).exists()
    computed = []
    monkeypatch.setattr(load_cache.LoadCache, "put", lambda self, key, facts, _put=load_cache.LoadCache.put:
                        computed.append(key) or _put(self, key, facts))
    corpus = load_corpus(root).corpus
    assert computed == []  # the edited file came from the delta
    same(corpus, fresh(root, monkeypatch))


def test_the_edit_undone_and_done_again_reads_as_the_files(root, monkeypatch):
    load_corpus(root)
    name = case_names(root)[7]
    original = (root / "cases" / name).read_bytes()
    for _ in range(3):
        edit(root, name)
        load_corpus(root)
        same(load_corpus(root).corpus, fresh(root, monkeypatch))
        (root / "cases" / name).write_bytes(original)
        load_corpus(root)
        same(load_corpus(root).corpus, fresh(root, monkeypatch))


def test_many_edits_write_the_base_again_and_remove_the_delta(root, monkeypatch):
    load_corpus(root)
    base = cache_dir(root) / CACHE_NAME
    before = base.read_bytes()
    monkeypatch.setattr(load_cache, "DELTA_MIN", 2)
    for name in case_names(root)[:10]:
        edit(root, name)
    load_corpus(root)
    assert base.read_bytes() != before
    assert not (cache_dir(root) / DELTA_NAME).exists()
    same(load_corpus(root).corpus, fresh(root, monkeypatch))


def test_a_delta_of_an_earlier_base_is_ignored(root, monkeypatch):
    load_corpus(root)
    names = case_names(root)
    edit(root, names[1])
    load_corpus(root)  # a delta for this base
    delta = cache_dir(root) / DELTA_NAME
    stale = delta.read_bytes()
    monkeypatch.setattr(load_cache, "DELTA_MIN", 0)
    monkeypatch.setattr(load_cache, "DELTA_SHARE", 10**9)
    edit(root, names[2])
    load_corpus(root)  # the base written again, the delta removed
    assert not delta.exists()
    delta.write_bytes(stale)  # put back, as a crash between the two steps would leave it
    same(load_corpus(root).corpus, fresh(root, monkeypatch))


@pytest.mark.parametrize("damage", [b"", b"not a cache", b"ftzkb load cache\n99999999\n{}"])
def test_a_damaged_delta_is_ignored(root, monkeypatch, damage):
    load_corpus(root)
    edit(root, case_names(root)[3])
    load_corpus(root)
    (cache_dir(root) / DELTA_NAME).write_bytes(damage)
    result = load_corpus(root)
    assert not result.diagnostics
    same(result.corpus, fresh(root, monkeypatch))
