from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ftzkb.diagnostics import Diagnostic

from . import CARRIER, CASE, WARNING, Report, fixes, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Case
    from ftzkb.load.yamlload import Path_
    from ftzkb.rules.fixing import Fix, FixTarget

# A whitespace character (other than the line break itself) at the end of a line of the text.
_TRAILING = re.compile(r"[^\S\n]+(?=\n|\Z)")
_FULLWIDTH = "\u3000"
_CJK_AROUND = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\u3000+|\u3000+(?=[\u3000-\u9fff\uff00-\uffef])")


def _walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _has_finding(value: Any) -> bool:
    """Quick yes/no over a whole record (no paths kept); almost every record says no."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if _FULLWIDTH in item or _TRAILING.search(item):
                return True
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return False


def cleaned(text: str) -> str:
    """The text without full-width spaces (dropped next to Chinese, an ASCII space elsewhere) and
    without spaces at the ends of its lines."""
    text = _CJK_AROUND.sub("", text).replace(_FULLWIDTH, " ")
    return _TRAILING.sub("", text)


@rule("whitespace", WARNING, "文本中不应有全角空格或行尾空格", "no full-width spaces or trailing whitespace in text",
      scope=(CASE, CARRIER))
def check(record: Case | Carrier, report: Report) -> None:
    if not _has_finding(record.loaded.data):
        return
    for path, text in _walk(record.loaded.data):
        if _FULLWIDTH in text:
            report(path, "文本中有全角空格“　”：请删除或改用半角空格",
                   "full-width space in text: delete it or use an ASCII space")
        elif _TRAILING.search(text):
            report(path, "文本行尾有多余空格：请删除", "trailing whitespace in text: delete it")


@fixes("whitespace")
def fix(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    from .fixing import ValueFix

    path = target.path_at(diagnostic.line, diagnostic.col)
    value = target.value_at(path)
    if not isinstance(value, str) or cleaned(value) == value:
        return None
    return ValueFix(path, cleaned(value))
