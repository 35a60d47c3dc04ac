"""The one resolver of typed references (`ftzkb.resolve`): ids, names, labels, prefixes, and the
messages for ambiguous and unknown ones; then each command that takes a reference, given a name."""

from __future__ import annotations

import json

import pytest

from conftest import ftzkb, minimal_case, write_corpus
from ftzkb.resolve import (
    CARRIER,
    NameIndex,
    Resolver,
    Unresolved,
    carriers_of,
    carriers_on_disk,
    cases_of,
    cases_on_disk,
    key,
    names_digest,
    names_on_disk,
    recognitions,
    vocabulary,
)

CARRIERS = {"suzhou-area": ("中国（江苏）自由贸易试验区苏州片区", "苏州片区", "Suzhou Area"),
            "suzhou-city": ("苏州市（市级层面）", "苏州市", None),
            "kunshan-etdz": ("昆山经济技术开发区", "昆山经开区", None),
            "kunshan-htz": ("昆山高新技术产业开发区", "昆山高新区", None)}


def carriers() -> Resolver:
    return Resolver(CARRIER, {cid: tuple(n for n in (short, name, en) if n)
                              for cid, (name, short, en) in CARRIERS.items()})


@pytest.mark.parametrize(("typed", "expected"), [
    ("kunshan-etdz", "kunshan-etdz"),  # the id
    ("Kunshan-ETDZ", "kunshan-etdz"),  # any case
    ("kunshan etdz", "kunshan-etdz"),  # spaces for hyphens
    ("昆山经开区", "kunshan-etdz"),  # the short name
    ("昆山经济技术开发区", "kunshan-etdz"),  # the full name
    ("中国(江苏)自由贸易试验区苏州片区", "suzhou-area"),  # half-width brackets for full-width ones
    ("suzhou area", "suzhou-area"),  # the English name, any case
    ("苏州片", "suzhou-area"),  # an unambiguous prefix of a name
    ("kunshan-e", "kunshan-etdz"),  # … of an id
    ("经济技术", "kunshan-etdz"),  # an unambiguous part of a name
    (" 苏州市 ", "suzhou-city"),
])
def test_references_resolve_to_ids(typed, expected):
    assert carriers().resolve(typed) == expected


@pytest.mark.parametrize(("typed", "zh", "en", "candidates"), [
    ("苏州", "载体“苏州”不明确，有 2 个符合，是不是“苏州片区”（suzhou-area）或“苏州市”（suzhou-city）？",
     "carrier '苏州' is ambiguous: 2 match; did you mean 苏州片区 (suzhou-area) or 苏州市 (suzhou-city)?",
     ("suzhou-area", "suzhou-city")),
    ("kunshan", "是不是“kunshan-etdz”或“kunshan-htz”？", "did you mean kunshan-etdz or kunshan-htz?",
     ("kunshan-etdz", "kunshan-htz")),
])
def test_ambiguous_references_list_the_matches_with_ids(typed, zh, en, candidates):
    with pytest.raises(Unresolved) as caught:
        carriers().resolve(typed)
    assert caught.value.ambiguous and caught.value.candidates == candidates
    assert zh in caught.value.zh and en in caught.value.en


@pytest.mark.parametrize(("typed", "zh", "en"), [
    ("kunshan-etd2", "载体“kunshan-etd2”不在 carriers/ 中，是不是“kunshan-etdz”",
     "carrier 'kunshan-etd2' is not in carriers/; did you mean kunshan-etdz"),
    ("昆山经发区", "是不是“昆山经开区”（kunshan-etdz）", "did you mean 昆山经开区 (kunshan-etdz)"),
    ("../carriers/kunshan-etdz", "只能用小写字母、数字和连字符", "may use only a-z, 0-9 and hyphens"),
    ("", "载体不能为空", "the carrier is empty"),
])
def test_unknown_references_get_the_nearest_ids(typed, zh, en):
    with pytest.raises(Unresolved) as caught:
        carriers().resolve(typed)
    assert not caught.value.ambiguous
    assert zh in caught.value.zh and en in caught.value.en


def test_full_width_letters_in_a_name_answer_to_ascii():
    resolver = Resolver(CARRIER, {"qflp": ("苏州ＱＦＬＰ试点",)})
    assert resolver.resolve("QFLP试点") == resolver.resolve("苏州qflp") == "qflp"


