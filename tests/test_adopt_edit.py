"""Minimal-diff edits (`ftzkb.edit`): over many generated files — comments everywhere, 2- or
4-space indentation, any key order, plain/single/double quoting, CRLF, flow-style lists — an
added or updated record changes only that record's lines; every other byte stays."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftzkb.load.yamlload import load_yaml_text
from ftzkb.record.edit import EditError, set_list_item, split_lines

STATUSES = ["adopted", "adapted", "piloting", "planned", "declined"]
CARRIERS = ["zone-b", "zone-c", "area-x", "park-9", "htz-4"]
WORDS = ["复制推广", "note: with colon", "it's", "#not-a-comment", "多式联运", "yes", "2021", "- dash"]


def quoted(draw, value: str) -> str:
    """A scalar in one of the styles a contributor might use; always reads back as `value`."""
    style = draw(st.sampled_from(["plain", "single", "double"]))
    plain_ok = (value and value[0] not in "-#'\"&*!|>%@`{}[],?:" and ": " not in value and " #" not in value
                and not value.isdigit() and value.lower() not in ("yes", "no", "true", "false", "null", "~"))
    if style == "plain" and plain_ok:
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def maybe_comment(draw, indent: int, tag: str) -> list[str]:
    if draw(st.integers(0, 3)) == 0:
        return [" " * indent + f"# {tag} {draw(st.sampled_from(WORDS))}"]
    return []


def trailing(draw) -> str:
    return draw(st.sampled_from(["", "", "", "  # trailing", " # 备注"]))


@dataclass
class Generated:
    text: str
    newline: str
    items: list[dict]
    item_lines: list[tuple[int, int]] = field(default_factory=list)  # [first, end) line of each block item
    node_lines: tuple[int, int] | None = None  # [first, end) lines of the adoptions key and its items


@st.composite
def case_files(draw) -> Generated:
    unit = draw(st.sampled_from([2, 4]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    count = draw(st.integers(0, 4))
    flow = count > 0 and draw(st.integers(0, 4)) == 0
    with_list = count > 0 or draw(st.booleans())
    items = [draw(adoption_items(index)) for index in range(count)]
    entries = {
        "id": [f"id: {quoted(draw, 'gen-case')}{trailing(draw)}"],
        "title": [f"title: {quoted(draw, '生成的案例')}"],
        "summary": ["summary: |", " " * unit + "第一行摘要。", " " * unit + "# 这是正文不是注释", ""][:3],
        "origin": ["origin:", " " * unit + "carrier: area-a", " " * unit + f"started: {quoted(draw, '2020-01')}"],
        "categories": ["categories:", " " * unit + "- finance"],
        "note": [f"note: {quoted(draw, draw(st.sampled_from(WORDS)))}{trailing(draw)}"],
    }
    order = draw(st.permutations([*entries, "adoptions"] if with_list else list(entries)))
    lines: list[str] = draw(st.sampled_from([[], ["# yaml-language-server: $schema=../schema/case.schema.json"]]))
    generated = Generated("", newline, items)
    for key in order:
        lines += maybe_comment(draw, 0, "top") + draw(st.sampled_from([[], [""]]))
        if key != "adoptions":
            lines += entries[key]
            continue
        start = len(lines)
        if flow or not items:
            inner = ", ".join("{" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items()
                                              if not isinstance(v, dict | list)) + "}" for item in items)
            lines.append(f"adoptions: [{inner}]{trailing(draw)}")
        else:
            lines.append(f"adoptions:{trailing(draw)}")
            dash = draw(st.sampled_from([0, unit]))
            for item in items:
                first = len(lines)
                lines += render_block_item(draw, item, dash, unit)
                generated.item_lines.append((first, len(lines)))
        generated.node_lines = (start, len(lines))
    generated.text = newline.join(lines) + newline
    return generated


def render_block_item(draw, item: dict, dash: int, unit: int) -> list[str]:
    key_col = dash + 2
    lines = []
    keys = draw(st.permutations(list(item)))
    keys = ["carrier", *[k for k in keys if k != "carrier"]] if draw(st.booleans()) else keys
    for position, key in enumerate(keys):
        lead = " " * dash + "- " if position == 0 else " " * key_col
        value = item[key]
        if isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += [" " * (key_col + unit) + f"{k}: {quoted(draw, v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(f"{lead}{key}:")
            for source in value:
                lines.append(" " * (key_col + unit) + f"- title: {quoted(draw, source['title'])}")
                lines.append(" " * (key_col + unit + 2) + f"url: {source['url']}")
        else:
            lines.append(f"{lead}{key}: {quoted(draw, value)}{trailing(draw)}")
        lines += maybe_comment(draw, key_col + draw(st.sampled_from([0, unit])), "inner")
    return lines


@st.composite
def adoption_items(draw, index: int) -> dict:
    item = {"carrier": CARRIERS[index], "status": draw(st.sampled_from(STATUSES))}
    if draw(st.booleans()):
        item["date"] = draw(st.sampled_from(["2021", "2021-03", "2021-03-05", "unknown"]))
    if draw(st.booleans()):
        item["note"] = draw(st.sampled_from(WORDS))
    if draw(st.integers(0, 3)) == 0:
        item["learned_from"] = {"carrier": "area-a"}
    if draw(st.integers(0, 3)) == 0:
        item["evidence"] = [{"title": "来源", "url": "https://example.org/e"}]
    return item


@st.composite
def changes(draw, old: dict | None) -> dict:
    record = dict(old) if old else {"carrier": "new-zone", "status": "planned"}
    record["status"] = draw(st.sampled_from(STATUSES))
    if draw(st.booleans()):
        record["date"] = draw(st.sampled_from(["2022", "2022-11", "2023-01-31"]))
    if draw(st.booleans()):
        record["note"] = draw(st.sampled_from([*WORDS, "两行\n备注"]))
    if draw(st.integers(0, 2)) == 0:
        record["mandated_by"] = {"level": "provincial-replication", "batch": 2}
        record["mandate"] = "mandated"
    if old and "note" in old and draw(st.integers(0, 3)) == 0:
        del record["note"]
    return record


def changed_original_lines(before: str, after: str) -> list[tuple[int, int]]:
    """Ranges of original lines that the edit replaced or deleted; an insertion is an empty range."""
    matcher = difflib.SequenceMatcher(None, split_lines(before), split_lines(after), autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def intended(data: dict, index: int | None, record: dict) -> dict:
    expected = json.loads(json.dumps(data))
    items = expected.setdefault("adoptions", [])
    if index is None:
        items.append(record)
    else:
        items[index] = record
    return expected


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_update_changes_only_that_records_lines(data):
    generated = data.draw(case_files())
    original = load_yaml_text(generated.text).data
    if not generated.items:
        return
    index = data.draw(st.integers(0, len(generated.items) - 1))
    record = data.draw(changes(original["adoptions"][index]))
    result = set_list_item(generated.text, "adoptions", index, record)
    assert load_yaml_text(result).data == intended(original, index, record)
    allowed = generated.item_lines[index] if generated.item_lines else generated.node_lines
    for first, end in changed_original_lines(generated.text, result):
        assert allowed[0] <= first and end <= allowed[1], (first, end, allowed, generated.text, result)


@SETTINGS
@given(st.data())
def test_append_inserts_lines_and_changes_none(data):
    generated = data.draw(case_files())
    original = load_yaml_text(generated.text).data
    record = data.draw(changes(None))
    result = set_list_item(generated.text, "adoptions", None, record)
    assert load_yaml_text(result).data == intended(original, None, record)
    ranges = changed_original_lines(generated.text, result)
    if generated.item_lines:  # a block list: pure insertion after its last item
        assert all(first == end for first, end in ranges), ranges
        assert all(generated.node_lines[0] < first <= generated.node_lines[1] for first, _ in ranges)
    elif generated.node_lines:  # a flow or empty list: only its own lines are rewritten
        assert all(generated.node_lines[0] <= f and e <= generated.node_lines[1] for f, e in ranges), ranges
    else:  # no list yet: it is added, nothing else moves
        assert all(first == end for first, end in ranges), ranges


@SETTINGS
@given(case_files())
def test_new_lines_use_the_files_line_endings(generated):
    result = set_list_item(generated.text, "adoptions", None, {"carrier": "z", "status": "adopted"})
    if generated.newline == "\r\n":
        assert result.count("\n") == result.count("\r\n")
    else:
        assert "\r" not in result


CANONICAL = """\
# yaml-language-server: $schema=../schema/case.schema.json
id: c1
title: 案例
lifecycle:
  status: active
