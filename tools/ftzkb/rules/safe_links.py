from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Case
    from ftzkb.load.yamlload import Path_

_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:href|src)\s*=\s*[\"']?\s*([^\"'\s>]+)", re.IGNORECASE)
_SAFE = re.compile(r"(https?://|mailto:|#|/|\.\.?/)", re.IGNORECASE)
_TEXT_FIELDS = ("summary", "problem", "measures", "outcomes", "note")


def _texts(case: Case) -> Iterator[tuple[Path_, str]]:
    for name in _TEXT_FIELDS:
        value = getattr(case, name)
        if value is not None:
            yield (name,), str(value)
    for adoption in case.adoptions:
        if adoption.note is not None:
            yield ("adoptions", adoption.index, "note"), str(adoption.note)


@rule("url-scheme", ERROR, "正文中的链接只能是 http(s)、mailto 或站内链接",
      "links in text must be http(s), mailto or relative", scope=CASE)
def check(case: Case, report: Report) -> None:
    for path, text in _texts(case):
        for match in _LINK.finditer(text):
            target = match.group(1) or match.group(2)
            if not _SAFE.match(target):
                report(path, f"链接“{target[:60]}”不是 http(s) 网址：请改用 https:// 开头的网址，或删除这个链接",
                       f"link '{target[:60]}' is not http(s): use an https:// address or remove the link")