def test_an_exact_id_needs_no_names():
    def no_names():
        raise AssertionError("names were read for an exact id")

    resolver = Resolver(CARRIER, no_names, is_id=lambda text: text == "kunshan-etdz")
    assert resolver.resolve("kunshan-etdz") == "kunshan-etdz"


@pytest.mark.parametrize(("name", "typed", "expected"), [
    ("category", "金融", "finance"),  # prefix of the Chinese label 金融开放创新
    ("category", "贸易便利化", "trade-facilitation"),
    ("category", "Intellectual property", "ip"),
    ("category", "要素自由流动", "factor-flow"),  # the label without its parenthetical part
    ("carrier_type", "经济技术开发区", "national-etdz"),  # a part of 国家级经济技术开发区
    ("adoption_status", "已复制", "adopted"),
    ("lifecycle_status", "superseded", "superseded"),
])
def test_vocabularies_answer_to_values_and_labels(name, typed, expected):
    assert vocabulary(name).resolve(typed) == expected


def test_an_unknown_vocabulary_value_lists_the_choices():
    with pytest.raises(Unresolved) as caught:
        vocabulary("category").resolve("zz")
    assert "可选：investment" in caught.value.zh
    with pytest.raises(Unresolved) as caught:
        vocabulary("category").resolve("finanse")
    assert caught.value.en == "'finanse' is not a category value; did you mean finance?"


@pytest.mark.parametrize(("typed", "expected"), [
    ("provincial-replication", "provincial-replication"),
    ("provincial-replication-1", "provincial-replication-1"),
    ("provincial-replication-01", "provincial-replication-1"),
    ("全省复制推广第1批", "provincial-replication-1"),
    ("全省复制推广-1", "provincial-replication-1"),
])
def test_recognition_levels_and_batches(typed, expected):
    assert recognitions(["provincial-replication-1", "national-replication-7"]).resolve(typed) == expected
    assert recognitions(None).resolve(typed) == expected


def test_a_batch_the_corpus_does_not_have_is_refused_with_the_nearest():
    with pytest.raises(Unresolved) as caught:
        recognitions(["provincial-replication-1"]).resolve("provincial-replication-2")
    assert caught.value.en == "no batch 'provincial-replication-2'; did you mean provincial-replication-1?"
    assert recognitions(None).resolve("provincial-replication-2") == "provincial-replication-2"


def test_key_ignores_case_width_spaces_and_punctuation():
    assert key("中国（江苏）ＦＴＺ  Area") == key("中国(江苏)ftz-area") == "中国江苏ftzarea"


# --- names from files on disk ------------------------------------------------------------------

DISK_CARRIERS = {"nanjing-area": ("南京片区", "ftz-area"), "kunshan-etdz": ("昆山经开区", "national-etdz")}


@pytest.fixture
def root(tmp_path):
    text = minimal_case("c1").replace("title: 测试案例c1", 'title: "数据出境“一站式”服务"')
    return write_corpus(tmp_path, {"c1": text, "c2": minimal_case("c2")}, DISK_CARRIERS)


def test_names_on_disk_come_from_the_name_lines_and_are_cached(root):
    assert names_on_disk(root, "carriers") == {"kunshan-etdz": ("昆山经开区",), "nanjing-area": ("南京片区",)}
    assert names_on_disk(root, "cases")["c1"] == ("数据出境“一站式”服务",)
    cached = json.loads((root / ".ftzkb-cache" / "names-cases.json").read_text("utf-8"))
    assert set(cached["files"]) == {"c1", "c2"}
    (root / "cases" / "c2.yaml").write_text(minimal_case("c2").replace("测试案例c2", "改过的标题"), "utf-8")
    assert names_on_disk(root, "cases")["c2"] == ("改过的标题",)


def test_disk_resolvers_check_ids_by_file_and_names_by_the_lines(root):
    assert carriers_on_disk(root).resolve("昆山经开区") == "kunshan-etdz"
    assert cases_on_disk(root).resolve("一站式") == "c1"
    assert cases_on_disk(root).resolve("c2") == "c2"
    with pytest.raises(Unresolved, match="not in cases/; did you mean c2"):
        cases_on_disk(root).resolve("c22")


