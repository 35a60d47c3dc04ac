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
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.vocab import vocab

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")
ID_CHARS = 40  # a suggested id stops at the last whole word within this many characters


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


def suggest_id(title: str, limit: int = ID_CHARS) -> str:
    """An id from the pinyin of the title's words, one hyphen between words (数据出境“一站式”服务 →
    `shuju-chujing-yizhanshi-fuwu`), cut after the last whole word within `limit` characters and
    never longer than the schema allows. Words come from jieba (a dependency already, for the site's
    search), else from pypinyin's phrases; a first word longer than the limit is cut by syllables."""
    limit = min(limit, id_max_length())
    words = [w for w in (_word_pinyin(word) for word in _words(title)) if w]
    chosen: list[str] = []
    for syllables in words:
        joined = "".join(syllables)
        if len("-".join([*chosen, joined])) <= limit:
            chosen.append(joined)
        elif not chosen:
            chosen = [_within(syllables, limit)]
            break
        else:
            break
    return "-".join(w for w in chosen if w)


def _words(title: str) -> list[str]:
    try:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        return list(jieba.cut(title))
    except ImportError:  # pragma: no cover - jieba is a dependency; this keeps ids coming without it
        from pypinyin.seg.mmseg import seg

        return list(seg.cut(title))


def _word_pinyin(word: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return [s for s in (re.sub(r"[^a-z0-9]", "", p.lower()) for p in lazy_pinyin(word)) if s]


def _within(syllables: list[str], limit: int) -> str:
    out = ""
    for syllable in syllables:
        if len(out) + len(syllable) > limit:
            break
        out += syllable
    return out or syllables[0][:limit]


def id_max_length() -> int:
    """The schema's limit on ids (`$defs.id.maxLength` in vocab.schema.json)."""
    import json

    from ftzkb.paths import SCHEMA_DIR

    return int(json.loads((SCHEMA_DIR / "vocab.schema.json").read_text("utf-8"))["$defs"]["id"].get("maxLength", 80))


# --- checking answers ----------------------------------------------------------------------------

# The answers `ftzkb new` collects: the keyword of each, and the NewCase field it fills.
ANSWER_FIELDS = {"case_id": "id", "title": "title", "title_en": "title_en", "summary": "summary", "origin": "origin",
                 "unit": "unit", "started": "started", "categories": "categories", "linkage": "linkage",
                 "tags": "tags", "carrier_types": "carrier_types", "scope": "scope", "audience": "audience",
                 "source_title": "source_title", "source_ref": "source_ref"}
LISTS = ("categories", "linkage", "tags", "carrier_types")
# vocabulary of each answer that takes vocabulary values
VOCABULARY_ANSWERS = {"categories": "category", "linkage": "linkage", "carrier_types": "carrier_type",
                      "scope": "replication_scope", "audience": "audience"}
Problem = tuple[str, str, str]  # (answer key, zh, en); key "" for a problem of the whole case


def new_case(answers: dict) -> NewCase:
    """The case the answers describe (the id suggested from the title when none was given)."""
    values = {field: answers.get(key) for key, field in ANSWER_FIELDS.items()}
    for key in LISTS:
        values[key] = tuple(values[key] or ())
    values["id"] = values["id"] or suggest_id(values["title"] or "")
    fields: dict[str, Any] = {k: ("" if v is None and k in _REQUIRED_TEXT else v) for k, v in values.items()}
    return NewCase(**fields)


_REQUIRED_TEXT = ("title", "summary", "origin", "started", "source_title", "source_ref")


def resolve_answers(root: Path, answers: dict) -> dict:
    """Names where ids or codes belong, as ids and codes (`南京片区` → nanjing-area, `金融` →
    finance); what names nothing stays as typed, for `check` to explain."""
    from ftzkb.resolve import Resolver, Unresolved, carriers_on_disk, vocabulary

    def attempt(resolver: Resolver, value: str) -> str:
        try:
            return resolver.resolve(value)
        except Unresolved:
            return value

    out = dict(answers)
    if out.get("origin"):
        out["origin"] = attempt(carriers_on_disk(root), out["origin"])
    for key, name in VOCABULARY_ANSWERS.items():
        value = out.get(key)
        if isinstance(value, (tuple, list)):
            out[key] = tuple(dict.fromkeys(attempt(vocabulary(name), v) for v in value))
        elif value:
            out[key] = attempt(vocabulary(name), value)
    return out


def check(root: Path, new: NewCase) -> list[tuple[str, str]]:
    """Everything wrong with the answers, as (zh, en) messages; empty when the case can be written."""
    return [(zh, en) for _, zh, en in problems_of(root, new)]


def problems_of(root: Path, new: NewCase) -> list[Problem]:
    """Everything wrong, each with the answer it concerns (so a prompt can ask for it again)."""
    problems = _id_problems(root, new) + _origin_problems(root, new.origin)
    if new.started != "unknown" and parse_date(new.started) is None:
        problems.append(("started", f"开始日期“{new.started}”不对：请写 2024、2024-03、2024-03-05 或 unknown",
                         f"start date '{new.started}' is not a real date: write 2024, 2024-03, 2024-03-05 or unknown"))
    problems += _vocabulary_problems(new)
    if not problems:
        problems += _schema_problems(new.data())
    return problems


def answer_problems(root: Path, key: str, answers: dict) -> list[tuple[str, str]]:
    """What is wrong with one answer, checked as soon as it is given: the case is checked with
    harmless stand-ins for the answers still to come, and only this answer's problems are kept."""
    stand_in = {"title": "待填写的标题", "summary": "待填写的一句话概要。", "started": "unknown",
                "categories": ("finance",), "source_title": "待填写的来源", "source_ref": "https://example.org/"}
    filled = {**stand_in, **{k: v for k, v in answers.items() if v not in (None, "", ())}}
    filled["case_id"] = filled.get("case_id") or "ftzkb-draft-check"
    filled["origin"] = filled.get("origin") or next(iter(_carrier_ids(root)), "")
    new = new_case(filled)
    problems = problems_of(root, new)
    mine = [p for p in problems if p[0] == key]
    if problems and not mine:  # the schema is checked only once the rest is right: check it for this answer
        mine = [p for p in _schema_problems(new.data()) if p[0] == key]
    return [(zh, en) for _, zh, en in mine]


def _carrier_ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / CARRIERS_DIRNAME).glob("*.yaml"))


