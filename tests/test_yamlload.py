"""The strict loader: scalars stay as written, positions are kept, hostile input is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftzkb.load.yamlload import MAX_FILE_BYTES, LoadedYaml, YamlLoadError, load_yaml_bytes, load_yaml_text
from ftzkb.rules.validate import validate


def test_yaml11_scalars_stay_strings():
    data = load_yaml_text("a: no\nb: 012345\nc: 1:30\nd: 2024-03-15\ne: off\nf: Yes\n").data
    assert data == {"a": "no", "b": "012345", "c": "1:30", "d": "2024-03-15", "e": "off", "f": "Yes"}


def test_yaml12_core_scalars_resolve():
    data = load_yaml_text('a: true\nb: 12\nc: 1.5\nd: ~\ne: "12"\n').data
    assert data == {"a": True, "b": 12, "c": 1.5, "d": None, "e": "12"}


def test_every_value_keeps_line_and_column():
    loaded = load_yaml_text("id: x\norigin:\n  carrier: 南京片区\nlist:\n  - one\n  - two\n")
    assert loaded.position(("origin", "carrier")) == (3, 12)
    assert loaded.position(("list", 1)) == (6, 5)
    assert loaded.key_position(("origin",)) == (2, 1)


def test_billion_laughs_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    with pytest.raises(YamlLoadError) as info:
        load_yaml_text(bomb)
    assert info.value.rule == "yaml-anchor"


def test_oversized_input_is_refused():
    with pytest.raises(YamlLoadError) as info:
        load_yaml_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    assert info.value.rule == "yaml-too-large"


def test_control_characters_are_an_error_not_a_crash():
    with pytest.raises(YamlLoadError) as info:
        load_yaml_bytes(b"a: \x07bell\n")
    assert info.value.rule == "yaml-syntax"


VALID_CASE = """\
# yaml-language-server: $schema=../schema/case.schema.json
id: mutant
title: 变异测试案例
summary: 这个案例会被随机改动。
origin:
  carrier: area-a
  started: "2020-01"
categories:
  - finance
sources:
  - title: 来源
    url: https://example.org/x
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2021-05"
"""


@st.composite
def mutated(draw):
    text = VALID_CASE
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate-line"]))
        if action == "insert":
            text = text[:position] + draw(st.text(alphabet=":- \t\n\"'&*!#[]{}|>：　0123abc中", max_size=6)) \
                + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 8)):]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "\n".join(lines)
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_random_mutations_never_crash(tmp_path_factory, text):
    from conftest import write_corpus

    root = write_corpus(tmp_path_factory.mktemp("mut"), {})
    (root / "cases" / "mutant.yaml").write_text(text, "utf-8")
    report = validate(root)
    for diagnostic in report.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.col >= 1
        assert diagnostic.zh and diagnostic.en


def _fresh(text: str):
    """A record as the load cache gives it back: data and text, no places yet."""
    return LoadedYaml(load_yaml_text(text).data, text)


def test_places_found_by_reading_up_to_a_path_equal_the_full_parse():
    from ftzkb.load.loader import corpus_files
    from ftzkb.paths import REPO_ROOT

    files = corpus_files(REPO_ROOT)
    assert len(files) > 50
    for path in files[::5]:
        text = path.read_text("utf-8")
        full = load_yaml_text(text)
        full_values, full_keys = full.value_marks, full.key_marks
        for wanted in list(full_values)[::7]:
            assert _fresh(text).position(wanted) == full_values[wanted], (path.name, wanted)
        for wanted in list(full_keys)[::7]:
            assert _fresh(text).key_position(wanted) == full_keys[wanted], (path.name, wanted)


def test_a_place_missing_from_the_file_falls_back_to_its_nearest_ancestor():
    text = "id: x\nadoptions:\n  - carrier: a\n    status: adopted\n"
    assert _fresh(text).position(("adoptions", 0, "date")) == (3, 5)
    assert _fresh(text).key_position(("adoptions", 0, "date")) == (3, 5)
    assert _fresh(text).position(("nothing",)) == (1, 1)
    assert _fresh(text).position(("adoptions", 0, "status")) == (4, 13)


def test_a_huge_integer_is_an_error_at_its_place_not_a_traceback():
    with pytest.raises(YamlLoadError) as raised:
        load_yaml_text("id: x\ntags:\n  - " + "9" * 5000 + "\n")
    assert (raised.value.rule, raised.value.line, raised.value.col) == ("yaml-number-range", 3, 5)
    assert "数字过大" in raised.value.zh and "请加英文引号" in raised.value.zh


def test_a_number_that_would_be_infinite_is_refused():
    with pytest.raises(YamlLoadError) as raised:
        load_yaml_text("area_km2: 1" + "0" * 400 + ".5\n")
    assert raised.value.rule == "yaml-number-range"
    assert load_yaml_text("area_km2: 123456789012345.5\n").data == {"area_km2": 123456789012345.5}
    assert load_yaml_text("tags:\n  - '" + "9" * 5000 + "'\n").data["tags"][0] == "9" * 5000


def test_many_messages_in_one_file_read_it_at_most_twice(monkeypatch):
    import ftzkb.load.yamlload as yamlload

    text = "adoptions:\n" + "".join(f"  - carrier: c{i}\n    status: adopted\n" for i in range(4000))
    reads = []
    for name in ("_scan_marks", "_load_carefully"):
        real = getattr(yamlload, name)
        monkeypatch.setattr(yamlload, name, lambda *a, _real=real, _name=name: reads.append(_name) or _real(*a))
    loaded = _fresh(text)
    places = [loaded.position(("adoptions", i, "status")) for i in range(0, 4000, 3)]
    places += [loaded.key_position(("adoptions", i, "carrier")) for i in range(3999, 0, -7)]
    assert len(reads) <= 2
    assert places[1] == (9, 13)