# --- every command that takes a reference, given a name -----------------------------------------


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    from test_replication_queries import build_sample

    return build_sample(tmp_path_factory.mktemp("named"))


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_stats_gaps_and_matrix_take_carrier_names(named):
    stats = json.loads(ok(ftzkb("stats", "一号经开区", "--format", "json", root=named)))
    assert stats["carrier_id"] == "etdz-1"
    assert json.loads(ok(ftzkb("gaps", "一号经开区", "--format", "json", root=named)))["carrier_id"] == "etdz-1"
    matrix = json.loads(ok(ftzkb("matrix", "--origin", "甲片区", "--status", "已复制", "--format", "json",
                                 root=named)))
    assert [row["case_id"] for row in matrix["rows"]] == ["c1"]
    by_type = json.loads(ok(ftzkb("matrix", "--origin", "自贸试验区片区", "--format", "json", root=named)))
    assert by_type["rows"]


def test_lineage_and_batch_take_names(named):
    tree = json.loads(ok(ftzkb("lineage", "测试案例c1", "--format", "json", root=named)))
    assert tree["case_id"] == "c1"
    batch = json.loads(ok(ftzkb("batch", "全省复制推广第1批", "--format", "json", root=named)))
    assert batch["batch"]["key"] == "provincial-replication-1"


def test_an_ambiguous_name_is_a_usage_error_in_chinese(named):
    result = ftzkb("gaps", "经开区", root=named)
    assert result.returncode == 2 and "不明确" in result.stderr and "etdz-1" in result.stderr
    assert "Traceback" not in result.stderr


def test_adopt_takes_a_case_title_and_carrier_names(tmp_path):
    from test_replication_queries import build_sample

    root = build_sample(tmp_path)
    result = ftzkb("adopt", "测试案例c4", "二号经开区", "--status", "planned", "--learned-from", "一号经开区",
                   root=root)
    assert result.returncode == 0, result.stderr
    assert "c4 ← etdz-2" in result.stdout
    text = (root / "cases" / "c4.yaml").read_text("utf-8")
    assert "carrier: etdz-2" in text and "carrier: etdz-1" in text
    wrong = ftzkb("adopt", "c4", "昆山经开区", "--status", "planned", root=root)
    assert wrong.returncode == 2 and "载体“昆山经开区”不在 carriers/ 中" in wrong.stderr


def test_new_takes_carrier_and_category_names(tmp_path):
    root = write_corpus(tmp_path, {}, DISK_CARRIERS)
    result = ftzkb("new", "--title", "数据出境“一站式”服务", "--summary", "为企业提供数据出境申报的一站式辅导。",
                   "--origin", "南京片区", "--started", "2023-05", "--category", "金融", "--source-title", "来源",
                   "--source", "https://example.gov.cn/a", root=root)
    assert result.returncode == 0, result.stderr
    text = (root / "cases" / "shuju-chujing-yizhanshi-fuwu.yaml").read_text("utf-8")
    assert "carrier: nanjing-area" in text and "- finance" in text


def test_a_stale_names_cache_is_corrected(root):
    assert cases_on_disk(root).resolve("一站式") == "c1"  # the cache now holds c1's title
    text = minimal_case("c1").replace("title: 测试案例c1", "title: 全新的标题")
    (root / "cases" / "c1.yaml").write_text(text, "utf-8")  # in place: the directory's mtime may not move
    assert cases_on_disk(root).resolve("全新的标题") == "c1"
    with pytest.raises(Unresolved):
        cases_on_disk(root).resolve("一站式")


# --- the fast path: a name index worked out ahead answers as the plain path does ---------------


def outcome(resolver: Resolver, typed: str) -> tuple:
    try:
        return ("found", resolver.resolve(typed))
    except Unresolved as exc:
        return ("refused", exc.zh, exc.en, exc.candidates, exc.ambiguous)


