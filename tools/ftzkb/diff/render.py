"""The diff as text (terminal), Markdown (pull-request summary) or JSON."""

from __future__ import annotations

import json
from typing import Any

from ftzkb import vocab
from ftzkb.dates import display as display_date
from ftzkb.diff.compute import (
    _KIND_ORDER,
    _KIND_WORDS,
    ADDED,
    CHANGED,
    REMOVED,
    AdoptionChange,
    CorpusDiff,
    FieldChange,
    LoadProblem,
    RecordChange,
)
from ftzkb.i18n import current_lang, pick

# ---------------------------------------------------------------- rendering

FORMATS = ("text", "markdown", "json")
_MARKS = {ADDED: "+", CHANGED: "~", REMOVED: "-"}
_SECTIONS = (("cases", "案例", "cases"), ("adoptions", "复制推广记录", "adoptions"), ("carriers", "载体", "carriers"))
# Contributed text always lands mid-line here, so only inline syntax needs escaping.
_MARKDOWN_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|~"},
                                   "<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})
_VALUE_WIDTH = 40


def render(diff: CorpusDiff, fmt: str = "text", lang: str | None = None) -> str:
    """The diff as "text" (terminal), "markdown" (pull-request summary) or "json"."""
    if fmt == "json":
        return json.dumps(diff.as_dict(), ensure_ascii=False, indent=2)
    writer = _Markdown(lang) if fmt == "markdown" else _Text(lang)
    return "\n".join(writer.document(diff)) + "\n"


