"""Language selection for messages: Chinese by default, English on request."""

from __future__ import annotations

import os

LANGS = ("zh", "en")


def current_lang() -> str:
    lang = os.environ.get("FTZKB_LANG", "zh").lower()
    return lang if lang in LANGS else "zh"


def set_lang(lang: str) -> None:
    os.environ["FTZKB_LANG"] = lang if lang in LANGS else "zh"


def pick(zh: str, en: str, lang: str | None = None) -> str:
    return en if (lang or current_lang()) == "en" else zh
