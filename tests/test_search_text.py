"""The pieces of search that need no index: text units, pinyin, query parsing, snippets, filters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftzkb.search.filters import FilterError, make_filters, parse_years, resolve_vocabulary
from ftzkb.search.pinyin import aligned_syllables, pinyin_spans, pinyin_tokens
from ftzkb.search.query import covering, parse_query
from ftzkb.search.snippets import best_snippet, mark, needles, spans_in, window
from ftzkb.textunits import fold, index_units, units


def test_units_are_bigrams_and_latin_words():
    assert units("多式联运“一单制”") == ["多式", "式联", "联运", "一单", "单制"]
    assert units("ＱＦＬＰ试点 2330改革") == ["qflp", "试点", "2330", "改革"]
    assert units("港") == ["港"]
    assert units("😀 —— ！") == []


def test_index_units_add_run_ends_only_when_asked():
    assert "港" not in index_units("连云港")
    assert "港" in index_units("连云港", tails=True)


def test_fold_keeps_offsets():
    text = "ＱＦＬＰ（试点）"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("qflp")


def test_pinyin_tokens_find_inner_words_of_titles_and_whole_tags():
    full, initials = pinyin_tokens(["国际多式联运"], ["一业一证"])
    assert "duoshilianyun" in full and "lianyun" in full
    assert "dsly" in initials and "yyyz" in initials
    assert "yeyizheng" not in full  # tags give their whole spelling only


def test_pinyin_spans_highlight_what_the_letters_spell():
    title = "多式联运“一单制”"
    aligned = aligned_syllables(title)
    assert pinyin_spans("dsly", aligned) == [(0, 4)]
    assert pinyin_spans("lianyun", aligned) == [(2, 4)]
    assert pinyin_spans("ydz", aligned) == [(5, 8)]
    assert pinyin_spans("xyz", aligned) == []


def test_covering_keeps_one_bigram_per_character():
    assert covering(["知识", "识产", "产权", "权质", "质押", "押融", "融资"]) == ["知识", "产权", "质押", "融资"]
    assert covering(["一站", "站式"]) == ["一站", "站式"]
    # a bigram found nowhere is not required; its neighbours cover what they can
    assert covering(["研发", None, "物品"]) == ["研发", "物品"]
    assert covering([None, None]) == []


def test_parse_words_phrases_fields_or_and_not():
    parsed = parse_query('多式联运 "一单制" 做法:白名单 空运 OR 航空 -上海 NOT 南京')
    groups = [[(t.text, t.fields, t.phrase) for t in group] for group in parsed.groups]
    assert groups == [[("多式联运", None, False)], [("一单制", None, True)], [("白名单", ("measures",), False)],
                      [("空运", None, False), ("航空", None, False)]]
    assert [t.text for t in parsed.excluded] == ["上海", "南京"]
    assert parsed.notices == []


def test_field_with_quoted_phrase_and_unknown_prefix():
    parsed = parse_query('标题："多式联运" http://example.org')
    assert parsed.groups[0][0].fields == ("title", "title_en") and parsed.groups[0][0].phrase
    assert parsed.groups[1][0].text == "http://example.org" and parsed.groups[1][0].fields is None


@pytest.mark.parametrize("text", ['"多式联运', '多式联运"', "“一业一证", "OR", "-", "AND OR NOT", "多式联运 OR",
                                  "OR 多式联运", "😀", "—— ！", "a:", ":", '""', "\x00", "多式联运" * 100])
def test_hostile_queries_parse_without_error(text):
    parsed = parse_query(text)
    assert all(term.text for term in parsed.positive_terms + parsed.excluded)


def test_unbalanced_quote_runs_to_the_end():
    assert [(t.text, t.phrase) for t in parse_query('"多式联运 一单制').positive_terms] == [("多式联运 一单制", True)]


def test_dropped_characters_and_long_queries_are_noticed():
    assert parse_query("😀").empty and parse_query("😀").notices
    long = parse_query("多式联运" * 100)
    assert any("200" in zh for zh, _ in long.notices)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses(text):
    parsed = parse_query(text)
    terms = parsed.positive_terms + parsed.excluded
    assert all(term.text and not term.text.isspace() for term in terms)
    assert sum(len(term.text) for term in terms) <= len(text)
    assert parsed.empty == (not terms)


def test_snippet_window_and_spans():
    text = "甲" * 100 + "多式联运" + "乙" * 100
    snippet = window("summary", text, spans_in(text, needles(["多式联运"])), width=40)
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    start, end = snippet.spans[0]
    assert snippet.text[start:end] == "多式联运"


def test_snippet_prefers_the_first_field_with_a_match():
    texts = {"summary": "没有", "measures": "建立白名单制度"}
    found = best_snippet(texts, needles(["白名单"]), ["summary", "measures"])
    assert found.field == "measures" and mark(found.text, found.spans, "[", "]") == "建立[白名单]制度"


def test_three_character_words_do_not_mark_their_halves():
    assert spans_in("名单内企业", needles(["白名单"])) == []
    assert spans_in("海铁联运", needles(["多式联运"])) == [(2, 4)]


def test_latin_words_are_marked_only_whole():
    assert spans_in("EDA and media", needles(["eda"])) == [(0, 3)]


def test_year_ranges():
    assert parse_years("2020") == (2020, 2020)
    assert parse_years("2020-2022") == (2020, 2022)
    assert parse_years("2022..2020") == (2020, 2022)
    assert parse_years("2020-") == (2020, None)
    assert parse_years("-2022") == (None, 2022)
    assert parse_years("2020至2021") == (2020, 2021)
    with pytest.raises(FilterError):
        parse_years("去年")


def test_vocabulary_values_by_code_or_label_with_suggestions():
    assert resolve_vocabulary("category", "finance") == "finance"
    assert resolve_vocabulary("category", "金融开放创新") == "finance"
    assert resolve_vocabulary("recognition_level", "provincial-replication-01") == "provincial-replication-1"
    with pytest.raises(FilterError) as error:
        resolve_vocabulary("category", "finanse")
    assert "finance" in error.value.zh


def test_origin_by_name_looks_carriers_up_only_when_needed():
    calls = []

    def carriers():
        calls.append(1)
        return {"suzhou-area": ["中国（江苏）自由贸易试验区苏州片区", "苏州片区"]}

    assert make_filters(category=["finance"], carriers=carriers).category == ("finance",)
    assert calls == []
    assert make_filters(origin=["苏州片区"], carriers=carriers).origin == ("suzhou-area",)
    with pytest.raises(FilterError) as error:
        make_filters(origin=["suzhou-aera"], carriers=carriers)
    assert "suzhou-area" in error.value.en
