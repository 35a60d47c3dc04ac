"""The near-duplicate pairs worked out after an edit from the last run's memo (`rules/similar_memo`)
must be those a full computation finds, with the same scores to the last bit, through generated
edits: near-copies made and undone, words changed, cases added, copied, renamed and deleted."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.load.loader import load_corpus
from ftzkb.paths import cache_dir
from ftzkb.rules import similar_memo
from ftzkb.rules.similar_case import similar_partners
from ftzkb.rules.similar_memo import FLOOR, MEMO_NAME, full_run, update
from ftzkb.rules.similarity import DUPLICATE_THRESHOLD, SimilarityIndex, case_features


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("similar-original")
    write_synthetic(SynthSpec(cases=240, seed=17), root)
    return root


@pytest.fixture
def root(original, tmp_path) -> Path:
    return Path(shutil.copytree(original, tmp_path / "corpus", ignore=shutil.ignore_patterns(".ftzkb-cache")))


def line(path: Path, key: str) -> str:
    found = re.search(rf"^{key}: .*$", path.read_text("utf-8"), re.M)
    assert found
    return found.group(0)


def substitute(path: Path, pattern: str, replacement: str) -> None:
    path.write_text(re.sub(pattern, lambda _: replacement, path.read_text("utf-8"), count=1, flags=re.M), "utf-8")


def edit(root: Path, original: Path, kind: str, rng: random.Random, step: int) -> None:
    cases = sorted((root / "cases").glob("*.yaml"))
    path, other = rng.sample(cases, 2)
    if kind == "near-copy":  # another case's title and summary, one character changed
        substitute(path, r"^title: .*$", line(other, "title").replace("机制", "制度", 1) + "改")
        substitute(path, r"^summary: .*$", line(other, "summary"))
    elif kind == "word":  # one rare word in a title
        substitute(path, r"^title: (.*)$", line(path, "title") + f"试点{step}号")
    elif kind == "common-word":  # words that many cases hold, counted once more or less
        substitute(path, r"^summary: .*$", line(path, "summary") + "创新改革机制")
    elif kind == "records-only":  # the file changes, its words do not
        substitute(path, r'^    date: "([0-9-]+)"$', '    date: "2020-01"')
    elif kind == "copy":
        text = re.sub(r"^id: .*$", f"id: copy-{step}", path.read_text("utf-8"), count=1, flags=re.M)
        (root / "cases" / f"copy-{step}.yaml").write_text(text, "utf-8")
    elif kind == "rename":  # the same words under another id
        substitute(path, r"^id: .*$", f"id: renamed-{step}")
    elif kind == "delete" and len(cases) > 10:
        path.unlink()
    elif kind == "revert":
        source = rng.choice(sorted((original / "cases").glob("*.yaml")))
        shutil.copy(source, root / "cases" / source.name)


EDITS = ("near-copy", "near-copy", "word", "common-word", "records-only", "copy", "rename", "delete", "revert")


def pairs_of(root: Path) -> dict:
    return load_corpus(root).corpus.cases


def full_pairs_at(cases, floor: float) -> list:
    return [p for p in full_run(cases).pairs if p[2] >= floor]


@pytest.mark.parametrize("seed", range(3))
def test_the_memo_finds_the_pairs_and_scores_a_full_run_finds(root, original, seed):
    rng = random.Random(seed)
    state = full_run(pairs_of(root)).state
    incremental = 0
    for step in range(30):
        kind = rng.choice(EDITS)
        edit(root, original, kind, rng, step)
        cases = pairs_of(root)
        outcome = update(cases, state)
        if outcome is None:  # a full run is due: the state starts again
            state = full_run(cases).state
            continue
        incremental += 1
        # Every pair at or above the floor still guaranteed, bit for bit, and no other.
        assert outcome.pairs == full_pairs_at(cases, outcome.state.floor), (step, kind)
        assert outcome.state.floor >= FLOOR
        state = outcome.state
    assert incremental >= 20  # the memo was used, not bypassed


def test_the_full_run_finds_what_the_index_finds_at_the_threshold(root):
    cases = pairs_of(root)
    index = SimilarityIndex({case_id: case_features(case) for case_id, case in cases.items()})
    expected = [(p.first, p.second, p.score) for p in index.pairs_above(DUPLICATE_THRESHOLD)]
    found = [(a, b, round(score, 4)) for a, b, score in full_run(cases).pairs if score >= DUPLICATE_THRESHOLD]
    assert sorted(found) == sorted(expected) and expected  # the corpus has near-duplicates


def test_the_rule_reads_and_writes_the_memo_and_says_what_a_full_run_says(root, original, monkeypatch):
    similar_partners(load_corpus(root).corpus)
    assert (cache_dir(root) / MEMO_NAME).exists()
    updates = []
    monkeypatch.setattr(similar_memo, "update", lambda cases, state, _real=update:
                        updates.append(found := _real(cases, state)) or found)
    rng = random.Random(5)
    for step in range(6):
        edit(root, original, "near-copy", rng, step)
        corpus = load_corpus(root).corpus
        with_memo = similar_partners(corpus)
        with monkeypatch.context() as patch:
            patch.setenv("FTZKB_NO_CACHE", "1")
            assert with_memo == similar_partners(corpus)
    assert len(updates) == 6  # the memo was read on every run with caches
    assert sum(found is not None for found in updates) >= 2  # and used (a small corpus soon needs a full run)


def test_a_damaged_memo_means_a_full_run(root, monkeypatch):
    corpus = load_corpus(root).corpus
    expected = similar_partners(corpus)
    for damage in (b"", b"not marshal", b"\xfb\x00"):
        (cache_dir(root) / MEMO_NAME).write_bytes(damage)
        assert similar_partners(corpus) == expected


def test_many_changes_mean_a_full_run(root):
    state = full_run(pairs_of(root)).state
    for path in sorted((root / "cases").glob("*.yaml"))[:60]:
        substitute(path, r"^title: (.*)$", line(path, "title") + "改")
    assert update(pairs_of(root), state) is None
