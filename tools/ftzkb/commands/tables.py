"""Aligned plain-text tables for the terminal (CJK characters count two columns)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from typing import Any

from ftzkb.textunits import char_width, display_width

# --- terminal tables ---------------------------------------------------------------------------



def fit(text: str, width: int) -> str:
    """Pad to `width` display columns (CJK counts two); longer text is cut with an ellipsis."""
    used = display_width(text)
    if used <= width:
        return text + " " * (width - used)
    out, used = [], 0
    for ch in text:
        if used + char_width(ch) > width - 1:
            break
        out.append(ch)
        used += char_width(ch)
    return "".join(out) + "…" + " " * (width - 1 - used)


# Latin words, ids, numbers and URLs (with a trailing comma or space) are never split across lines.
_TOKEN = re.compile(r"[A-Za-z0-9][\w.:/@+%#=&?~-]*[,;]?\s*|\s+|.", re.S)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` display columns, broken between Han characters or
    between words, never inside an id or a word (one longer than `width` gets a line of its own)."""
    lines, line, used = [], "", 0
    for token in _TOKEN.findall(text):
        size = display_width(token.rstrip())
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
            token = token.lstrip()
        line += token
        used += display_width(token)
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def _unbreakable(text: str) -> int:
    return max((display_width(t.rstrip()) for t in _TOKEN.findall(text)), default=0)


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def format_table(headings: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int = 40) -> str:
    """A plain aligned table for the terminal. Columns are as wide as their content; when the table
    is wider than the terminal, columns wider than `max_width` wrap their text onto more lines
    (titles wrap; ids and other words are never cut, so what is shown can be copied)."""
    body = [[("" if v is None else str(v)) for v in row] for row in rows]
    natural = [max([display_width(h)] + [display_width(r[i]) for r in body]) for i, h in enumerate(headings)]
    widths = natural
    if sum(natural) + 2 * (len(natural) - 1) > terminal_width():
        floors = [max([display_width(h)] + [_unbreakable(r[i]) for r in body]) for i, h in enumerate(headings)]
        widths = [max(floor, min(max_width, width)) for floor, width in zip(floors, natural, strict=True)]
    lines = [_join(headings, widths), "  ".join("-" * w for w in widths)]
    for row in body:
        cells = [wrap(cell, width) for cell, width in zip(row, widths, strict=True)]
        for depth in range(max(len(c) for c in cells) if cells else 0):
            lines.append(_join([c[depth] if depth < len(c) else "" for c in cells], widths))
    return "\n".join(lines)


def _join(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(fit(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()
