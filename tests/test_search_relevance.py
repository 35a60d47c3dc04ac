"""Search relevance on the repository's own cases: recall@5 and MRR over tests/data/relevance.yaml.

The floors are the measured values less a margin for the corpus growing (more cases compete for
the top places). Run with `-s` to see the figures and every query that misses.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ftzkb.load.yamlload import load_yaml_file
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, REPO_ROOT
from ftzkb.search import search

RELEVANCE = Path(__file__).parent / "data" / "relevance.yaml"
RECALL_AT_5_FLOOR = 0.9
MRR_FLOOR = 0.85
MIN_QUERIES = 20


@dataclass(frozen=True)
class Scored:
    query: str
    expected: tuple[str, ...]
    found: tuple[str, ...]

    @property
    def recall_at_5(self) -> float:
        return len(set(self.expected) & set(self.found[:5])) / len(self.expected)

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / rank for rank, hit in enumerate(self.found, 1) if hit in self.expected), 0.0)


def relevance_set() -> list[dict]:
    return load_yaml_file(RELEVANCE).data["queries"]


@pytest.fixture(scope="module")
def real_copy(tmp_path_factory):
    """The repository's cases and carriers, copied: the index is built here, not in the shared checkout."""
    root = tmp_path_factory.mktemp("real")
    for dirname in (CASES_DIRNAME, CARRIERS_DIRNAME):
        shutil.copytree(REPO_ROOT / dirname, root / dirname)
    return root


@pytest.fixture(scope="module")
def scored(real_copy) -> list[Scored]:
    return [Scored(item["query"], tuple(item["expected"]),
                   tuple(hit.id for hit in search(real_copy, item["query"], limit=10)))
            for item in relevance_set()]


def test_the_set_is_large_enough_and_names_real_cases(real_corpus):
    queries = relevance_set()
    assert len(queries) >= MIN_QUERIES
    unknown = {case_id for item in queries for case_id in item["expected"]} - set(real_corpus.cases)
    assert not unknown, f"relevance.yaml names cases that are not in cases/: {sorted(unknown)}"


def test_recall_at_5_and_mrr_stay_above_their_floors(scored):
    recall = sum(s.recall_at_5 for s in scored) / len(scored)
    mrr = sum(s.reciprocal_rank for s in scored) / len(scored)
    print(f"\nrelevance: {len(scored)} queries, recall@5 {recall:.3f}, MRR {mrr:.3f}")
    for s in scored:
        if s.recall_at_5 < 1 or s.reciprocal_rank < 1:
            print(f"  {s.query}: recall@5 {s.recall_at_5:.2f}, RR {s.reciprocal_rank:.2f}, top 5 {list(s.found[:5])}")
    assert recall >= RECALL_AT_5_FLOOR
    assert mrr >= MRR_FLOOR
