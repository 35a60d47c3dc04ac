"""Pinyin for people typing without a Chinese input method: `duoshilianyun`, `lianyun` or `dsly`
all find 多式联运.

At index time every Han run of a title gives all its suffixes, as full pinyin and as initials
(多式联运 → duoshilianyun, shilianyun, lianyun, yun; dsly, sly, ly, y); a query is a prefix
search, which finds the typed letters anywhere inside the run. Tags are words already and give
only their whole spelling (suffixes of every tag cost too many index entries for what they add).
pypinyin (~0.13 s to import) is needed only here, never when searching.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ftzkb.textunits import runs

MAX_SYLLABLES = 12  # a suffix longer than this is cut: nobody types more letters without spaces
NO_SYLLABLE = "-"


@lru_cache(maxsize=65536)
def syllables(han: str) -> tuple[str, ...]:
    """One syllable per character (多式联运 → duo shi lian yun); heteronyms resolved by phrase."""
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(han, style=Style.NORMAL, errors="default")
    if len(found) != len(han):  # a phrase entry that does not split per character
        found = [lazy_pinyin(char, style=Style.NORMAL, errors="default")[0] for char in han]
    return tuple(found)


def pinyin_tokens(titles: Iterable[str], words: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(full pinyin, initials): every suffix of the Han runs in `titles`, each whole Han run in `words`."""
    full: set[str] = set()
    initials: set[str] = set()
    for text, suffixes in [*((t, True) for t in titles), *((w, False) for w in words)]:
        for run in runs(text):
            if not run.han:
                continue
            found = syllables(run.text)
            for start in range(len(found) if suffixes else 1):
                tail = found[start:start + MAX_SYLLABLES]
                full.add("".join(tail))
                initials.add("".join(s[0] for s in tail))
    return sorted(full), sorted(initials)


def aligned_syllables(text: str) -> str:
    """The syllable of each character of `text`, space-separated, NO_SYLLABLE for anything not
    Han; stored with a document so a pinyin match can be highlighted without pypinyin."""
    per_char = [NO_SYLLABLE] * len(text)
    for run in runs(text):
        if run.han:
            per_char[run.start:run.end] = syllables(run.text)
    return " ".join(per_char)


def pinyin_spans(query: str, aligned: str) -> list[tuple[int, int]]:
    """Character spans of the text whose full pinyin or initials spell `query` (lower case)."""
    per_char = aligned.split(" ")
    spans = []
    for start, first in enumerate(per_char):
        if first == NO_SYLLABLE:
            continue
        full, initials = "", ""
        for end in range(start, len(per_char)):
            syllable = per_char[end]
            if syllable == NO_SYLLABLE:
                break
            full, initials = full + syllable, initials + syllable[0]
            if query in (full, initials):
                spans.append((start, end + 1))
                break
            if not (query.startswith(full) or query.startswith(initials)):
                break
    return spans
