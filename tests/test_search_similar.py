"""Duplicate detection: the similarity measure, the `similar-case` rule in validate, and `ftzkb similar`."""

from __future__ import annotations

import itertools
import json
import random
from functools import partial

import pytest

from conftest import ftzkb as run_ftzkb
from conftest import write_corpus
from ftzkb.load.loader import load_corpus
from ftzkb.rules import run_rules
from ftzkb.rules.similarity import DUPLICATE_THRESHOLD, SimilarityIndex, features
from test_search_corpus import CARRIERS, STANDARD_CASES, case_yaml

ORIGINAL = case_yaml("sz-credit", "“关助融”：以海关信用数据助力中小企业融资",
                     "苏州片区把企业的海关信用信息纳入征信体系，供银行在授信时使用，帮助外贸中小企业获得贷款，2019年6月上线。",
                     tags=("关助融", "海关信用", "征信"))
# The same reform submitted again from another copy of the same material: lightly edited.
RESUBMITTED = case_yaml("sz-credit-2", "“关助融”：海关信用数据助力中小企业融资",
                        "苏州片区把企业海关信用信息纳入征信体系，供银行授信时使用，帮助外贸中小企业获得贷款，2019年6月20日上线。",
                        origin="zone-b", tags=("关助融", "海关信用", "融资"))
OTHERS = {key: text for key, text in STANDARD_CASES.items() if key != "credit-loans"}  # that one is 关助融 too


ftzkb = partial(run_ftzkb, lang="zh")


def similar_warnings(root):
    return list(run_rules(load_corpus(root).corpus, only={"similar-case"}))


def test_identical_texts_score_one_and_unrelated_ones_low():
    index = SimilarityIndex({"a": features("多式联运一单制改革"), "b": features("多式联运一单制改革"),
                             "c": features("零售药店一业一证")})
    assert index.cosine("a", "b") == pytest.approx(1.0)
    assert index.cosine("a", "c") < 0.1


WORDS = ["多式联运", "一单制", "白名单", "研发用物品", "一业一证", "零售药店", "关助融", "海关信用", "区域评估",
         "生态眼", "长江", "空运直通港", "船车直取", "中欧班列", "保税", "出口"]


@pytest.mark.parametrize("seed", range(5))
def test_pairs_above_is_exact_when_every_feature_is_distinctive(seed):
    rng = random.Random(seed)
    texts = {f"d{i}": "".join(rng.sample(WORDS, rng.randint(2, 5))) for i in range(8)}  # no feature in > 8 cases
    index = SimilarityIndex({key: features(text) for key, text in texts.items()})
    for threshold in (0.2, 0.4, 0.6, 0.9):
        expected = {(a, b) for a, b in itertools.combinations(sorted(texts), 2) if index.cosine(a, b) >= threshold}
        assert {(p.first, p.second) for p in index.pairs_above(threshold)} == expected


def test_pairs_above_in_a_larger_corpus_finds_near_copies_and_nothing_below_the_threshold():
    rng = random.Random(1)
    texts = {f"d{i}": "".join(rng.sample(WORDS, 4)) for i in range(200)}
    texts["copy-a"] = texts["copy-b"] = "江北新区知识产权质押融资风险补偿资金池"
    index = SimilarityIndex({key: features(text) for key, text in texts.items()})
    found = list(index.pairs_above(0.9))
    assert ("copy-a", "copy-b") in {(p.first, p.second) for p in found}
    assert all(p.score >= 0.9 and p.score == pytest.approx(index.cosine(p.first, p.second), abs=1e-4) for p in found)


def test_a_resubmitted_reform_is_warned_about_on_both_files(tmp_path):
    root = write_corpus(tmp_path, {"sz-credit": ORIGINAL, "sz-credit-2": RESUBMITTED, **OTHERS}, CARRIERS)
    warnings = similar_warnings(root)
    assert {w.file for w in warnings} == {"cases/sz-credit.yaml", "cases/sz-credit-2.yaml"}
    assert all(w.severity == "warning" and w.line == 2 for w in warnings)
    assert "sz-credit-2" in next(w.zh for w in warnings if w.file == "cases/sz-credit.yaml")


def test_cases_that_name_each_other_are_not_warned_about(tmp_path):
    linked = RESUBMITTED + "related:\n  - sz-credit\n"
    root = write_corpus(tmp_path, {"sz-credit": ORIGINAL, "sz-credit-2": linked}, CARRIERS)
    assert similar_warnings(root) == []


def test_distinct_cases_are_not_warned_about(tmp_path):
    root = write_corpus(tmp_path, dict(STANDARD_CASES), CARRIERS)
    assert similar_warnings(root) == []


def test_the_real_corpus_has_no_similar_case_warnings(real_corpus):
    found = list(run_rules(real_corpus, only={"similar-case"}))
    assert found == [], [d.as_text() for d in found]


def test_validate_warns_about_a_new_file_before_it_is_moved_in(tmp_path):
    root = write_corpus(tmp_path / "kb", {"sz-credit": ORIGINAL, **OTHERS}, CARRIERS)
    draft = tmp_path / "sz-credit-2.yaml"
    draft.write_text(RESUBMITTED, "utf-8")
    result = ftzkb("validate", "--root", str(root), str(draft))
    assert "similar-case" in result.stdout and "sz-credit" in result.stdout
    assert ftzkb("validate", "--root", str(root), "--strict", str(draft)).returncode == 1


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("similar"), {"sz-credit": ORIGINAL, **OTHERS}, CARRIERS)


def test_similar_by_file_lists_the_likely_duplicate_first(kb, tmp_path):
    draft = tmp_path / "draft.yaml"
    draft.write_text(RESUBMITTED, "utf-8")
    result = ftzkb("similar", str(draft), "--root", str(kb))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[1].split()
    assert first[1:3] == ["可能重复", "sz-credit"] and float(first[0]) >= DUPLICATE_THRESHOLD


def test_similar_by_id_in_json_leaves_the_case_itself_out(kb):
    data = json.loads(ftzkb("similar", "multimodal", "--min-score", "0", "--format", "json", "--root", str(kb)).stdout)
    assert data and "multimodal" not in {row["id"] for row in data}
    assert data[0]["id"] == "sea-rail" and not data[0]["likely_duplicate"]
    assert [row["score"] for row in data] == sorted((row["score"] for row in data), reverse=True)


def test_similar_score_is_the_rules_score(kb, tmp_path):
    root = write_corpus(tmp_path, {"sz-credit": ORIGINAL, "sz-credit-2": RESUBMITTED}, CARRIERS)
    data = json.loads(ftzkb("similar", "sz-credit-2", "--format", "json", "--root", str(root)).stdout)
    warning = similar_warnings(root)[0]
    assert f"{data[0]['score']:.2f}" in warning.zh


@pytest.mark.parametrize(("target", "code", "expected"), [
    ("multimodl", 2, "multimodal"),
    ("no/such/file.yaml", 2, "找不到文件"),
])
def test_similar_with_a_wrong_target(kb, target, code, expected):
    result = ftzkb("similar", target, "--root", str(kb))
    assert result.returncode == code and expected in result.stderr and "Traceback" not in result.stderr


def test_similar_with_a_broken_file_reports_its_errors(kb, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: x\n", "utf-8")
    result = ftzkb("similar", str(broken), "--root", str(kb))
    assert result.returncode == 1 and "broken.yaml" in result.stderr and "Traceback" not in result.stderr
