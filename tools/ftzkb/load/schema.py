"""JSON Schema validation of one loaded file, with errors placed at file:line:col
and explained in Chinese and English.

Every file is first checked by a yes/no function that fastjsonschema compiles from the schema;
jsonschema (slower, but it explains) is imported only when a file fails. Compiling that
function costs more than validating an edited file, so its code object is kept under
`.ftzkb-cache/` beside the schemas, as Python keeps bytecode, keyed by the schema and the versions
that made it."""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from ftzkb.paths import SCHEMA_DIR

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

    from ftzkb.load.yamlload import LoadedYaml, Path_

KINDS = ("case", "carrier")


@dataclass(frozen=True)
class SchemaProblem:
    rule: str
    path: Path_
    zh: str
    en: str
    at_key: bool = False
    fix: Any = None  # the value to write at `path` instead, when the message already knows it


class Written:
    """How the values of a loaded file are written: a number such as `2021.10` reads as 2021.1, so
    advice about it must quote the text, not the number."""

    def __init__(self, loaded: LoadedYaml | None = None) -> None:
        self.loaded = loaded
        self._lines: list[str] | None = None

    def text(self, path: Path_, value: Any) -> Any:
        if self.loaded is None or not isinstance(value, int | float) or isinstance(value, bool):
            return value
        if self._lines is None:
            self._lines = self.loaded.text.splitlines()
        line, col = self.loaded.position(path)
        found = _NUMBER_TEXT.match(self._lines[line - 1], col - 1) if line <= len(self._lines) else None
        return found.group() if found else value


_NUMBER_TEXT = re.compile(r"-?[0-9][0-9.]*")


@cache
def raw_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))


