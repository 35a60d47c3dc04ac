"""The schema reference for contributors, generated from schema/*.json: every field of a case
and of a carrier (path, type, required, description in Chinese and English) and every
controlled vocabulary with its values and labels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ftzkb.load import schema
from ftzkb.site import links
from ftzkb.site.context import Site
from ftzkb.vocab import vocabularies


@dataclass(frozen=True)
class Field:
    path: str
    kind: str
    required: bool
    zh: str
    en: str
    vocabulary: str | None = None
    constraints: str = ""


def schema_pages(site: Site) -> Iterator[tuple[str, str]]:
    kinds = [(kind, schema.raw_schema(kind).get("title", kind), fields_of(kind)) for kind in schema.KINDS]
    yield links.SCHEMA, site.render("schema.md.j2", links.SCHEMA, title="数据格式说明", kinds=kinds,
        vocabularies=list(vocabularies().values()), definitions=_shared_definitions())


def fields_of(kind: str) -> list[Field]:
    root = schema.raw_schema(kind)
    return list(_walk(root, "", set(root.get("required", ()))))


def _walk(node: dict, prefix: str, required: set[str]) -> Iterator[Field]:
    for name, raw in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield _field(path, raw, name in required)
        resolved = schema.resolve(raw)
        if resolved.get("type") == "object" and "properties" in resolved:
            yield from _walk(resolved, f"{path}.", set(resolved.get("required", ())))
        items = schema.resolve(resolved.get("items", {})) if resolved.get("type") == "array" else {}
        if items.get("type") == "object" and "properties" in items:
            yield from _walk(items, f"{path}[].", set(items.get("required", ())))


def _field(path: str, raw: dict, required: bool) -> Field:
    ref = raw.get("$ref", "")
    resolved = schema.resolve(raw)
    description = raw.get("description") or resolved.get("description", "")
    zh, _, en = description.partition(" / ")
    vocabulary = ref.rsplit("/", 1)[-1] if ref and ref.rsplit("/", 1)[-1] in vocabularies() else None
    items_ref = resolved.get("items", {}).get("$ref", "") if resolved.get("type") == "array" else ""
    if not vocabulary and items_ref.rsplit("/", 1)[-1] in vocabularies():
        vocabulary = items_ref.rsplit("/", 1)[-1]
    return Field(path, _kind(raw, resolved), required, zh, en, vocabulary, _constraints(resolved))


def _kind(raw: dict, resolved: dict) -> str:
    ref_name = raw.get("$ref", "").rsplit("/", 1)[-1]
    named = {"text": "文本（Markdown）", "date_or_unknown": "日期或 unknown", "partial_date": "日期",
             "url": "网址", "ref": "id 引用", "id": "id", "sources": "来源列表", "source": "来源"}
    if ref_name in named:
        return named[ref_name]
    if "enum" in resolved:
        return "词表值"
    kind = resolved.get("type", "")
    if kind == "array":
        item = schema.resolve(resolved.get("items", {}))
        inner = "词表值" if "enum" in item else named.get(resolved.get("items", {}).get("$ref", "").rsplit("/", 1)[-1],
                                                          item.get("type", ""))
        return f"列表（{inner}）"
    return {"string": "文字", "integer": "整数", "number": "数字", "object": "对象"}.get(kind, kind or "—")


def _constraints(resolved: dict) -> str:
    parts = []
    for key, text in (("minLength", "至少 {} 字"), ("maxLength", "至多 {} 字"), ("minItems", "至少 {} 项"),
                      ("maxItems", "至多 {} 项"), ("minimum", "≥ {}"), ("maximum", "≤ {}")):
        if key in resolved:
            parts.append(text.format(resolved[key]))
    if resolved.get("uniqueItems"):
        parts.append("不重复")
    return "，".join(parts)


def _shared_definitions() -> list[tuple[str, str]]:
    defs = schema.raw_schema("vocab")["$defs"]
    names = ("id", "partial_date", "date_or_unknown", "url", "text", "source", "ref")
    return [(name, defs[name].get("description", "")) for name in names if name in defs]

