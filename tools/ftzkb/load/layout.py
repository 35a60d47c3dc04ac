"""The canonical layout of a data file, and the one YAML writer.

Canonical means: the schema modeline first, 2-space block style, keys in the
order the schema lists them, dates and anything number-like double-quoted,
multi-line text as `|` blocks. `render_value` is also what `adopt` uses to write
one new record without touching the rest of a file.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ftzkb.load import schema
from ftzkb.load.schema import by_identity
from ftzkb.load.yamlload import load_yaml_text

MODELINE = "# yaml-language-server: $schema=../schema/{kind}.schema.json"
_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9<~+.=][^\n]*\Z")
_PLAIN_BREAKERS = (": ", " #", "\t")
_NO_SCHEMA: dict = {}  # one object, so memoising by identity sees one node
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "unknown_"}


def modeline(kind: str) -> str:
    return MODELINE.format(kind=kind)


def canonical_text(data: Any, kind: str) -> str:
    root = schema.raw_schema(kind)
    return modeline(kind) + "\n" + "".join(render_mapping(data, root, 0))


def render_mapping(data: dict, node_schema: dict, indent: int) -> list[str]:
    """Lines (with newlines) for a mapping at `indent` spaces, keys in schema order."""
    lines: list[str] = []
    for key in ordered_keys(data, node_schema):
        lines.extend(render_entry(key, data[key], child_schema(node_schema, key), indent))
    return lines


def render_entry(key: str, value: Any, value_schema: dict, indent: int, prefix: str | None = None) -> list[str]:
    lead = prefix if prefix is not None else " " * indent
    if isinstance(value, dict) and value:
        return [f"{lead}{key}:\n", *render_mapping(value, value_schema, indent + 2)]
    if isinstance(value, list) and value:
        return [f"{lead}{key}:\n", *render_sequence(value, value_schema, indent + 2)]
    block = _block_scalar(value, indent + 2)
    if block:
        return [f"{lead}{key}: {block[0]}", *block[1:]]
    return [f"{lead}{key}: {scalar(value)}\n"]


def render_sequence(items: list, seq_schema: dict, indent: int) -> list[str]:
    item_schema = schema.resolve(seq_schema).get("items", _NO_SCHEMA)
    lines: list[str] = []
    for item in items:
        lines.extend(render_item(item, item_schema, indent))
    return lines


def render_item(item: Any, item_schema: dict, indent: int) -> list[str]:
    """One `- ` list item at `indent` (the dash's column)."""
    dash = " " * indent + "- "
    if isinstance(item, dict) and item:
        resolved = _object_schema(item_schema)
        keys = ordered_keys(item, resolved)
        first, rest = keys[0], keys[1:]
        lines = render_entry(first, item[first], child_schema(resolved, first), indent + 2, prefix=dash)
        for key in rest:
            lines.extend(render_entry(key, item[key], child_schema(resolved, key), indent + 2))
        return lines
    block = _block_scalar(item, indent + 2)
    if block:
        return [f"{dash}{block[0]}", *block[1:]]
    return [f"{dash}{scalar(item)}\n"]


def ordered_keys(data: dict, node_schema: dict) -> list[str]:
    order = _property_order(node_schema)
    known = [k for k in order if k in data]
    return known + [k for k in data if k not in order]


@by_identity
def _property_order(node_schema: dict) -> dict[str, None]:
    return dict.fromkeys(_object_schema(node_schema).get("properties", {}))


@by_identity
def child_schema(node_schema: dict, key: str) -> dict:
    props = _object_schema(node_schema).get("properties", {})
    return schema.resolve(props.get(key, _NO_SCHEMA))


@by_identity
def _object_schema(node_schema: dict) -> dict:
    resolved = schema.resolve(node_schema)
    if "properties" in resolved:
        return resolved
    for option in resolved.get("anyOf", []):  # text fields: string or {text, audience}
        option = schema.resolve(option)
        if "properties" in option:
            return option
    return resolved


def _block_scalar(value: Any, indent: int) -> list[str] | None:
    """A multi-line string as a literal block, when it can round-trip exactly."""
    if not isinstance(value, str) or "\n" not in value.rstrip("\n"):
        return None
    body = value[:-1] if value.endswith("\n") else value
    if body.endswith("\n") or body.startswith((" ", "\n")) or "\t" in body or "\r" in body:
        return None
    if any(line != line.rstrip() for line in body.split("\n")):
        return None
    header = "|\n" if value.endswith("\n") else "|-\n"
    pad = " " * indent
    return [header, *[(pad + line if line else "") + "\n" for line in body.split("\n")]]


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar_text(str(value))


@lru_cache(maxsize=1 << 16)  # ids, statuses, dates and names recur thousands of times in a corpus
def _scalar_text(text: str) -> str:
    return text if _plain_ok(text) else json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str) -> bool:
    if not _PLAIN_SAFE.match(text) or text != text.strip() or text.endswith(":"):
        return False
    if any(b in text for b in _PLAIN_BREAKERS) or text.lower() in _YAML11_WORDS:
        return False
    return text.isprintable()


def is_canonical(text: str, data: Any, kind: str) -> bool:
    return text == canonical_text(data, kind)


def format_text(text: str, kind: str) -> str:
    """Re-layout a file canonically; raises YamlLoadError for unparseable input."""
    return canonical_text(load_yaml_text(text).data, kind)


def has_inner_comments(text: str) -> bool:
    """Comment lines after the header would be lost by a canonical rewrite."""
    body = text.split("\n")
    while body and body[0].startswith("#"):
        body = body[1:]
    return any(line.lstrip().startswith("#") for line in body)