@cache
def registry() -> Registry:
    from referencing import Registry, Resource

    resources = [(f"{name}.schema.json", Resource.from_contents(raw_schema(name)))
                 for name in ("vocab", *KINDS)]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(raw_schema(kind), registry=registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def by_identity(function: Callable[..., Any]) -> Callable[..., Any]:
    """Memoise a function of a schema node (plus hashable arguments) by the node's identity. Schema
    nodes come from the cached schema files or from earlier results of such functions, so they live
    as long as the process; each entry holds its node, so an id is never reused while cached."""
    memo: dict[tuple, tuple[Any, Any]] = {}

    def memoised(node: Any, *args: Any) -> Any:
        key = (id(node), *args)
        hit = memo.get(key)
        if hit is None or hit[0] is not node:
            hit = memo[key] = (node, function(node, *args))
        return hit[1]

    return functools.wraps(function)(memoised)


def resolve(schema: dict) -> dict:
    """Follow a `$ref` into the vocabulary file (the only kind of ref used)."""
    return _resolve_ref(schema) if "$ref" in schema else schema


@by_identity
def _resolve_ref(schema: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"]
        if ref.startswith("#"):  # internal refs only occur inside the vocabulary file
            ref = "vocab.schema.json" + ref
        schema = {**_lookup(ref), **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


@cache
def _lookup(ref: str) -> dict:
    """What a `$ref` points at: in these schemas always a JSON pointer into one of the schema files,
    followed here without the referencing library (importing it costs more than checking a file)."""
    name, _, pointer = ref.partition("#")
    node: Any = raw_schema(name.removesuffix(".schema.json"))
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _inlined(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _inlined(value) for key, value in resolve(node).items()}
    if isinstance(node, list):
        return [_inlined(value) for value in node]
    return node


# Validating keywords that mean the same in draft-07 (what fastjsonschema compiles) as in draft 2020-12.
FAST_KEYWORDS = frozenset({
    "type", "enum", "const", "properties", "additionalProperties", "required", "items", "anyOf", "allOf", "oneOf",
    "not", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
# Keywords that only annotate (editors, docs, the site, error messages).
ANNOTATION_KEYWORDS = frozenset({
    "$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default",
    "markdownEnumDescriptions", "x-labels", "x-kind", "x-maps-from"})
_SCHEMA_MAPS = ("properties", "$defs")  # their values are name -> schema, not keywords
_NO_SCHEMA_INSIDE = ("enum", "const", "required", "examples", "default", "x-labels", "x-maps-from")


def keywords_used(node: Any) -> set[str]:
    """Every keyword of a schema, at any depth (property names left out)."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= keywords_used(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in _SCHEMA_MAPS:
                for child in value.values():
                    found |= keywords_used(child)
            elif key not in _NO_SCHEMA_INSIDE:
                found |= keywords_used(value)
    return found


@cache
def _yes_no_check(kind: str) -> Callable[[Any], bool]:
    # From the cache, keyed by the schema files themselves: inlining the schema costs more than
    # validating an edited file. Else every $ref inlined (no ref has validating siblings): a
    # self-contained schema to compile.
    key = _key(b"".join(path.read_bytes() for path in sorted(SCHEMA_DIR.glob("*.json"))), kind)
    code = _cached_code(key)
    if code is not None:
        return _checker(code)
    return compile_yes_no(_inlined(raw_schema(kind)), key)


def compile_yes_no(self_contained: dict, key: str | None = None) -> Callable[[Any], bool]:
    """A yes/no check compiled to Python by fastjsonschema (10x faster than jsonschema). Should the
    schema use a keyword outside FAST_KEYWORDS, jsonschema answers instead, so the verdict is
    always draft 2020-12's. The compiled code is cached under `key` (by default, the schema's)."""
    def interpreted() -> Callable[[Any], bool]:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self_contained, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid

    if keywords_used(self_contained) - FAST_KEYWORDS - ANNOTATION_KEYWORDS:
        return interpreted()
    import fastjsonschema

    key = key or _key(json.dumps(self_contained, sort_keys=True, ensure_ascii=False).encode(), "")
    code = _cached_code(key)
    if code is None:
        try:
            generated = fastjsonschema.compile_to_code(self_contained, use_default=False, use_formats=False)
        except fastjsonschema.JsonSchemaDefinitionException:  # a schema it cannot compile: slower, never wrong
            return interpreted()
        code = compile(generated, "<fastjsonschema check>", "exec")
        _keep_code(key, code)
    return _checker(code)


def _checker(code: CodeType) -> Callable[[Any], bool]:
    import fastjsonschema

    namespace: dict[str, Any] = {}
    exec(code, namespace)  # fastjsonschema's code, run as its compile() runs it
    compiled = namespace["validate"]

    def check(data: Any) -> bool:
        try:
            compiled(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


def _key(schema: bytes, kind: str) -> str:
    """What the compiled code depends on: the schema, fastjsonschema's version and Python's (marshal's format)."""
    import fastjsonschema

    digest = hashlib.blake2b(f"{fastjsonschema.VERSION} {sys.version} {kind}\0".encode(), digest_size=12)
    digest.update(schema)
    return digest.hexdigest()


def _code_path(key: str) -> Path | None:
    from ftzkb.load.cache import cache_file

    return cache_file(SCHEMA_DIR.parent, f"schema-check-{key}.bin")


def _cached_code(key: str) -> CodeType | None:
    from ftzkb.fsio import read_sealed

    path = _code_path(key)
    code = read_sealed(path, 64 << 20) if path is not None else None
    return code if isinstance(code, CodeType) else None


def _keep_code(key: str, code: CodeType) -> None:
    from ftzkb.fsio import write_sealed

    path = _code_path(key)
    # not in a read-only install: it checks as fast, only compiles each time
    if path is not None and write_sealed(path, code):
        _prune_checks(path.parent)


KEPT_CHECKS = 8  # both kinds' checks of a few schema versions (a checkout switched between branches)


def _prune_checks(folder: Path) -> None:
    """Only the newest KEPT_CHECKS compiled checks stay: each edit of a schema leaves one behind."""
    try:
        found = sorted(folder.glob("schema-check-*.bin"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in found[KEPT_CHECKS:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # removed meanwhile by another run, or a read-only folder: kept a while longer


def is_valid(kind: str, data: Any) -> bool:
    """The fast yes/no; `check` explains the problems when there are any."""
    return _yes_no_check(kind)(data)


def check(kind: str, data: Any, loaded: LoadedYaml | None = None) -> Iterator[SchemaProblem]:
    """The problems of a document, explained; `loaded` (its LoadedYaml) lets advice quote numbers as written."""
    written = Written(loaded)
    for error in validator(kind).iter_errors(data):
        yield explain(error, written)


def explain(error: ValidationError, written: Written | None = None) -> SchemaProblem:
    written = written or Written()
    if error.validator == "anyOf" and error.context:
        if error.schema.get("x-kind") == "date":
            return _date_problem(error, written)
        return explain(_branch_for_instance(error), written)
    if error.validator == "pattern" and error.schema.get("x-kind") == "date":
        return _date_problem(error, written)
    if error.validator == "type":
        return _type(error, written)
    handler = _HANDLERS.get(str(error.validator), _generic)
    return handler(error)


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object",
               type(None): "null"}


def _branch_for_instance(error: ValidationError) -> ValidationError:
    """Of the alternatives of an anyOf, the error of the one written for this kind of value (a long
    text is too long, not "not a mapping"); else the best match."""
    kind = _JSON_TYPES.get(type(error.instance))
    for sub in error.context:
        wanted = sub.schema.get("type") if isinstance(sub.schema, dict) else None
        matches = wanted == kind or (isinstance(wanted, list) and kind in wanted) or (
            wanted == "number" and kind == "integer")
        if matches and sub.validator != "type":
            return sub
    from jsonschema.exceptions import best_match

    return best_match(error.context)


def _path(error: ValidationError) -> Path_:
    return tuple(error.absolute_path)


def _where(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(文件)"


def _generic(error: ValidationError) -> SchemaProblem:
    return SchemaProblem("schema-invalid", _path(error),
                         f"{_where(error)} 不符合数据格式的要求（{error.validator}）：请对照站点上的“数据格式说明”改正",
                         f"{_where(error)}: {error.message}")


def _required(error: ValidationError) -> SchemaProblem:
    missing = error.message.split("'")[1] if "'" in error.message else error.message
    return SchemaProblem("schema-required", _path(error), f"{_where(error)} 缺少必填字段“{missing}”",
                         f"{_where(error)} is missing the required field '{missing}'")


def _additional(error: ValidationError) -> SchemaProblem:
    allowed = list(error.schema.get("properties", {}))
    extras = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
    key = extras[0] if extras else "?"
    near = difflib.get_close_matches(key, allowed, n=1)
    hint_zh = f"，是不是“{near[0]}”？" if near else f"。可用字段：{'、'.join(allowed)}"
    hint_en = f"; did you mean '{near[0]}'?" if near else f"; allowed: {', '.join(allowed)}"
    return SchemaProblem("schema-unknown-field", (*_path(error), key),
                         f"未知字段“{key}”{hint_zh}", f"unknown field '{key}'{hint_en}", at_key=True)


def _enum(error: ValidationError) -> SchemaProblem:
    allowed = [str(v) for v in error.validator_value]
    labels = error.schema.get("x-labels", {})
    value = str(error.instance)
    near = difflib.get_close_matches(value, allowed, n=1)
    maps_from = error.schema.get("x-maps-from", {})
    by_label = [k for k, lab in labels.items()
                if value in (lab.get("zh"), lab.get("en")) or (len(value) >= 2 and value in lab.get("zh", ""))
                or value in maps_from.get(k, ())]
    listing_zh = "、".join(f"{v}（{labels[v]['zh']}）" if v in labels else v for v in allowed)
    several = [part for part in re.split(r"[，、,；; ]+", value) if part]
    fix = None
    if len(several) > 1 and isinstance(error.absolute_path[-1] if error.absolute_path else None, int):
        hint_zh = "一项只能写一个值：请拆成多行，每行“- " + "”“- ".join(several) + "”"
        hint_en = "one value per item: write each on its own '- ' line"
    elif by_label:
        hint_zh, hint_en = f"请写 id “{by_label[0]}”", f"write the id '{by_label[0]}'"
        fix = by_label[0] if len(by_label) == 1 else None
    elif near:
        hint_zh, hint_en = f"是不是“{near[0]}”？", f"did you mean '{near[0]}'?"
    else:
        hint_zh, hint_en = f"可选值：{listing_zh}", f"allowed: {', '.join(allowed)}"
    return SchemaProblem("schema-enum", _path(error), f"{_where(error)} 的值“{value}”不在词表中，{hint_zh}",
                         f"{_where(error)}: '{value}' is not in the vocabulary; {hint_en}", fix=fix)


_TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数字", "array": "列表（每项以“- ”开头）",
            "object": "映射（“键: 值”）", "boolean": "true 或 false"}


def _type(error: ValidationError, written: Written) -> SchemaProblem:
    expected = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
    got = written.text(_path(error), error.instance)
    hint_zh = ""
    if expected == "string" and isinstance(error.instance, bool):
        hint_zh = f"；请加引号写成 \"{str(got).lower()}\""
    elif expected == "string" and isinstance(got, int | float | str):
        hint_zh = f"；请加引号写成 \"{got}\""
    return SchemaProblem("schema-type", _path(error),
                         f"{_where(error)} 应为{_TYPE_ZH.get(expected, expected)}{hint_zh}",
                         f"{_where(error)} should be of type {expected}")


_DOTTED = re.compile(r"^(\d{4})[-.．/年](\d{1,2})(?:[-.．/月](\d{1,2})日?)?月?$")
_YEAR = re.compile(r"^\d{4}年?$")
_QUOTE_MARKS = "“”‘’「」\"'"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def suggest_date(value: object, numeric: bool = False) -> str | None:
    """`2024.3.5` → `2024-03-05`; `2024年3月` → `2024-03`; `2024-3` → `2024-03`; an unquoted 2024 → `2024`.
    None unless the suggestion is a real date differing from what is written (`numeric`: it was
    written without quotes, so the same digits in quotes are a suggestion)."""
    text = str(value).strip().strip(_QUOTE_MARKS).translate(_FULLWIDTH_DIGITS)
    suggestion = _reformatted(text)
    if suggestion is None or (suggestion == value and not numeric) or not _is_real(suggestion):
        return None
    return suggestion


def _reformatted(text: str) -> str | None:
    if _YEAR.match(text):
        return text.rstrip("年")
    match = _DOTTED.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    text = f"{year}-{int(month):02d}"
    return f"{text}-{int(day):02d}" if day else text


def _is_real(text: str) -> bool:
    import datetime as dt

    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], *[*parts[1:], 1, 1][:2])
    except ValueError:
        return False
    return parts[0] >= 1


def _what_is_wrong(text: str) -> tuple[str, str] | None:
    """The part of a date in the right shape that cannot be: month 00 or 13, day 00 or 32."""
    parts = re.fullmatch(r"(?:<=)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not parts:
        return None
    month, day = (int(p) if p else None for p in parts.groups()[1:])
    if month is not None and not 1 <= month <= 12:
        return "月份应为 01 到 12", "the month must be 01 to 12"
    if day is not None and not 1 <= day <= 31:
        return "日应为 01 到 31", "the day must be 01 to 31"
    return None


_SHAPES_ZH = "请写 \"2024\"、\"2024-03\" 或 \"2024-03-05\"（加引号），不知道就写 unknown"
_SHAPES_EN = 'write "2024", "2024-03", "2024-03-05" or unknown'


def _date_problem(error: ValidationError, written: Written | None = None) -> SchemaProblem:
    raw = error.instance
    value = (written or Written()).text(_path(error), raw)  # a number as written: 2021.10, not 2021.1
    suggestion = suggest_date(value, numeric=isinstance(raw, int | float) and not isinstance(raw, bool))
    where = _where(error)
    if isinstance(raw, int | float) and not isinstance(raw, bool) and suggestion:  # unquoted: reads as a number
        zh = f"{where} 的日期 {value} 要加英文引号，请写成 \"{suggestion}\""
        en = f"{where}: quote the date {value}: write \"{suggestion}\""
    elif suggestion and str(value).strip()[:1] in _QUOTE_MARKS:
        zh = f"{where} 的日期 {value} 用了中文引号：请改用英文引号，写成 \"{suggestion}\""
        en = f"{where}: date {value} has typographic quotes; write \"{suggestion}\""
    elif suggestion:
        zh = f"{where} 的日期“{value}”格式不对，请写成 \"{suggestion}\""
        en = f"{where}: date '{value}' is malformed; write \"{suggestion}\""
    elif wrong := _what_is_wrong(str(value)):
        zh = f"{where} 的日期“{value}”不存在：{wrong[0]}；{_SHAPES_ZH}"
        en = f"{where}: date '{value}' does not exist: {wrong[1]}; {_SHAPES_EN}"
    else:
        zh = f"{where} 的日期“{value}”格式不对：{_SHAPES_ZH}"
        en = f"{where}: date '{value}' is malformed: {_SHAPES_EN}"
    return SchemaProblem("schema-date", _path(error), zh, en, fix=suggestion)


def _pattern(error: ValidationError) -> SchemaProblem:
    if "https?" in str(error.validator_value):
        return SchemaProblem("schema-url", _path(error), f"{_where(error)} 应为 http:// 或 https:// 开头的网址",
                             f"{_where(error)} must be an http(s) URL")
    if "a-z0-9" in str(error.validator_value):
        return SchemaProblem("schema-id", _path(error),
                             f"{_where(error)} 的 id“{error.instance}”只能用小写字母、数字和连字符（如 nanjing-area）",
                             f"{_where(error)}: id '{error.instance}' may use only a-z, 0-9 and hyphens")
    return _generic(error)


def _min_items(error: ValidationError) -> SchemaProblem:
    return SchemaProblem("schema-min-items", _path(error), f"{_where(error)} 至少要有 {error.validator_value} 项",
                         f"{_where(error)} needs at least {error.validator_value} item(s)")


def _max_items(error: ValidationError) -> SchemaProblem:
    return SchemaProblem("schema-max-items", _path(error),
                         f"{_where(error)} 最多 {error.validator_value} 项：请删去多余的",
                         f"{_where(error)} allows at most {error.validator_value} item(s)")


_RANGE_ZH = {"minimum": "不能小于", "maximum": "不能大于", "exclusiveMinimum": "必须大于",
             "exclusiveMaximum": "必须小于"}
_RANGE_EN = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than",
             "exclusiveMaximum": "less than"}


def _range(error: ValidationError) -> SchemaProblem:
    bound, keyword = error.validator_value, str(error.validator)
    return SchemaProblem("schema-range", _path(error), f"{_where(error)} 超出范围：{_RANGE_ZH[keyword]} {bound}",
                         f"{_where(error)} is out of range: it must be {_RANGE_EN[keyword]} {bound}")


def _min_properties(error: ValidationError) -> SchemaProblem:
    names = "、".join(schema_properties(error.schema)) or "字段"
    return SchemaProblem("schema-required", _path(error), f"{_where(error)} 不能为空：至少写一项（{names}）",
                         f"{_where(error)} must not be empty: give at least one of its fields")


def schema_properties(node: dict) -> list[str]:
    return list(node.get("properties", {})) if isinstance(node, dict) else []


def _unique(error: ValidationError) -> SchemaProblem:
    return SchemaProblem("schema-unique", _path(error), f"{_where(error)} 中有重复项",
                         f"{_where(error)} has duplicate items")


def _length(error: ValidationError) -> SchemaProblem:
    bound, size = error.validator_value, len(error.instance) if isinstance(error.instance, str) else 0
    if error.validator == "maxLength":
        return SchemaProblem("schema-length", _path(error),
                             f"{_where(error)} 过长：最多 {bound} 字，现有 {size} 字，请删减或拆分",
                             f"{_where(error)} is too long: at most {bound} characters, it has {size}")
    return SchemaProblem("schema-length", _path(error), f"{_where(error)} 过短：至少 {bound} 字",
                         f"{_where(error)} is too short: at least {bound} characters")


_HANDLERS = {
    "required": _required,
    "additionalProperties": _additional,
    "enum": _enum,
    "pattern": _pattern,
    "minItems": _min_items,
    "maxItems": _max_items,
    "minProperties": _min_properties,
    "minimum": _range,
    "maximum": _range,
    "exclusiveMinimum": _range,
    "exclusiveMaximum": _range,
    "uniqueItems": _unique,
    "maxLength": _length,
    "minLength": _length,
}