def _id_problems(root: Path, new: NewCase) -> list[Problem]:
    limit = id_max_length()
    if not _ID.match(new.id) or len(new.id) > limit:
        example = suggest_id(new.title) or "nj-example"
        return [("case_id", f"id“{new.id}”只能用小写字母、数字和连字符，最长 {limit} 个字符（如 {example}）",
                 f"id '{new.id}' may use only a-z, 0-9 and hyphens, at most {limit} characters (e.g. {example})")]
    problems = []
    if (root / CASES_DIRNAME / f"{new.id}.yaml").exists():
        problems.append(("case_id", f"cases/{new.id}.yaml 已存在：换一个 id（不会覆盖已有文件）",
                         f"cases/{new.id}.yaml already exists: choose another id (nothing is overwritten)"))
    if (root / CARRIERS_DIRNAME / f"{new.id}.yaml").exists():
        problems.append(("case_id", f"id“{new.id}”已是一个载体的 id", f"'{new.id}' is already a carrier id"))
    return problems


def _origin_problems(root: Path, origin: str) -> list[Problem]:
    """The origin must be a carrier's id: a name or prefix is answered with the id to write."""
    from ftzkb.resolve import Unresolved, carriers_on_disk

    if origin and (root / CARRIERS_DIRNAME / f"{origin}.yaml").is_file():
        return []
    if not origin:
        return [("origin", "缺少首创载体（--origin）", "the originating carrier is missing (--origin)")]
    try:
        meant = carriers_on_disk(root).resolve(origin)
    except Unresolved as exc:
        return [("origin", f"首创载体：{exc.zh}", f"origin: {exc.en}")]
    return [("origin", f"首创载体“{origin}”不在 carriers/ 中，是不是“{meant}”？",
             f"origin carrier '{origin}' is not in carriers/; did you mean {meant}?")]


