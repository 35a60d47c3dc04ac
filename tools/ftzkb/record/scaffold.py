"""A new case file from a few answers: checked, canonically laid out, never over an existing file.

Like `adopt`, it reads no more than it needs: the origin carrier is checked by its file, and
the carrier registry is read only to offer choices when prompting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftzkb.dates import parse_date
from ftzkb.load.layout import canonical_text
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.record.writes import WriteRefused, atomic_write
from ftzkb.vocab import vocab

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")
ID_SYLLABLES = 6


class ScaffoldError(Exception):
    def __init__(self, problems: list[tuple[str, str]], code: int = 2) -> None:
        super().__init__("; ".join(en for _, en in problems))
        self.problems, self.code = problems, code


@dataclass
class NewCase:
    id: str
    title: str
    summary: str
    origin: str
    started: str
    categories: tuple[str, ...]
    source_title: str
    source_ref: str  # URL or document reference
    title_en: str | None = None
    unit: str | None = None
    linkage: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    carrier_types: tuple[str, ...] = ()
    scope: str | None = None
    audience: str | None = None
    extra_sources: list[dict] = field(default_factory=list)

    def data(self) -> dict:
        """The record as the schema describes it (keys in any order: the writer orders them)."""
        source_key = "url" if _URL.match(self.source_ref) else "document"
        record: dict = {"id": self.id, "title": self.title, "title_en": self.title_en, "summary": self.summary,
                        "origin": {"carrier": self.origin, "unit": self.unit, "started": self.started},
                        "categories": list(self.categories), "linkage": list(self.linkage), "tags": list(self.tags),
                        "sources": [{"title": self.source_title, source_key: self.source_ref}, *self.extra_sources],
                        "lifecycle": {"status": "active"}, "audience": self.audience}
        if self.carrier_types or self.scope:
            record["preconditions"] = {"carrier_types": list(self.carrier_types), "scope": self.scope}
        return _without_empty(record)


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def suggest_id(title: str) -> str:
    """`“关助融”：以海关信用…` → `guan-zhu-rong-yi-hai-guan`: pinyin of the first syllables."""
    from pypinyin import lazy_pinyin

    syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(title)]
    return "-".join([s for s in syllables if s][:ID_SYLLABLES])


def check(root: Path, new: NewCase) -> list[tuple[str, str]]:
    """Everything wrong with the answers, as (zh, en) messages; empty when the case can be written."""
    problems = []
    if not _ID.match(new.id):
        problems.append((f"id“{new.id}”只能用小写字母、数字和连字符（如 {suggest_id(new.title) or 'nj-example'}）",
                         f"id '{new.id}' may use only a-z, 0-9 and hyphens"))
    else:
        if (root / CASES_DIRNAME / f"{new.id}.yaml").exists():
            problems.append((f"cases/{new.id}.yaml 已存在：换一个 id（不会覆盖已有文件）",
                             f"cases/{new.id}.yaml already exists: choose another id (nothing is overwritten)"))
        if (root / CARRIERS_DIRNAME / f"{new.id}.yaml").exists():
            problems.append((f"id“{new.id}”已是一个载体的 id", f"'{new.id}' is already a carrier id"))
    if not (root / CARRIERS_DIRNAME / f"{new.origin}.yaml").is_file():
        from ftzkb.suggest import id_hint

        zh, en = id_hint(new.origin, [p.stem for p in (root / CARRIERS_DIRNAME).glob("*.yaml")])
        problems.append((f"首创载体“{new.origin}”不在 carriers/ 中{zh}", f"origin carrier '{new.origin}' is not in "
                         f"carriers/{en}"))
    if new.started != "unknown" and parse_date(new.started) is None:
        problems.append((f"开始日期“{new.started}”不对：请写 2024、2024-03、2024-03-05 或 unknown",
                         f"start date '{new.started}' is not a real date: write 2024, 2024-03, 2024-03-05 or unknown"))
    problems += _vocabulary_problems(new)
    if not problems:
        problems += _schema_problems(new.data())
    return problems


def _vocabulary_problems(new: NewCase) -> list[tuple[str, str]]:
    problems = []
    for name, values in (("category", new.categories), ("linkage", new.linkage), ("carrier_type", new.carrier_types),
                         ("replication_scope", (new.scope,) if new.scope else ()),
                         ("audience", (new.audience,) if new.audience else ())):
        for value in values:
            if value not in vocab(name):
                allowed = ", ".join(vocab(name).values)
                problems.append((f"“{value}”不是{vocab(name).title_zh}词表中的值，可选：{allowed}",
                                 f"'{value}' is not a {name} value; allowed: {allowed}"))
    if not new.categories:
        problems.append(("至少要有一个改革领域（--category）", "at least one category is needed (--category)"))
    return problems


def _schema_problems(data: dict) -> list[tuple[str, str]]:
    from ftzkb.load import schema

    return [(p.zh, p.en) for p in schema.check("case", data)]


def write_new_case(root: Path, new: NewCase) -> Path:
    """Write cases/<id>.yaml in canonical layout. Raises ScaffoldError (nothing written) when the
    answers are wrong or the file exists, even if it appeared after the check."""
    problems = check(root, new)
    if problems:
        raise ScaffoldError(problems)
    path = root / CASES_DIRNAME / f"{new.id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(path, canonical_text(new.data(), "case"), "case", create_only=True)
    except WriteRefused as exc:
        raise ScaffoldError([(exc.zh, exc.en)], code=1) from None
    return path


def filter_options(options: list[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """Options (value, label) whose value or label contains `query`, or whose label's pinyin
    initials contain it (`njpq` finds 南京片区), for search-as-you-type prompts."""
    query = query.strip().casefold()
    if not query:
        return list(options)
    return [(value, text) for value, text in options
            if query in value.casefold() or query in text.casefold() or query in _initials(text)]


def _initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER) if s[:1].isalnum()).casefold()
