from __future__ import annotations

from typing import TYPE_CHECKING

from ftzkb.diagnostics import Diagnostic
from ftzkb.load.loader import kind_of
from ftzkb.rules import CARRIER, CASE, WARNING, Report, fixes, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Case
    from ftzkb.rules.fixing import Fix, FixTarget


def first_difference(text: str, canonical: str) -> int:
    """The 1-based number of the first line where `text` and its canonical form differ."""
    ours, theirs = text.split("\n"), canonical.split("\n")
    for number, (line, wanted) in enumerate(zip(ours, theirs, strict=False), start=1):
        if line != wanted:
            return number
    return min(len(ours), len(theirs)) + 1 if len(ours) != len(theirs) else 1


@rule("canonical-layout", WARNING, "文件应为规范格式（键序、缩进、引号）",
      "files should be in canonical layout (key order, indentation, quoting)", scope=(CASE, CARRIER))
def check(record: Case | Carrier, report: Report) -> None:
    from ftzkb.load.layout import canonical_text, is_canonical

    loaded = record.loaded
    canonical = loaded.canonical
    if canonical is None:
        canonical = is_canonical(loaded.text, loaded.data, kind_of(record.path))
    if canonical:
        return
    kind = kind_of(record.path)
    line = first_difference(loaded.text, canonical_text(loaded.data, kind))
    if not only_modeline_comments(loaded.text, kind):
        report((), "不是规范格式（键序、缩进或引号）；文件中有注释，自动修正会删除它们：请手工调整，"
               "或运行 ftzkb fmt --drop-comments",
               "not in canonical layout (key order, indentation or quoting); the file has comments that a rewrite "
               "would drop: adjust it by hand, or run ftzkb fmt --drop-comments", place=(line, 1))
    else:
        report((), "不是规范格式（键序、缩进或引号），从这一行开始与规范格式不同",
               "not in canonical layout (key order, indentation or quoting) from this line on", place=(line, 1))


def only_modeline_comments(text: str, kind: str) -> bool:
    """A canonical rewrite keeps no comment but the schema modeline: is that all the file has?"""
    from ftzkb.load.layout import modeline

    return all(line.strip() == modeline(kind) for line in text.splitlines() if line.lstrip().startswith("#"))


@fixes("canonical-layout")
def fix(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    """The canonical rewrite (`ftzkb fmt`), when it loses nothing: no comment but the modeline."""
    from ftzkb.load.layout import canonical_text

    from .fixing import Rewrite

    if target.loaded is None or not isinstance(target.loaded.data, dict):
        return None
    if not only_modeline_comments(target.text, target.kind):
        return None
    return Rewrite(canonical_text(target.loaded.data, target.kind))