class _Text:
    """Plain text for a terminal. `_Markdown` changes only how the pieces look."""

    limit: int | None = None  # most items listed per section

    def __init__(self, lang: str | None) -> None:
        self.lang = lang or current_lang()

    def t(self, zh: str, en: str) -> str:
        return pick(zh, en, self.lang)

    def document(self, diff: CorpusDiff) -> list[str]:
        span = f"{self.code(diff.base)} → {self.code(diff.head)}"
        lines = [self.heading(self.t(f"数据变化：{span}", f"Data changes: {span}"), 2)]
        if diff.is_empty:
            return [*lines, self.t("没有数据变化（cases/ 与 carriers/ 未改动）。",
                                   "No data changes (cases/ and carriers/ are unchanged).")]
        lines += self.overview(diff)
        lines += self.records(diff.cases, self.t("案例", "Cases"))
        lines += self.adoptions(diff)
        lines += self.records(diff.carriers, self.t("载体", "Carriers"))
        lines += self.problems(diff.problems)
        return lines

    def overview(self, diff: CorpusDiff) -> list[str]:
        words = [self.t(*_KIND_WORDS[kind]) for kind in _KIND_ORDER]
        lines = []
        for items, zh, en in _SECTIONS:
            numbers = [diff.count(items, kind) for kind in _KIND_ORDER]
            if any(numbers):
                counts = self.t("，", ", ").join(f"{w} {n}" for w, n in zip(words, numbers, strict=True))
                lines.append(f"{self.t(zh, en)}{self.t('：', ': ')}{counts}")
        return lines

    def records(self, changes: list[RecordChange], heading: str) -> list[str]:
        if not changes:
            return []
        lines = [self.heading(heading, 3)]
        for change in changes[:self.limit]:
            lines.append(self.item(change.kind, self.name(change.name, change.id)))
            lines += [self.detail(self.field(f)) for f in change.fields]
        return lines + self.more(len(changes))

    def adoptions(self, diff: CorpusDiff) -> list[str]:
        if not diff.adoptions:
            return []
        lines = [self.heading(self.t("复制推广记录（按载体）", "Adoptions, per carrier"), 3)]
        listed = 0
        for carrier, name, changes in diff.adoptions_by_carrier():
            if self.limit is not None and listed >= self.limit:
                break
            lines.append(self.heading(self.name(name, carrier), 4))
            for change in changes[:None if self.limit is None else self.limit - listed]:
                what = self.t("；", "; ").join(self.field(f) for f in change.fields) if change.kind == CHANGED \
                    else self.status_and_date(change)
                lines.append(self.item(change.kind, f"{self.name(change.case_title, change.case)}"
                                                    f"{self.t('：', ': ')}{what}", nested=True))
                listed += 1
        return lines + self.more(len(diff.adoptions))

    def more(self, total: int) -> list[str]:
        if self.limit is None or total <= self.limit:
            return []
        hidden = total - self.limit
        return [self.t(f"……另有 {hidden} 项未列出（完整列表：ftzkb diff 的 text 或 json 输出）",
                       f"… {hidden} more not listed (full list: ftzkb diff as text or json)")]

    def status_and_date(self, change: AdoptionChange) -> str:
        status = vocab.label("adoption_status", change.new_status or change.old_status or "unknown", self.lang)
        return f"{status}{self.t('，', ', ')}{display_date(change.date, self.lang)}"

    def field(self, change: FieldChange) -> str:
        label = change.label(self.lang)
        text = label if label == change.path else f"{label}{self.paren(self.code(change.path))}"
        if change.old is None and change.new is None:
            return text
        return f"{text}{self.t('：', ': ')}{self.value(change.old)} → {self.value(change.new)}"

    def value(self, value: Any) -> str:
        if value is None:
            return self.t("（空）", "(none)")
        text = " ".join(str(value).split())
        if len(text) > _VALUE_WIDTH:
            text = text[:_VALUE_WIDTH] + "…"
        return self.escape(f'"{text}"')

    def problems(self, problems: list[LoadProblem]) -> list[str]:
        if not problems:
            return []
        heading = self.t("无法读取的文件（其变化未计入上面）", "Files that could not be read (not counted above)")
        return [self.heading(heading, 3), *(self.item(CHANGED, self.problem(p), mark="!") for p in problems)]

    def problem(self, problem: LoadProblem) -> str:
        d = problem.diagnostic
        return (f"{self.code(d.file)}:{d.line}:{d.col}{self.paren(self.escape(problem.revision))}"
                f"{self.t('：', ': ')}{self.escape(d.message(self.lang))}")

    def name(self, name: str, record_id: str) -> str:
        return f"{self.escape(name)}{self.paren(self.code(record_id))}"

    def paren(self, text: str) -> str:
        return self.t(f"（{text}）", f" ({text})")

    def heading(self, text: str, level: int) -> str:
        return {2: text, 3: f"\n{text}", 4: f"  {text}"}[level]

    def item(self, kind: str, text: str, nested: bool = False, mark: str | None = None) -> str:
        return f"{'    ' if nested else '  '}{mark or _MARKS[kind]} {text}"

    def detail(self, text: str) -> str:
        return f"      {text}"

    def code(self, text: str) -> str:
        return text

    def escape(self, text: str) -> str:
        return text


class _Markdown(_Text):
    """GitHub/Gitea-flavoured Markdown; every piece of contributed text is escaped. Long lists are cut
    (a step summary is limited to 1 MiB, and a reviewer reads the first few hundred lines anyway)."""

    limit = 300

    def overview(self, diff: CorpusDiff) -> list[str]:
        header = "| | " + " | ".join(self.t(*_KIND_WORDS[kind]) for kind in _KIND_ORDER) + " |"
        body = [f"| {self.t(zh, en.capitalize())} | " + " | ".join(str(diff.count(items, kind)) for kind in _KIND_ORDER)
                + " |" for items, zh, en in _SECTIONS]
        return ["", header, "|---|---:|---:|---:|", *body]

    def heading(self, text: str, level: int) -> str:
        return ("" if level == 2 else "\n") + "#" * level + " " + text

    def item(self, kind: str, text: str, nested: bool = False, mark: str | None = None) -> str:
        word = "⚠" if mark else self.t(*_KIND_WORDS[kind])
        return f"- **{word}** {text}"

    def detail(self, text: str) -> str:
        return f"  - {text}"

    def code(self, text: str) -> str:
        return "`" + text.replace("`", "'").replace("\n", " ") + "`"

    def escape(self, text: str) -> str:
        return text.translate(_MARKDOWN_SPECIAL)
