"""Sorting Chinese names sensibly: by pinyin (as officials expect in printed lists)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple[str, ...]:
    """南京 < 苏州 < 连云港 becomes 连云港 < 南京 < 苏州 (lian < nan < su)."""
    return tuple(lazy_pinyin(text, style=Style.TONE3, errors="default"))


def sort_zh(items, key=lambda item: item):
    return sorted(items, key=lambda item: pinyin_key(key(item)))