note: 最后
"""


def test_missing_list_goes_before_the_keys_that_follow_it_in_schema_order():
    result = set_list_item(CANONICAL, "adoptions", None, {"carrier": "zone-b", "status": "adopted",
                                                          "date": "2021-03"})
    assert result == CANONICAL.replace("note: 最后", 'adoptions:\n  - carrier: zone-b\n    status: adopted\n'
                                                    '    date: "2021-03"\nnote: 最后')


def test_comments_inside_an_updated_record_survive():
    text = CANONICAL + "adoptions:\n  - carrier: a  # 甲\n    # 试点中，待核\n    status: piloting\n# 文件尾注释\n"
    result = set_list_item(text, "adoptions", 0, {"carrier": "a", "status": "adopted", "date": "2022"})
    assert result == CANONICAL + ('adoptions:\n  - carrier: a  # 甲\n    # 试点中，待核\n    status: adopted\n'
                                  '    date: "2022"\n# 文件尾注释\n')


def test_a_file_without_final_newline_gets_one_only_where_it_must():
    text = "id: c1\nnote: x"
    result = set_list_item(text, "adoptions", None, {"carrier": "a", "status": "adopted"})
    assert result == "id: c1\nnote: x\nadoptions:\n  - carrier: a\n    status: adopted\n" or result.startswith(
        "id: c1\nadoptions:")


@pytest.mark.parametrize("text", ["id: [unclosed\n", "- just\n- a list\n", "adoptions: not-a-list\n"])
def test_unreadable_or_unexpected_files_are_refused(text):
    with pytest.raises(EditError):
        set_list_item(text, "adoptions", None, {"carrier": "a", "status": "adopted"})
