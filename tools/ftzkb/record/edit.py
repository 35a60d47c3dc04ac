"""Minimal-diff edits of one item in a top-level list (e.g. one adoption record of a case).

Only the lines of that item change: comments, key order, quoting and layout of the rest
of the file stay byte-identical. The new lines come from the canonical writer
(`fmt.render_entry` / `render_item`) at the indentation the file already uses. Strategies,
from the smallest change to the largest, each checked by re-reading the result and comparing
it with the intended data:

1. change, add or drop single keys inside the item (comments inside it survive);
2. replace the item's lines (e.g. a flow-style `- {carrier: x}` item);
3. replace the whole list's lines (flow-style or empty lists), or add the list where the
   canonical key order puts it.
"""

from __future__ import annotations

import bisect
import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ftzkb.load import schema
from ftzkb.load.layout import child_schema, ordered_keys, render_entry, render_item
from ftzkb.load.yamlload import LINE_BREAK, LoadedYaml, YamlLoadError, load_yaml_text_shared, split_lines

# The line breaks libyaml counts (its line numbers are what the marks give).
_SPACE = " \t\r\n\x85\u2028\u2029"


class EditError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class _CannotSplice(Exception):
    """This strategy does not fit the file's layout; the next one is tried."""


@dataclass(frozen=True)
class _Op:
    start: int
    end: int
    lines: list[str]
    order: int = 0  # among insertions at one place: canonical key order


class _Layout:
    """A loaded file and where its keys and values sit, in 0-based line indexes."""

    def __init__(self, text: str, loaded: LoadedYaml, kind: str) -> None:
        self.text, self.loaded, self.kind = text, loaded, kind
        self.lines = split_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def offset(self, mark: tuple[int, int]) -> int:
        return self.starts[mark[0] - 1] + mark[1] - 1

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def key_line(self, path: tuple) -> int:
        return self.loaded.key_marks[path][0] - 1

    def key_col(self, path: tuple) -> int:
        return self.loaded.key_marks[path][1] - 1

    def char_at_value(self, path: tuple) -> str:
        offset = self.offset(self.loaded.value_marks[path])
        return self.text[offset:offset + 1]

    def dash(self, path: tuple) -> tuple[int, int]:
        """(line, column) of the `-` that starts a block-sequence item."""
        offset = self.offset(self.loaded.value_marks[path]) - 1
        while offset >= 0 and self.text[offset] in _SPACE:
            offset -= 1
        if offset < 0 or self.text[offset] != "-":
            raise _CannotSplice
        line = self.line_at(offset)
        if self.lines[line][:offset - self.starts[line]].strip():
            raise _CannotSplice
        return line, offset - self.starts[line]

    def trim(self, start: int, end: int, indent: int) -> int:
        """Pull `end` back over blank lines and comments that belong to what follows
        (comments indented no deeper than `indent`)."""
        while end > start + 1:
            line = self.lines[end - 1]
            stripped = line.strip()
            if stripped and not (stripped.startswith("#") and _indent(line) <= indent):
                break
            end -= 1
        return end

    def top_keys(self) -> list[tuple[int, str]]:
        return sorted((self.key_line((key,)), key) for key in self.loaded.data)

    def top_span(self, key: str) -> tuple[int, int]:
        start = self.key_line((key,))
        following = [line for line, _ in self.top_keys() if line > start]
        end = following[0] if following else len(self.lines)
        return start, self.trim(start, end, self.key_col((key,)))

    def render(self, lines: list[str]) -> list[str]:
        return [line[:-1] + self.newline for line in lines] if self.newline != "\n" else lines

    def apply(self, ops: list[_Op]) -> str:
        out: list[str] = []
        position = 0
        for op in sorted(ops, key=lambda o: (o.start, o.end > o.start, o.order)):
            out += self.lines[position:op.start]
            out += self.render(op.lines)
            position = max(position, op.end)
        out += self.lines[position:]
        return "".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def set_list_item(text: str, key: str, index: int | None, item: dict, kind: str = "case") -> str:
    """`text` with `data[key][index]` replaced by `item`, or `item` appended when `index` is None.
    Raises EditError when the file cannot be read or edited without touching other lines."""
    if index is None:
        return append_list_items(text, key, [item], kind)
    layout = _layout_of(text, key, kind)
    intended = copy.deepcopy(layout.loaded.data)
    intended[key][index] = item
    strategies: list[Callable[[_Layout, str, int, dict], str]] = [_splice_keys, _splice_item, _splice_list]
    return _first_that_reads_as(intended, [functools.partial(s, layout, key, index, item) for s in strategies])


def append_list_items(text: str, key: str, items: list[dict], kind: str = "case") -> str:
    """`text` with `items` appended to `data[key]` in one edit (a sheet adds many records to one
    file: one parse of the file, not one per record)."""
    layout = _layout_of(text, key, kind)
    intended = copy.deepcopy(layout.loaded.data)
    intended.setdefault(key, []).extend(items)
    return _first_that_reads_as(intended, [lambda: _append_items(layout, key, items),
                                           lambda: _splice_list(layout, key, None, items)])


