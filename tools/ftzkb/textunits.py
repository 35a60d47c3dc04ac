"""Dictionary-free Chinese text units, shared by the index, queries, snippets and similarity.

Han text is cut into overlapping character bigrams (多式联运 → 多式 式联 联运), so a query
finds both whole words and the parts of compounds without a segmentation dictionary
(whose loading would cost a second on every start). Latin letters and digits form words.
Nothing here imports whoosh or pypinyin: `ftzkb validate` uses it too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_UNIT = re.compile(f"([{HAN}]+)|([a-z0-9]+)")

# Full-width ASCII (Ｑ，１) is folded to ASCII one character for one character, so offsets in the
# folded text are offsets in the original text too.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """Lower case, full-width ASCII to ASCII; same length as `text`."""
    return text.translate(_FOLD).lower()


@dataclass(frozen=True)
class Run:
    """A stretch of Han characters or one Latin/digit word, at `start` in the text."""

    text: str
    start: int
    han: bool

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def runs(text: str) -> Iterator[Run]:
    for match in _UNIT.finditer(fold(text)):
        yield Run(match.group(), match.start(), match.group(1) is not None)


def bigrams(han: str) -> list[str]:
    """多式联运 → [多式, 式联, 联运]; a single character stays itself."""
    if len(han) < 2:
        return [han] if han else []
    return [han[i:i + 2] for i in range(len(han) - 1)]


def units(text: str) -> list[str]:
    """The words of `text` as the index sees them: Han bigrams and Latin/digit words."""
    found: list[str] = []
    for han, word in _UNIT.findall(fold(text)):  # no Run objects: this runs over whole corpora
        if word:
            found.append(word)
        elif len(han) == 1:
            found.append(han)
        else:
            found.extend([han[i:i + 2] for i in range(len(han) - 1)])
    return found


def index_units(text: str, tails: bool = False) -> list[str]:
    """`units`, and with `tails` also the last character of every Han run. A one-character query
    is answered as the prefix of a bigram (港 → 港口); the tails add the run ends (连云港 → 港),
    which costs too many index entries to keep for long fields."""
    found = units(text)
    if tails:
        found.extend(han[-1] for han, _ in _UNIT.findall(fold(text)) if len(han) > 1)
    return found


def char_width(ch: str) -> int:
    """Columns a character takes in a terminal or a spreadsheet cell: two for Han and full-width signs."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)
