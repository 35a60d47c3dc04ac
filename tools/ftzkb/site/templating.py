"""The Jinja2 environment of the page templates: autoescaping on, plus the filters and
globals every template uses (vocabulary labels, dates, safe Markdown)."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import dates
from ..vocab import label
from .text import SAFE_HREF, markdown_html, markdown_inline, meta_text, plain_text

STATUS_MARKS = {"adopted": "✔", "adapted": "✚", "piloting": "◔", "planned": "○", "declined": "✕",
                "withdrawn": "⊘", "unknown": "?"}


def batch_name(key: str | None, lang: str = "zh") -> str:
    """`provincial-replication-2` → 全省复制推广 第2批 (the label without its bracketed gloss)."""
    if not key:
        return ""
    level, _, number = key.rpartition("-")
    if not number.isdigit():
        return key
    name = re.sub(r"\s*[（(][^）)]*[）)]", "", label("recognition_level", level, lang))
    return f"{name} 第{number}批" if lang == "zh" else f"{name}, batch {number}"


@lru_cache(maxsize=4096)
def category_names(categories: tuple[str, ...]) -> str:
    return "、".join(label("category", value, "zh") for value in categories)


def site_label(vocabulary: str, value: str, lang: str = "zh") -> str:
    """Vocabulary labels for the site: Chinese unless asked, whatever language the command line speaks."""
    return label(vocabulary, value, lang)


def yaml_str(text: object) -> Markup:
    """A YAML double-quoted scalar (JSON strings are valid YAML), safe for the theme's title slots."""
    return Markup(json.dumps(meta_text(text), ensure_ascii=False))


def safe_href(url: object) -> str | None:
    return url if isinstance(url, str) and SAFE_HREF.match(url) else None


def display_date(text: str | None) -> str:
    return dates.display(text, "zh")


@cache
def environment() -> Environment:
    # Comments are {## … ##}: "{#id}" is how a Markdown heading gets its anchor.
    env = Environment(loader=PackageLoader("ftzkb.site", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined, auto_reload=False,
                      comment_start_string="{##", comment_end_string="##}")
    env.filters.update(md=markdown_html, md_inline=markdown_inline, yaml_str=yaml_str, safe_href=safe_href,
                       plain=plain_text)
    env.globals.update(label=site_label, date=display_date, batch_name=batch_name, category_names=category_names,
                       status_mark=lambda status: STATUS_MARKS.get(status, "?"))
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
