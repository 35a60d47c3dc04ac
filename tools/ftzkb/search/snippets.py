"""Snippets: the stretch of a hit's text where the query words are densest, with their spans.

Works on stored text, with the same units the index uses, so what is highlighted is what matched
(多式联运 highlights 多式联运, and 联运 alone where only that occurs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ftzkb.textunits import bigrams, fold, runs

WIDTH = 80
LEAD = 16  # characters of context kept before the first highlighted word
ELLIPSIS = "…"

Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    field: str
    text: str
    spans: tuple[Span, ...]


def needles(terms: Iterable[str]) -> list[str]:
    """What to look for in text: each Han run, the bigrams of longer runs (多式联运 → 联运; a
    three-character word's halves would mostly mark noise), and each Latin/digit word."""
    found: list[str] = []
    for term in terms:
        for run in runs(term):
            found.append(run.text)
            if run.han and len(run.text) > 3:
                found.extend(bigrams(run.text))
    return sorted(set(found), key=len, reverse=True)


def spans_in(text: str, wanted: list[str]) -> list[Span]:
    """Merged spans of `text` covered by any of `wanted`; Latin words only as whole words."""
    folded = fold(text)
    covered = bytearray(len(text))
    for needle in wanted:
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not needle.isascii() or _whole_word(folded, start, end):
                covered[start:end] = b"\x01" * len(needle)
            start = folded.find(needle, start + 1)
    return _merge(covered)


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _merge(covered: bytearray) -> list[Span]:
    spans: list[Span] = []
    start = None
    for i, flag in enumerate(covered):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(covered)))
    return spans


def best_snippet(texts: dict[str, str], wanted: list[str], order: Iterable[str], width: int = WIDTH) -> Snippet | None:
    """The window of `width` characters with the most highlighted text, from the first field (in
    `order`) where a query word occurs; else the start of the first non-empty field."""
    order = list(order)
    for field in order:
        text = texts.get(field) or ""
        spans = spans_in(text, wanted) if text else []
        if spans:
            return window(field, text, spans, width)
    first = next((f for f in order if texts.get(f)), None)
    return None if first is None else window(first, texts[first], [], width)


def window(field: str, text: str, spans: list[Span], width: int = WIDTH) -> Snippet:
    start = _densest_start(spans, len(text), width)
    end = min(len(text), start + width)
    shown = text[start:end].replace("\n", " ")
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end)
    return Snippet(field, prefix + shown + suffix, inside)


def _densest_start(spans: list[Span], length: int, width: int) -> int:
    if not spans or length <= width:
        return 0
    best_start, best_covered = 0, -1
    for anchor, _ in spans:
        start = max(0, min(anchor - LEAD, length - width))
        covered = sum(min(e, start + width) - max(s, start) for s, e in spans if e > start and s < start + width)
        if covered > best_covered:
            best_start, best_covered = start, covered
    return best_start


def mark(text: str, spans: Iterable[Span], before: str, after: str) -> str:
    """`text` with each span wrapped in `before`…`after`."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces += [text[last:start], before, text[start:end], after]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
