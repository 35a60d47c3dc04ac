"""Sorting Chinese names sensibly: by pinyin (as officials expect in printed lists).

Only pypinyin's per-character table is loaded (~0.03 s), straight from its file:
importing the `pypinyin` package itself loads its phrase dictionary (~0.3 s), which
sorting does not need and every listing command would pay for.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar, overload

T = TypeVar("T")


@cache
def _char_table() -> dict[int, str]:
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.py"
    module_spec = importlib.util.spec_from_file_location("_ftzkb_pinyin_dict", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.pinyin_dict


def _syllable(char: str) -> str:
    """`南` → `nan2`: the first reading, tone as a trailing digit (so tones order within a syllable)."""
    reading = _char_table().get(ord(char))
    if reading is None:
        return char
    first = reading.split(",")[0]
    tone = 5
    letters = []
    for ch in unicodedata.normalize("NFD", first):
        mark = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}.get(ch)
        if mark:
            tone = mark
        elif ch == "\u0308":
            letters.append("v")  # ü sorts after u, as in dictionaries' "v"
        else:
            letters.append(ch)
    return "".join(letters).replace("uv", "v") + str(tone)


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple[str, ...]:
    """南京 < 苏州 < 连云港 becomes 连云港 < 南京 < 苏州 (lian < nan < su)."""
    return tuple(_syllable(char) for char in text)


def _itself(text: str) -> str:
    return text


@overload
def sort_zh(items: Iterable[str]) -> list[str]: ...
@overload
def sort_zh(items: Iterable[T], key: Callable[[T], str]) -> list[T]: ...
def sort_zh(items: Iterable[Any], key: Callable[[Any], str] = _itself) -> list[Any]:
    """Strings sort by their own pinyin; anything else needs `key` to name its text."""
    return sorted(items, key=lambda item: pinyin_key(key(item)))