def _vocabulary_problems(new: NewCase) -> list[Problem]:
    from ftzkb.resolve import Unresolved, vocabulary

    problems = []
    for key, name in VOCABULARY_ANSWERS.items():
        value = getattr(new, key)
        for item in value if isinstance(value, tuple) else ((value,) if value else ()):
            if item in vocab(name):
                continue
            try:
                meant = vocabulary(name).resolve(item)
                problems.append((key, f"“{item}”请写作 {meant}", f"'{item}': write {meant}"))
            except Unresolved as exc:
                problems.append((key, exc.zh, exc.en))
    if not new.categories:
        problems.append(("categories", "至少要有一个改革领域（--category）",
                         "at least one category is needed (--category)"))
    return problems


# schema path -> answer key
_SCHEMA_KEYS = {"id": "case_id", "title": "title", "title_en": "title_en", "summary": "summary",
                "categories": "categories", "linkage": "linkage", "tags": "tags", "audience": "audience"}


def _schema_problems(data: dict) -> list[Problem]:
    from ftzkb.load import schema

    return [(_schema_key(p.path), p.zh, p.en) for p in schema.check("case", data)]


def _schema_key(path: tuple) -> str:
    head = path[0] if path else ""
    if head == "origin":
        return {"carrier": "origin", "started": "started", "unit": "unit"}.get(path[1] if len(path) > 1 else "", "")
    if head == "sources":
        return "source_title" if len(path) > 2 and path[2] == "title" else "source_ref"
    if head == "preconditions":
        return "scope" if len(path) > 1 and path[1] == "scope" else "carrier_types"
    return _SCHEMA_KEYS.get(head, "")


# --- drafts ----------------------------------------------------------------------------------------

DRAFT_FORMAT = 1


def drafts_dir(root: Path) -> Path:
    """Drafts of `ftzkb new` live outside cases/, where validation and the site never see them."""
    from ftzkb.paths import cache_dir

    return cache_dir(root) / "drafts"


def save_draft(root: Path, answers: dict, problems: list[tuple[str, str]], path: Path | None = None) -> Path:
    """Keep the answers (and what was wrong) so that `ftzkb new --resume DRAFT` can go on."""
    import json
    import time

    from ftzkb.fsio import atomic_replace

    if path is None:
        stem = answers.get("case_id") or suggest_id(answers.get("title") or "") or "new-case"
        path = drafts_dir(root) / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {key: list(value) if isinstance(value, tuple) else value for key, value in answers.items()
            if key in ANSWER_FIELDS and value not in (None, "", ())}
    document = {"format": DRAFT_FORMAT, "answers": kept, "problems": [list(p) for p in problems]}
    atomic_replace(path, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    return path


def load_draft(path: Path) -> dict:
    """The answers kept in a draft; raises ScaffoldError for a file that is not one."""
    import json

    from ftzkb.fsio import FileRefused, read_regular

    try:
        document = json.loads(read_regular(path, 1_000_000))
        answers = document["answers"]
        if document.get("format") != DRAFT_FORMAT or not isinstance(answers, dict):
            raise ValueError(path)
    except FileRefused as exc:
        raise ScaffoldError([(exc.zh, exc.en)]) from None
    except (ValueError, KeyError, TypeError):
        raise ScaffoldError([(f"{path} 不是 ftzkb new 保存的草稿",
                              f"{path} is not a draft saved by ftzkb new")]) from None
    return {key: tuple(value) if key in LISTS else value for key, value in answers.items() if key in ANSWER_FIELDS}


def write_new_case(root: Path, new: NewCase) -> Path:
    """Write cases/<id>.yaml in canonical layout. Raises ScaffoldError (nothing written) when the
    answers are wrong or the file exists, even if it appeared after the check."""
    from ftzkb.load.layout import canonical_text
    from ftzkb.record.writes import WriteRefused, atomic_write

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
