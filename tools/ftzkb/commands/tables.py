"""Aligned plain-text tables for the terminal (CJK characters count two columns)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# --- terminal tables ---------------------------------------------------------------------------

def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """Pad to `width` display columns (CJK counts two); longer text is cut with an ellipsis."""
    used = display_width(text)
    if used <= width:
        return text + " " * (width - used)
    out, used = [], 0
    for ch in text:
        if used + _char_width(ch) > width - 1:
            break
        out.append(ch)
        used += _char_width(ch)
    return "".join(out) + "…" + " " * (width - 1 - used)


def format_table(headings: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int = 40) -> str:
    """A plain aligned table for the terminal; columns as wide as their content, up to `max_width`."""
    body = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [min(max_width, max([display_width(h)] + [display_width(r[i]) for r in body]))
              for i, h in enumerate(headings)]
    lines = ["  ".join(fit(h, w) for h, w in zip(headings, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(fit(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)
