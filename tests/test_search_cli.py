"""`ftzkb index` and `ftzkb search` as people call them: real processes, text and JSON, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import ftzkb as run_ftzkb
from test_search_corpus import standard_corpus

ftzkb = run_ftzkb


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = standard_corpus(tmp_path_factory.mktemp("search-cli"))
    assert ftzkb("index", "--root", str(root)).returncode == 0
    return root


def test_index_reports_what_it_did(tmp_path):
    root = standard_corpus(tmp_path)
    built = ftzkb("index", "--root", str(root))
    assert built.returncode == 0 and "已重建" in built.stdout
    again = json.loads(ftzkb("index", "--root", str(root), "--format", "json").stdout)
    assert again["action"] == "fresh" and again["documents"] == 8
    english = ftzkb("--lang", "en", "index", "--rebuild", "--root", str(root))
    assert "rebuild requested" in english.stdout


def test_text_results_are_ranked_and_highlighted(corpus):
    result = ftzkb("search", "多式联运", "--root", str(corpus))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith(" 1. 【多式联运】“一单制”") and "[multimodal]" in lines[1]
    assert "甲片区" in lines[2] and "2021年3月" in lines[2]


def test_json_results(corpus):
    data = json.loads(ftzkb("search", "联运", "--format", "json", "--root", str(corpus)).stdout)
    assert data["total"] == 2 and data["complete"] and not data["partial"]
    assert {hit["id"] for hit in data["hits"]} == {"multimodal", "sea-rail"}
    assert {"title", "score", "snippet", "snippet_spans", "title_spans", "origin", "path"} <= data["hits"][0].keys()


def test_words_are_joined_and_filters_take_labels(corpus):
    data = json.loads(ftzkb("search", "研发", "白名单", "--category", "产业高质量发展", "--year", "2019",
                            "--format", "json", "--root", str(corpus)).stdout)
    assert [hit["id"] for hit in data["hits"]] == ["whitelist"]
    assert data["filters"] == {"category": ["industry"], "year_from": 2019, "year_to": 2019}


def test_origin_by_name(corpus):
    data = json.loads(ftzkb("search", "--origin", "乙经开区", "--format", "json", "--root", str(corpus)).stdout)
    assert [hit["id"] for hit in data["hits"]] == ["one-licence"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--category", "finanse"], "finance"),
    (["--origin", "zone-bb"], "zone-b"),
    (["--year", "去年"], "2020-2022"),
    (["--recognition", "national"], "national-replication"),
])
def test_unknown_filter_values_are_usage_errors_with_hints(corpus, args, expected):
    result = ftzkb("search", "联运", *args, "--root", str(corpus))
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("query", ["", "   ", "😀", "OR", "-", "AND OR NOT", "\\ / * ? [ ] { } ( ) ~ ^", "title:"])
def test_nothing_to_search_is_a_usage_error(corpus, query):
    result = ftzkb("search", query, "--root", str(corpus))
    assert result.returncode == 2 and result.stderr.strip() and "Traceback" not in result.stderr


@pytest.mark.parametrize("query", ['"多式联运', "“一业一证", "多式联运 OR", "联运 😀", "ＱＦＬＰ 联运", "联运" * 300,
                                   "多式lianyun", "a:b:c", "标题:联运 OR", "\u200b联运\u3000"])
def test_hostile_queries_answer_without_traceback(corpus, query):
    result = ftzkb("search", query, "--root", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_index_is_rebuilt_by_the_command(tmp_path):
    root = standard_corpus(tmp_path)
    ftzkb("index", "--root", str(root))
    for part in (root / ".ftzkb-cache" / "search-index").iterdir():
        if part.suffix == ".trm":
            part.write_bytes(b"\x00" * 10)
    result = ftzkb("search", "一业一证", "--root", str(root))
    assert result.returncode == 0 and "[one-licence]" in result.stdout


def test_locked_missing_index_is_reported_clearly(tmp_path):
    from whoosh.util.filelock import FileLock

    root = standard_corpus(tmp_path)
    (root / ".ftzkb-cache").mkdir()
    lock = FileLock(str(root / ".ftzkb-cache" / "search-index.lock"))
    assert lock.acquire()
    try:
        result = ftzkb("search", "联运", "--root", str(root), env={"FTZKB_INDEX_LOCK_TIMEOUT": "0.3"})
    finally:
        lock.release()
    assert result.returncode == 1 and "另一个进程" in result.stderr and "Traceback" not in result.stderr


def test_cold_search_stays_off_slow_imports(corpus):
    code = ("import sys, runpy; sys.argv = ['ftzkb', 'search', '联运', '--root', sys.argv[1]]\n"
            "try:\n    runpy.run_module('ftzkb', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "slow = ('jieba', 'jsonschema', 'pypinyin', 'yaml', 'ftzkb.load.loader')\n"
            "print(sorted(m for m in slow if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_a_directory_without_cases_is_a_usage_error_and_gets_no_index(tmp_path):
    result = ftzkb("search", "联运", "--root", str(tmp_path))
    assert result.returncode == 2 and "cases/" in result.stderr
    assert not (tmp_path / ".ftzkb-cache").exists()


# --- what a hit matched ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def matching(tmp_path_factory):
    """跨境电商 whole in one case, its two halves apart in another, 知识产权 only in a third's source."""
    from conftest import write_corpus
    from test_search_corpus import CARRIERS, case_yaml

    cases = {
        "ecommerce": case_yaml("ecommerce", "跨境电商零售进口退货中心仓", "跨境电商企业的退货在区内集中处理。"),
        "qflp": case_yaml("qflp", "外商股权投资试点", "便利跨境投资，服务电商以外的各类企业。",
                          categories=("finance",)),
        "cited": case_yaml("cited", "企业开办一网通办", "企业开办全程网上办理。", categories=("government",)).replace(
            "  - title: 测试来源\n", "  - title: 一周年成果（转载中国知识产权网）\n    publisher: 国家知识产权局\n"),
        "ip": case_yaml("ip", "知识产权质押融资", "以知识产权质押获得贷款。", categories=("ip",)),
    }
    root = write_corpus(tmp_path_factory.mktemp("matching"), cases, CARRIERS)
    assert ftzkb("index", "--root", str(root)).returncode == 0
    return root


