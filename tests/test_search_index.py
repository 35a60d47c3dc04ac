"""The whoosh index on real files: what it finds, filters, and how it stays fresh, recovers and locks."""

from __future__ import annotations

import json
import os

import pytest

from conftest import write_corpus
from ftzkb.search import Filters, search
from ftzkb.search import index as search_index
from ftzkb.search.index import MANIFEST_NAME, IndexProblem, ensure_index, index_dir
from ftzkb.search.query import run_search
from test_search_corpus import CARRIERS, STANDARD_CASES, case_yaml, standard_corpus


@pytest.fixture(autouse=True)
def always_recheck(monkeypatch):
    """These tests edit files and search again at once: re-stat the corpus on every search."""
    monkeypatch.setattr(search_index, "RECHECK_SECONDS", 0.0)


@pytest.fixture
def corpus(tmp_path):
    return standard_corpus(tmp_path / "corpus")


def ids(root, query, filters=None, limit=10):
    return [hit.id for hit in search(root, query, filters, limit)]


def test_words_and_parts_of_compounds(corpus):
    assert ids(corpus, "多式联运")[0] == "multimodal"
    assert set(ids(corpus, "联运")) == {"multimodal", "sea-rail"}
    assert ids(corpus, "一业一证") == ["one-licence"]
    assert ids(corpus, "白名单") == ["whitelist"]


def test_pinyin_and_initials(corpus):
    assert ids(corpus, "dsly")[0] == "multimodal"
    assert ids(corpus, "duoshilianyun")[0] == "multimodal"
    assert ids(corpus, "yyyz") == ["one-licence"]
    hit = search(corpus, "dsly")[0]
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["多式联运"]


def test_bigrams_found_nowhere_are_not_required(corpus):
    assert ids(corpus, "研发物品白名单")[0] == "whitelist"


def test_field_queries(corpus):
    assert ids(corpus, "做法:海关") == ["whitelist"]
    assert ids(corpus, "measures:白名单") == ["whitelist"]
    assert ids(corpus, "标题:通关") == []
    assert ids(corpus, "通关") == ["whitelist"]  # in the summary


def test_phrases_or_and_exclusion(corpus):
    assert ids(corpus, '"一单制"') == ["multimodal"]
    assert ids(corpus, '"单制一"') == []
    assert set(ids(corpus, "一单制 OR 一业一证")) == {"multimodal", "one-licence"}
    assert ids(corpus, "联运 -海铁") == ["multimodal"]


def test_nothing_matching_every_word_falls_back_to_partial_hits(corpus):
    result = run_search(corpus, "多式联运 一业一证")
    assert result.partial and {h.id for h in result.hits} >= {"multimodal", "one-licence"}
    assert all(h.partial for h in result.hits)


def test_hits_carry_snippets_highlights_and_stored_facts(corpus):
    hit = search(corpus, "许可证")[0]
    assert hit.id == "one-licence" and hit.origin == "zone-b" and hit.origin_name == "乙经开区"
    assert hit.recognitions == ["provincial-replication", "provincial-replication-2"]
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["许可证"]
    assert hit.path == "cases/one-licence.yaml"


def test_carriers_are_searchable_too(corpus):
    hits = search(corpus, "综合保税区")
    assert hits[0].kind == "carrier" and hits[0].id == "zone-c"


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(origin=("zone-b",)), {"one-licence"}),
    (Filters(category=("open-corridors",)), {"multimodal", "sea-rail"}),
    (Filters(carrier_type=("national-etdz",)), {"one-licence", "zone-b"}),  # a case's origin type; a carrier's own
    (Filters(carrier_type=("national-etdz",), kind="case"), {"one-licence"}),
    (Filters(suits=("special-customs-zone",)), {"whitelist"}),
    (Filters(recognition=("provincial-replication-2",)), {"one-licence"}),
    (Filters(status=("withdrawn",)), {"credit-loans"}),
    (Filters(year_from=2020, year_to=2021), {"multimodal", "one-licence"}),
    (Filters(year_from=2022), {"sea-rail"}),
    (Filters(kind="carrier"), set(CARRIERS)),
])
def test_filters_work_alone_and_from_stored_fields(corpus, filters, expected):
    assert set(ids(corpus, "", filters, limit=50)) == expected


def test_filters_combine_with_words(corpus):
    assert ids(corpus, "联运", Filters(year_from=2022)) == ["sea-rail"]


def test_missing_index_is_built_then_reported_fresh(corpus):
    assert not index_dir(corpus).exists()
    first = ensure_index(corpus)
    assert (first.action, first.reason, first.documents) == ("rebuilt", "missing", len(STANDARD_CASES) + len(CARRIERS))
    assert ensure_index(corpus).action == "fresh"