def _layout_of(text: str, key: str, kind: str) -> _Layout:
    try:
        loaded = load_yaml_text_shared(text)
    except YamlLoadError as exc:
        raise EditError(f"文件无法解析（第 {exc.line} 行：{exc.zh}），未改动",
                        f"the file cannot be parsed (line {exc.line}: {exc.en}); nothing changed") from None
    if not isinstance(loaded.data, dict) or not isinstance(loaded.data.get(key, []), list):
        raise EditError(f"文件结构不对（“{key}”应为列表），未改动", f"unexpected file structure ('{key}' should be a "
                        "list); nothing changed")
    return _Layout(text, loaded, kind)


def _first_that_reads_as(intended: Any, candidates: list[Callable[[], str]]) -> str:
    for make in candidates:
        try:
            candidate = make()
        except (_CannotSplice, KeyError, IndexError):
            continue
        if _reads_as(candidate, intended):
            return candidate
    raise EditError("无法只改动这一条记录而不影响文件其他部分：请先运行 ftzkb fmt 规范格式后重试",
                    "cannot change this record without touching the rest of the file: run ftzkb fmt first")


def _reads_as(text: str, intended: Any) -> bool:
    try:
        return load_yaml_text_shared(text).data == intended
    except YamlLoadError:
        return False


def _item_schema(layout: _Layout, key: str) -> dict:
    return schema.resolve(child_schema(schema.raw_schema(layout.kind), key)).get("items", {})


def _item_span(layout: _Layout, key: str, index: int) -> tuple[int, int, int]:
    """(first line, end line, dash column) of item `index`, without the comments that follow it."""
    start, dash_col = layout.dash((key, index))
    items = layout.loaded.data[key]
    end = layout.dash((key, index + 1))[0] if index + 1 < len(items) else layout.top_span(key)[1]
    return start, layout.trim(start, end, dash_col), dash_col


def _splice_keys(layout: _Layout, key: str, index: int, item: dict) -> str:
    path = (key, index)
    old = layout.loaded.data[key][index]
    if not isinstance(old, dict) or not old or layout.char_at_value(path) == "{":
        raise _CannotSplice
    end = _item_span(layout, key, index)[1]
    item_schema = schema.resolve(_item_schema(layout, key))
    placed = sorted((layout.key_line((*path, k)), k) for k in old)
    indent = layout.key_col((*path, placed[0][1]))
    spans: dict[str, tuple[int, int]] = {}
    for (line, name), following in zip(placed, [*placed[1:], (end, None)], strict=True):
        spans[name] = (line, layout.trim(line, following[0], indent))
    first = placed[0][1]
    ops: list[_Op] = []
    for name in old:
        if name not in item:
            if name == first:
                raise _CannotSplice
            ops.append(_Op(*spans[name], []))
        elif item[name] != old[name]:
            prefix = layout.lines[spans[name][0]][:indent] if name == first else None
            ops.append(_Op(*spans[name], render_entry(name, item[name], child_schema(item_schema, name), indent,
                                                      prefix=prefix)))
    order = ordered_keys(item, item_schema)
    for position, name in enumerate(order):
        if name in old:
            continue
        before = [k for k in order[:position] if k in old] or [first]
        at = spans[before[-1]][1]
        ops.append(_Op(at, at, render_entry(name, item[name], child_schema(item_schema, name), indent), position))
    return layout.apply(ops)


def _splice_item(layout: _Layout, key: str, index: int, item: dict) -> str:
    start, end, dash_col = _item_span(layout, key, index)
    return layout.apply([_Op(start, end, render_item(item, _item_schema(layout, key), dash_col))])


def _append_items(layout: _Layout, key: str, new_items: list[dict]) -> str:
    items = layout.loaded.data.get(key)
    if not items or layout.char_at_value((key,)) == "[":
        raise _CannotSplice
    _, end, dash_col = _item_span(layout, key, len(items) - 1)
    item_schema = _item_schema(layout, key)
    lines = [line for item in new_items for line in render_item(item, item_schema, dash_col)]
    return layout.apply([_Op(end, end, lines)])


def _splice_list(layout: _Layout, key: str, index: int | None, item: dict | list[dict]) -> str:
    """Rewrite the list's own lines, or add the list at its canonical place. With `index` None,
    `item` may be a list of items to append."""
    data = layout.loaded.data
    if layout.char_at_value(()) == "{":
        raise _CannotSplice
    items = list(data.get(key) or [])
    if index is None:
        items.extend(item if isinstance(item, list) else [item])
    else:
        items[index] = item
    list_schema = child_schema(schema.raw_schema(layout.kind), key)
    if key in data:
        start, end = layout.top_span(key)
        return layout.apply([_Op(start, end, render_entry(key, items, list_schema, layout.key_col((key,))))])
    at, indent = _insertion_point(layout, key)
    lines = render_entry(key, items, list_schema, indent)
    if at == len(layout.lines) and layout.lines and not LINE_BREAK.search(layout.lines[-1][-1:]):
        layout.lines[-1] += layout.newline
    return layout.apply([_Op(at, at, lines)])


def _insertion_point(layout: _Layout, key: str) -> tuple[int, int]:
    """Before the first top-level key that follows `key` in schema order (and its comments),
    else at the end of the file; with the indentation of the top-level keys."""
    order = list(schema.resolve(schema.raw_schema(layout.kind)).get("properties", {}))
    keys = layout.top_keys()
    indent = layout.key_col((keys[0][1],)) if keys else 0
    later = set(order[order.index(key) + 1:]) if key in order else set()
    for position, (line, name) in enumerate(keys):
        if name in later:
            if position == 0:
                return line, indent
            return layout.top_span(keys[position - 1][1])[1], indent
    return len(layout.lines), indent
