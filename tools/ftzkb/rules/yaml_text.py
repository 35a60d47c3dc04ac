"""Fixers for files that do not parse because of what a Chinese keyboard types: a full-width colon
after a key (`title：…`), full-width spaces as indentation, a key's colon followed by a full-width
space or by no space at all (`title:测试`). They use the loader's own line checks
(`load/yamlload.py`), and fix every such line of the file at once."""

from __future__ import annotations

from ftzkb.diagnostics import Diagnostic
from ftzkb.load.yamlload import (
    BAD_INDENT,
    FULLWIDTH_COLON_KEY,
    KEY_COLON_NO_SPACE,
    YamlLoadError,
    load_yaml_text,
    split_lines,
)

from . import fixes
from .fixing import Fix, FixTarget, Rewrite, TextFix

_FULLWIDTH_SPACE = "\u3000"


@fixes("yaml-fullwidth-colon")
def fix_colon(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    edits: list[Fix] = []
    for number, line in enumerate(split_lines(target.text), start=1):
        found = FULLWIDTH_COLON_KEY.match(line)
        if found:
            after = line[found.end():found.end() + 1]
            edits.append(TextFix(number, found.end(), "：", ":" if after in (" ", "\n", "\r", "") else ": "))
    return edits[0] if len(edits) == 1 else (_all(target, edits) if edits else None)


@fixes("yaml-syntax")
def fix_colon_space(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    """`key:　value` or `key:value` (the loader's `_colon_without_space` names that line)."""
    lines = split_lines(target.text)
    if not 1 <= diagnostic.line <= len(lines):
        return None
    found = KEY_COLON_NO_SPACE.match(lines[diagnostic.line - 1])
    if found is None:
        return None
    after = lines[diagnostic.line - 1][found.end():found.end() + 1]
    old = after if after == _FULLWIDTH_SPACE else ""
    return TextFix(diagnostic.line, found.end() + 1, old, " ")


@fixes("yaml-fullwidth-space")
def fix_indent(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    """Each full-width space of an indentation becomes one ASCII space (two full-width spaces typed for
    one level) or two (its width), whichever makes the file parse (or get further)."""
    best: tuple[float, str] | None = None
    for width in (1, 2):
        text = "".join(_reindented(line, width) for line in split_lines(target.text))
        reach = _reach(text)
        if best is None or reach > best[0]:
            best = (reach, text)
    return Rewrite(best[1]) if best and best[0] > diagnostic.line else None


def _reindented(line: str, width: int) -> str:
    if not BAD_INDENT.match(line) or _FULLWIDTH_SPACE not in line:
        return line
    stripped = line.lstrip(" " + _FULLWIDTH_SPACE)
    lead = line[:len(line) - len(stripped)]
    return lead.replace(_FULLWIDTH_SPACE, " " * width) + stripped


def _reach(text: str) -> float:
    """How far the text parses: the line of its first problem, or infinity."""
    try:
        load_yaml_text(text)
    except YamlLoadError as exc:
        return exc.line
    return float("inf")


def _all(target: FixTarget, edits: list[Fix]) -> Rewrite:
    from .fixing import applied

    return Rewrite(applied(target, edits))
