"""The whoosh side of the index: a tokenizer and a text field built on `text.index_units`, and the codec.

whoosh stores the schema and codec (these classes, by name) inside the index, so they live at
module level here and the index format fingerprint covers this file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import KEYWORD, TEXT
from whoosh.system import pack_uint

from ftzkb.textunits import index_units, runs


class CjkBigramTokenizer(Tokenizer):
    """Han bigrams (with `tails`, also each run's last character) and Latin/digit words, with
    positions and character offsets, for whoosh machinery that analyses text itself (highlighters,
    parsers)."""

    def __init__(self, tails: bool = False) -> None:
        self.tails = tails

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CjkBigramTokenizer) and other.tails == self.tails

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for run in runs(value):
            for offset, width, text in _pieces(run.text, run.han, self.tails):
                token.text, token.boost, token.stopped = text, 1.0, False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos + offset
                if chars:
                    token.startchar = start_char + run.start + offset
                    token.endchar = token.startchar + width
                yield token
            pos += len(run.text) if run.han else 1


def _pieces(text: str, han: bool, tails: bool) -> Iterator[tuple[int, int, str]]:
    """(offset, width, unit) of one run, in the order `index_units` lists them."""
    if not han or len(text) == 1:
        yield 0, len(text), text
        return
    for i in range(len(text) - 1):
        yield i, 2, text[i:i + 2]
    if tails:
        yield len(text) - 1, 1, text[-1]


class BigramText(TEXT):
    """A scorable text field without positions. Indexing counts `index_units` directly instead of
    passing every token through whoosh's analyzer chain: at 5,000 cases that chain was most of the
    indexing time."""

    def __init__(self, field_boost: float = 1.0, stored: bool = False, tails: bool = False) -> None:
        super().__init__(analyzer=CjkBigramTokenizer(tails), phrase=False, stored=stored, field_boost=field_boost)
        self.tails = tails

    def index(self, value: str, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        for unit, freq in Counter(index_units(value, self.tails)).items():
            yield unit.encode("utf-8"), freq, freq * boost, pack_uint(freq)


def token_field(field_boost: float = 1.0) -> KEYWORD:
    """A field of ready-made space-separated tokens (pinyin), scorable."""
    return KEYWORD(scorable=True, field_boost=field_boost)


class QuickCodec(W3Codec):
    """whoosh's codec without per-posting length statistics. Collecting them looked up the
    document length once per posting, about a third of the time to write an index. They only
    tighten the bounds whoosh uses to skip blocks; without them (lengths read as 0) the bounds are
    looser but still upper bounds, so results and scores are unchanged."""

    length_stats = False
