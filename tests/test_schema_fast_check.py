"""The compiled yes/no schema check must agree with jsonschema (draft 2020-12) on every document:
the loader trusts a "yes" without asking jsonschema."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftzkb.load import schema
from ftzkb.load.loader import corpus_files, kind_of
from ftzkb.load.yamlload import YamlLoadError, load_yaml_file
from ftzkb.paths import REPO_ROOT

BAD = Path(__file__).parent / "data" / "bad"
MISTAKES = Path(__file__).parent / "data" / "mistakes"


def jsonschema_verdict(kind: str, data) -> bool:
    return not any(schema.validator(kind).iter_errors(data))


def _documents(root: Path) -> list[tuple[str, object]]:
    found = []
    for path in [*corpus_files(root), *sorted(root.glob("*.yaml"))]:
        try:
            found.append((kind_of(path) if path.parent.name in ("cases", "carriers") else "case",
                          load_yaml_file(path).data))
        except YamlLoadError:
            continue
    return found


REAL = _documents(REPO_ROOT)


def test_the_current_schemas_are_compiled_not_interpreted():
    for kind in schema.KINDS:
        unknown = schema.keywords_used(schema._inlined(schema.raw_schema(kind))) - schema.FAST_KEYWORDS
        assert not unknown - schema.ANNOTATION_KEYWORDS, f"{kind}: {unknown}"
        # the fallback is a bound method of a jsonschema validator; the compiled check is a plain function
        assert getattr(schema._yes_no_check(kind), "__self__", None) is None


def test_a_keyword_fastjsonschema_does_not_know_falls_back_to_jsonschema():
    strict = {"type": "object", "properties": {"a": {"type": "string"}}, "dependentRequired": {"a": ["b"]}}
    check = schema.compile_yes_no(strict)
    assert check({"a": "x", "b": 1}) is True
    assert check({"a": "x"}) is False  # fastjsonschema (draft-07) would ignore dependentRequired and say yes
    assert fastjsonschema.compile(strict)({"a": "x"}) == {"a": "x"}


@pytest.mark.parametrize("root", [REPO_ROOT, BAD, MISTAKES], ids=["real", "bad", "mistakes"])
def test_verdicts_agree_on_real_bad_and_mistaken_files(root):
    documents = REAL if root == REPO_ROOT else _documents(root)
    assert len(documents) > 20
    verdicts = [(schema.is_valid(kind, data), jsonschema_verdict(kind, data)) for kind, data in documents]
    assert all(fast == slow for fast, slow in verdicts)
    if root != REPO_ROOT:
        assert any(not slow for _, slow in verdicts), "the bad corpora must contain schema-invalid files"


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3000), st.floats(allow_nan=False),
                    st.sampled_from(["", " ", "unknown", "2024-02-30", "2024-13", "adopted", "ftz-area", "x" * 300,
                                     "https://example.org", "javascript:alert(1)", "Nanjing", "南京片区", "a b"]),
                    st.lists(st.text(max_size=3), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                              max_size=2))


@st.composite
def mutated_documents(draw):
    kind, original = draw(st.sampled_from([d for d in REAL if isinstance(d[1], dict)]))
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))[1:]))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add-key"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["titel", "extra", "audience", "note", "date"]))] = draw(_VALUES)
        else:
            parent[path[-1]] = draw(_VALUES)
    return kind, data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=mutated_documents())
def test_verdicts_agree_on_mutated_documents(document):
    kind, data = document
    assert schema.is_valid(kind, data) == jsonschema_verdict(kind, data)


def test_a_schema_fastjsonschema_cannot_compile_falls_back_to_jsonschema(monkeypatch):
    def refuse(*args, **kwargs):
        raise fastjsonschema.JsonSchemaDefinitionException("cannot compile")

    monkeypatch.setattr(fastjsonschema, "compile", refuse)
    check = schema.compile_yes_no({"type": "object", "required": ["id"]})
    assert check({"id": 1}) is True
    assert check({}) is False


def _problems(kind: str, text: str) -> list:
    from ftzkb.load.yamlload import load_yaml_text

    loaded = load_yaml_text(text)
    return list(schema.check(kind, loaded.data, loaded))


def _case(extra: str = "", started: str = '"2020-01"') -> str:
    return ("id: c1\ntitle: 标题\nsummary: 用于测试的摘要。\norigin:\n  carrier: area-a\n  started: " + started +
            "\ncategories:\n  - finance\nsources:\n  - title: 来源\n    url: https://example.org/x\n" + extra)


def test_a_long_note_is_too_long_not_a_mapping():
    [problem] = _problems("case", _case("note: " + "字" * 20001 + "\n"))
    assert problem.rule == "schema-length" and "过长：最多 20000 字" in problem.zh and "映射" not in problem.zh


def test_an_impossible_date_is_not_told_to_write_itself():
    [problem] = _problems("case", _case(started='"0000-00-00"'))
    assert problem.rule == "schema-date" and "月份应为 01 到 12" in problem.zh
    assert '写成 "0000-00-00"' not in problem.zh and problem.fix is None


def test_a_dotted_month_is_read_as_written():
    [problem] = _problems("case", _case(started="2021.10"))
    assert problem.fix == "2021-10" and '"2021-10"' in problem.zh


def test_a_label_where_its_code_belongs_carries_the_code_as_its_fix():
    text = _case("adoptions:\n  - carrier: zone-b\n    status: 已复制\n")
    [problem] = _problems("case", text)
    assert problem.rule == "schema-enum" and problem.fix == "adopted"


def test_ranges_are_explained_in_chinese_without_the_wrong_value():
    carrier = ("id: z\nname: 载体\ntypes:\n  - other\nprovince: 江苏\narea_km2: -5\n"
               "sources:\n  - title: 来源\n    url: https://example.org/z\n")
    [problem] = _problems("carrier", carrier)
    assert problem.zh == "area_km2 超出范围：必须大于 0"
    [too_big] = _problems("carrier", carrier.replace("-5", "200000"))
    assert too_big.zh == "area_km2 超出范围：不能大于 100000"


def test_the_compiled_check_comes_from_its_cache_and_judges_as_a_fresh_compile(monkeypatch, tmp_path):
    monkeypatch.setattr(schema, "SCHEMA_DIR", tmp_path / "schema")  # its cache: tmp_path/.ftzkb-cache
    self_contained = schema._inlined(schema.raw_schema("case"))
    generated = []
    monkeypatch.setattr(fastjsonschema, "compile_to_code", lambda *a, _real=fastjsonschema.compile_to_code, **k:
                        generated.append(1) or _real(*a, **k))
    first = schema.compile_yes_no(self_contained)
    second = schema.compile_yes_no(self_contained)
    assert generated == [1]  # the second came from the cache
    assert list((tmp_path / ".ftzkb-cache").glob("schema-check-*.bin"))
    for kind, data in REAL[:40]:
        if kind == "case":
            assert first(data) == second(data) == jsonschema_verdict("case", data)
    assert second({"id": 1}) is False


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xe3\x00\x00"])
def test_a_damaged_cached_check_is_compiled_again(monkeypatch, tmp_path, damage):
    monkeypatch.setattr(schema, "SCHEMA_DIR", tmp_path / "schema")
    self_contained = schema._inlined(schema.raw_schema("carrier"))
    schema.compile_yes_no(self_contained)
    [cached] = (tmp_path / ".ftzkb-cache").glob("schema-check-*.bin")
    cached.write_bytes(damage)
    check = schema.compile_yes_no(self_contained)
    for kind, data in REAL:
        if kind == "carrier":
            assert check(data) == jsonschema_verdict("carrier", data)
    assert cached.read_bytes() != damage  # written again


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_refs_are_followed_as_the_referencing_library_follows_them():
    """`schema._lookup` walks a ref's JSON pointer itself (to keep the referencing library out of a
    one-file check): it must land where the library's resolver lands, for every ref the schemas hold."""
    refs = sorted({ref if not ref.startswith("#") else "vocab.schema.json" + ref
                   for name in ("vocab", "case", "carrier") for ref in _refs(schema.raw_schema(name))})
    assert len(refs) > 10
    resolver = schema.registry().resolver()
    for ref in refs:
        assert schema._lookup(ref) == resolver.lookup(ref).contents, ref


def test_checks_of_earlier_schemas_do_not_pile_up(monkeypatch, tmp_path):
    monkeypatch.setattr(schema, "SCHEMA_DIR", tmp_path / "schema")
    folder = tmp_path / ".ftzkb-cache"
    folder.mkdir()
    for number in range(10):  # what ten earlier versions of the schemas left
        stale = folder / f"schema-check-old{number}.bin"
        stale.write_bytes(b"")
        os.utime(stale, ns=(number * 10**9, number * 10**9))
    schema.compile_yes_no(schema._inlined(schema.raw_schema("carrier")))
    kept = {p.name for p in folder.glob("schema-check-*.bin")}
    assert len(kept) == schema.KEPT_CHECKS
    assert {f"schema-check-old{number}.bin" for number in range(3, 10)} < kept  # the newest stay
