"""The speed-ups in the loading path change nothing: the load cache, the worker pool and the quick
YAML builder give the same records and the same diagnostics as loading from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import minimal_case, write_corpus
from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.load import loader as load
from ftzkb.load.cache import CACHE_NAME
from ftzkb.load.yamlload import _load_carefully, load_yaml_text
from ftzkb.paths import cache_dir
from ftzkb.rules.validate import validate

BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture
def bad_copy(tmp_path) -> Path:
    return Path(shutil.copytree(BAD, tmp_path / "bad", ignore=shutil.ignore_patterns(".ftzkb-cache")))


def test_cached_and_uncached_validation_agree_on_the_bad_corpus(bad_copy, monkeypatch):
    monkeypatch.setenv("FTZKB_NO_CACHE", "1")
    fresh = validate(bad_copy).diagnostics
    assert not (cache_dir(bad_copy) / CACHE_NAME).exists()
    monkeypatch.delenv("FTZKB_NO_CACHE")
    first = validate(bad_copy).diagnostics
    assert (cache_dir(bad_copy) / CACHE_NAME).exists()
    assert validate(bad_copy).diagnostics == first == fresh
    assert any(d.rule == "canonical-layout" for d in fresh) and any(d.rule == "yaml-duplicate-key" for d in fresh)


def test_an_edited_file_is_loaded_again(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    assert validate(root).diagnostics == []
    path = root / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8").replace("finance", "finanse"), "utf-8")
    assert [d.rule for d in validate(root).diagnostics] == ["schema-enum"]


def test_a_damaged_cache_is_ignored(tmp_path):
    root = write_corpus(tmp_path, {"c1": minimal_case("c1")})
    validate(root)
    (cache_dir(root) / CACHE_NAME).write_text('{"fingerprint": 1, "entries": [', "utf-8")
    assert validate(root).diagnostics == []


def test_positions_of_a_cached_record_are_worked_out_on_demand(tmp_path):
    extra = "adoptions:\n  - carrier: zone-b\n    status: adopted\n"
    root = write_corpus(tmp_path, {"c1": minimal_case("c1", extra)})
    load.load_corpus(root)
    cached = load.load_corpus(root).corpus.cases["c1"].loaded
    assert cached.marks is None
    assert cached.position(("adoptions", 0, "status")) == (15, 13)
    assert cached.key_position(("adoptions",)) == (13, 1)
    assert cached.marks is None  # found by reading the file up to those places only
    assert cached.position(("adoptions", 0, "date")) == (14, 5)  # absent: its nearest ancestor, from all places
    assert cached.marks == _load_carefully(cached.text).marks


def test_worker_pool_gives_the_same_records(tmp_path, monkeypatch):
    root = tmp_path / "syn"
    write_synthetic(SynthSpec(cases=40, seed=2), root)
    monkeypatch.setenv("FTZKB_NO_CACHE", "1")
    serial = load.load_corpus(root)
    monkeypatch.setattr(load, "POOL_THRESHOLD", 1)
    pooled = load.load_corpus(root)
    assert pooled.diagnostics == serial.diagnostics == []
    assert {k: c.loaded.data for k, c in pooled.corpus.cases.items()} == \
        {k: c.loaded.data for k, c in serial.corpus.cases.items()}
    assert all(c.loaded.canonical for c in pooled.corpus.cases.values())


def test_quick_builder_matches_the_careful_one_on_synthetic_files(tmp_path):
    root = tmp_path / "syn"
    write_synthetic(SynthSpec(cases=15, seed=5), root)
    for path in sorted(root.rglob("*.yaml")):
        text = path.read_text("utf-8")
        assert load_yaml_text(text).data == _load_carefully(text).data


def test_corpus_files_come_in_the_order_paths_sort_in(tmp_path):
    """`corpus_files` sorts by name (quicker): the order Path's own comparison gives."""
    from ftzkb.load.loader import corpus_files

    names = ["b.yaml", "a-2.yaml", "a_1.yaml", "A.yaml", "a.yaml", "案例.yaml", "z9.yaml", "z10.yaml", "-x.yaml"]
    for folder in ("cases", "carriers"):
        (tmp_path / folder).mkdir()
        for name in names:
            (tmp_path / folder / name).write_text("id: x\n")
    found = corpus_files(tmp_path)
    assert found == sorted((tmp_path / "carriers").glob("*.yaml")) + sorted((tmp_path / "cases").glob("*.yaml"))