def references(names) -> list[str]:
    """What people type: ids, names and their starts and parts, other spellings, and nonsense."""
    typed = ["", "  ", "-", "不存在的地方", "xyz", "zz-top", "QFLP", "苏州", "经开区", "片区", "kunshan", "第1批"]
    for item, found in names.items():
        typed += [item, item.upper(), item.replace("-", " "), item[: max(2, len(item) // 2)]]
        for name in found:
            typed += [name, name[:2], name[:3], name[: len(name) // 2], name[2:6], name[-3:], name.lower(),
                      name.replace("（", "(").replace("）", ")"), f" {name} "]
    return list(dict.fromkeys(typed))


def plain_and_indexed(kind, names) -> tuple[Resolver, Resolver]:
    return Resolver(kind, names), Resolver(kind, names, index=lambda resolver: NameIndex.of(resolver.names))


@pytest.mark.parametrize("which", ["cases", "carriers"])
def test_the_name_index_answers_as_the_plain_path_on_the_real_corpus(real_corpus, which):
    resolver = (cases_of if which == "cases" else carriers_of)(real_corpus)
    plain, indexed = plain_and_indexed(resolver.kind, resolver.names)
    typed = references(resolver.names)
    assert len(typed) > 500
    assert [outcome(indexed, t) for t in typed] == [outcome(plain, t) for t in typed]
    assert indexed.name_index() is not None


def test_the_name_index_answers_as_the_plain_path_on_awkward_names():
    names = {**{cid: tuple(n for n in (short, name, en) if n) for cid, (name, short, en) in CARRIERS.items()},
             "qflp": ("苏州ＱＦＬＰ试点", "QFLP pilot"), "dash": ("—", "（）"), "twice": ("同名", "同名"),
             "a": ("甲",), "a-b": ("甲乙",), "bar|pipe": ("竖线 | 名称",), "nul": ("有\0空字符",),
             "empty": ("", "空的")}
    plain, indexed = plain_and_indexed(CARRIER, names)
    typed = [*references(names), "ＱＦＬＰ", "qflp试点", "同名", "甲", "竖线", "空字符", "suzhou-are"]
    assert [outcome(indexed, t) for t in typed] == [outcome(plain, t) for t in typed]


def test_the_digest_tells_apart_names_that_join_alike():
    digests = {names_digest(names) for names in (
        {"a": ("b", "c")}, {"a": ("b\0c",)}, {"a": ("b",), "c": ()}, {"a\0b": ("c",)}, {"a": ("", "b", "c")},
        {"a": ("b", "c"), "d": ()}, {"d": (), "a": ("b", "c")}, {})}
    assert len(digests) == 8
    assert names_digest({"a": ("b", "c")}) == names_digest({"a": ["b", "c"]})  # lists from JSON, tuples from a corpus


def test_a_corpus_resolver_takes_the_stored_index_only_for_its_own_names(root, monkeypatch):
    import dataclasses

    from ftzkb import resolve
    from ftzkb.load.loader import load_corpus

    assert cases_of(load_corpus(root).corpus).name_index() is None  # two cases: the plain way is quicker
    monkeypatch.setattr(resolve, "INDEXED_FROM", 1)
    assert cases_on_disk(root).resolve("一站式") == "c1"  # writes the names cache and its index
    corpus = load_corpus(root).corpus
    same = cases_of(corpus)
    assert same.resolve("一站式") == "c1" and same.name_index() is not None  # the files' index, made from the lines
    assert carriers_of(corpus).resolve("南京片区") == "nanjing-area"
    renamed = dataclasses.replace(corpus, cases={**corpus.cases, "c2": dataclasses.replace(corpus.cases["c2"],
                                                                                         title="另一个标题")})
    differs = cases_of(renamed)
    assert differs.resolve("另一个标题") == "c2" and differs.name_index() is None  # answered the plain way
    assert cases_of(renamed).name_index() is None  # the files' own index is kept: it is current
    (root / "cases" / "c3.yaml").write_text(minimal_case("c3"), "utf-8")  # the directory changes
    assert cases_of(renamed).name_index() is None  # … so this time its own index is stored
    again = cases_of(renamed)
    assert again.resolve("另一个标题") == "c2" and again.name_index() is not None
    assert cases_on_disk(root).resolve("测试案例c3") == "c3"  # and the files' index is made again from the lines


def test_without_caches_there_is_no_index(root, monkeypatch):
    monkeypatch.setenv("FTZKB_NO_CACHE", "1")
    resolver = cases_on_disk(root)
    assert resolver.resolve("一站式") == "c1" and resolver.name_index() is None
    assert not (root / ".ftzkb-cache").exists()