def test_only_changed_files_are_reindexed(corpus):
    ensure_index(corpus)
    path = corpus / "cases" / "sea-rail.yaml"
    path.write_text(path.read_text("utf-8").replace("滚装海运", "滚装海运和中欧班列"), "utf-8")
    new_case = case_yaml("new-one", "跨境电商退货中心仓", "退货商品集中入仓。")
    (corpus / "cases" / "new-one.yaml").write_text(new_case, "utf-8")
    (corpus / "cases" / "multimodal.yaml").unlink()
    report = ensure_index(corpus)
    assert (report.action, report.added, report.updated, report.removed) == ("updated", 1, 1, 1)
    assert ids(corpus, "中欧班列") == ["sea-rail"]
    assert ids(corpus, "退货")[0] == "new-one"
    assert "multimodal" not in ids(corpus, "一单制")


def test_a_touched_but_unchanged_file_is_not_reindexed(corpus):
    ensure_index(corpus)
    path = corpus / "cases" / "sea-rail.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    assert ensure_index(corpus).action == "fresh"
    manifest = json.loads((index_dir(corpus) / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["files"]["cases/sea-rail.yaml"][0] == path.stat().st_mtime_ns  # remembered: no rehash next time


def test_renaming_a_carrier_reindexes_the_cases_it_originated(corpus):
    ensure_index(corpus)
    path = corpus / "carriers" / "zone-b.yaml"
    path.write_text(path.read_text("utf-8").replace("乙经开区", "乙经济技术开发区"), "utf-8")
    report = ensure_index(corpus)
    assert (report.updated, report.added, report.removed) == (2, 0, 0)  # the carrier and one-licence
    assert search(corpus, "许可证")[0].origin_name == "乙经济技术开发区"


def test_search_brings_a_stale_index_up_to_date(corpus):
    search(corpus, "联运")
    path = corpus / "cases" / "one-licence.yaml"
    path.write_text(path.read_text("utf-8").replace("零售药店", "连锁便利店"), "utf-8")
    assert ids(corpus, "便利店") == ["one-licence"]


def test_files_with_errors_are_left_out_and_named(corpus):
    (corpus / "cases" / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", "utf-8")
    report = ensure_index(corpus)
    assert report.skipped == ["cases/broken.yaml"]
    assert ids(corpus, "一业一证") == ["one-licence"]


def test_a_corrupt_index_is_rebuilt_when_searched(corpus):
    ensure_index(corpus)
    for part in index_dir(corpus).iterdir():
        if part.suffix in (".pst", ".trm"):
            part.write_bytes(b"garbage")
    assert ids(corpus, "一业一证") == ["one-licence"]


def test_an_unreadable_manifest_means_a_rebuild(corpus):
    ensure_index(corpus)
    (index_dir(corpus) / MANIFEST_NAME).write_text("{not json", "utf-8")
    assert ensure_index(corpus).reason == "corrupt"


def test_an_index_from_other_indexing_code_is_rebuilt(corpus):
    ensure_index(corpus)
    manifest_path = index_dir(corpus) / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "fingerprint": "older"}), "utf-8")
    assert ensure_index(corpus).reason == "version"


@pytest.fixture
def held_lock(corpus, monkeypatch):
    from whoosh.util.filelock import FileLock

    monkeypatch.setenv("FTZKB_INDEX_LOCK_TIMEOUT", "0.2")
    (corpus / ".ftzkb-cache").mkdir(exist_ok=True)
    lock = FileLock(str(corpus / ".ftzkb-cache" / search_index.LOCK_NAME))
    yield lock


def test_a_locked_missing_index_is_reported(corpus, held_lock):
    assert held_lock.acquire()
    try:
        with pytest.raises(IndexProblem) as problem:
            search(corpus, "联运")
        assert "另一个进程" in problem.value.zh
    finally:
        held_lock.release()


def test_a_locked_stale_index_still_answers_with_a_notice(corpus, held_lock):
    ensure_index(corpus)
    path = corpus / "cases" / "sea-rail.yaml"
    path.write_text(path.read_text("utf-8").replace("滚装海运", "滚装海运出口"), "utf-8")
    assert held_lock.acquire()
    try:
        result = run_search(corpus, "联运")
    finally:
        held_lock.release()
    assert result.index.busy and any("另一个进程" in zh for zh, _ in result.notices)
    assert {h.id for h in result.hits} == {"multimodal", "sea-rail"}


def test_an_empty_corpus_gives_an_empty_index(tmp_path):
    root = write_corpus(tmp_path, {}, {})
    assert search(root, "联运") == []


def test_year_of_a_no_later_than_date_counts_and_unknown_years_do_not(corpus):
    by_2021 = case_yaml("by-2021", "飞机维修", "飞机维修业务。", started="<=2021-06")
    undated = case_yaml("undated", "飞机租赁", "飞机租赁业务。", started="unknown")
    (corpus / "cases" / "by-2021.yaml").write_text(by_2021, "utf-8")
    (corpus / "cases" / "undated.yaml").write_text(undated, "utf-8")
    assert set(ids(corpus, "飞机", Filters(year_from=2021, year_to=2021))) == {"by-2021"}
    assert set(ids(corpus, "飞机")) == {"by-2021", "undated"}


def test_exclusion_applies_to_partial_hits_too(corpus):
    result = run_search(corpus, "多式联运 一业一证 -零售药店")
    assert result.partial and "one-licence" not in {h.id for h in result.hits}