def hits(root, *args: str) -> dict:
    result = ftzkb("search", *args, "--format", "json", "--root", str(root))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_han_word_matches_fully_only_where_it_is_whole(matching):
    data = hits(matching, "跨境电商")
    assert [(h["id"], h["partial"]) for h in data["hits"]] == [("ecommerce", False), ("qflp", True)]
    assert data["hits"][1]["missing"] == ["跨境电商"] and data["full"] == 1 and not data["partial"]
    text = ftzkb("search", "跨境电商", "--root", str(matching)).stdout
    assert "找到 2 条（完全匹配 1 条）" in text and "（部分匹配：没有完整出现“跨境电商”）" in text
    assert next(h["id"] for h in hits(matching, "电商")["hits"]) == "ecommerce"


def test_a_hit_found_only_in_its_sources_says_so_and_comes_last(matching):
    data = hits(matching, "知识产权")
    assert [h["id"] for h in data["hits"]] == ["ip", "cited"]
    cited = data["hits"][1]
    assert cited["only_in_sources"] and cited["matched_in"] == ["sources"] and not cited["partial"]
    assert "（只在来源标题或发布机关中出现）" in ftzkb("search", "知识产权", "--root", str(matching)).stdout
    assert [h["id"] for h in hits(matching, "来源:知识产权局")["hits"]] == ["cited"]


@pytest.mark.parametrize("args", [["跨境", "-电商"], ["跨境", "NOT", "电商"], ["-电商", "跨境"], ["跨境", "－电商"]])
def test_dash_and_not_exclude_on_the_command_line(matching, args):
    assert [h["id"] for h in hits(matching, *args)["hits"]] == []
    assert {h["id"] for h in hits(matching, "企业")["hits"]} >= {"ecommerce", "qflp"}


def test_real_options_still_work_beside_dashed_words(matching):
    data = hits(matching, "企业", "-电商", "--limit", "1", "--year", "-2021")
    assert data["filters"] == {"year_to": 2021} and len(data["hits"]) == 1
    assert ftzkb("search", "企业", "-h", "--root", str(matching)).stdout.startswith("用法: ftzkb search")
    assert ftzkb("search", "企业", "--nope", "--root", str(matching)).returncode == 2


def test_search_results_as_csv(matching):
    rows = list(csv.reader(io.StringIO(ftzkb("search", "知识产权", "--format", "csv", "--root",
                                             str(matching)).stdout.lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "类别", "id", "标题"]
    assert [r[2] for r in rows[1:]] == ["ip", "cited"] and rows[2][7] == "只在来源标题或发布机关中出现"
