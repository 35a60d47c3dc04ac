"""Contributor text made safe for the site.

Case texts are Markdown written by zone staff. They are rendered here, not by the site
generator, with raw HTML switched off (so `<script>` or `<b onclick=…>` comes out as
visible text), link targets limited to http(s) and mailto (`javascript:` and relative
links become plain text) and images turned into links (an image would be a request to
another host, which the intranet site must never make).
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

SAFE_HREF = re.compile(r"(?:https?://|mailto:)[^\s\"'<>\\]+\Z", re.IGNORECASE)
_PLACEHOLDER_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # Markdown's stash markers are among them
# Anything Markdown could turn into markup; text without it is rendered by the fast path.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&#!|~]|^\s*(?:[-+*>=]|\d+[.)])|^ {4}|^\t|[ \t]$|https?://|www\.",
                              re.MULTILINE)
_ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class", "rel"}, "ol": {"start"}}
EXTERNAL_TITLE = "外部网站：在内网中可能打不开"
_META_REPLACEMENTS = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " "})


class _SafeTree(Treeprocessor):
    """Drop unsafe link targets, turn images into links and strip stray attributes."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "img":
                _image_to_link(element)
            if element.tag == "a":
                _check_link(element)
            allowed = _ALLOWED_ATTRIBUTES.get(element.tag, set())
            for name in [n for n in element.attrib if n not in allowed]:
                del element.attrib[name]


def _image_to_link(element: etree.Element) -> None:
    src, alt = element.get("src", ""), element.get("alt") or "图片 image"
    element.tag = "a"
    element.attrib.clear()
    element.text = f"[{alt}]"
    if SAFE_HREF.match(src):
        element.set("href", src)
    _check_link(element)


def _check_link(element: etree.Element) -> None:
    href = element.get("href", "")
    element.attrib.pop("class", None)
    if not SAFE_HREF.match(href):
        element.attrib.pop("href", None)
        element.tag = "span"
    elif href.lower().startswith("http"):
        element.attrib.update({"class": "ftz-ext", "title": EXTERNAL_TITLE, "rel": "noopener noreferrer"})


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeTree(md), "ftzkb_safe", 0)


_local = threading.local()


def _renderer() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=[_SafeExtension(), "sane_lists", "nl2br"],
                                           output_format="html")
    return md


def markdown_html(text: str | object | None) -> Markup:
    """Contributor Markdown as safe HTML (paragraphs, lists, emphasis, http(s) links)."""
    if text is None:
        return Markup("")
    text = _PLACEHOLDER_CHARS.sub("", str(text)).strip()
    if not text:
        return Markup("")
    if not _MARKDOWN_SYNTAX.search(text):
        return _plain_paragraphs(text)
    md = _renderer()
    md.reset()
    return Markup(md.convert(text))


def _plain_paragraphs(text: str) -> Markup:
    """What Markdown (with nl2br) makes of text without any syntax, only much faster."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return Markup("\n".join("<p>" + "<br>\n".join(escape(line) for line in p.split("\n")) + "</p>"
                             for p in paragraphs))


_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()>#+-.!|"})


def markdown_inline(text: str | object) -> Markup:
    """Contributor text (a name) placed where Markdown is parsed, such as a heading: HTML-escaped,
    and every character Markdown or attr_list could act on backslash-escaped."""
    flat = " ".join(_PLACEHOLDER_CHARS.sub("", str(text)).split())
    return Markup(str(escape(flat)).replace("&#34;", '"').replace("&#39;", "'").translate(_MARKDOWN_ESCAPES))


def meta_text(text: str | object) -> str:
    """Text for places the theme prints without escaping (page titles in front matter):
    HTML-significant characters become their full-width look-alikes."""
    return _PLACEHOLDER_CHARS.sub("", str(text)).translate(_META_REPLACEMENTS).strip()


def plain_text(text: str | object | None) -> str:
    """One-line plain text (for feeds summaries, CSV, tooltips)."""
    if text is None:
        return ""
    return " ".join(_PLACEHOLDER_CHARS.sub("", str(text)).split())


_QUOTED_NAME = re.compile("“([\u3400-\u9fff]{2,6})”")


def coined_names(title: str) -> list[str]:
    """The coined names of reforms, written in quotation marks in a case title (“一业一证”, “白名单”)."""
    return _QUOTED_NAME.findall(title)
