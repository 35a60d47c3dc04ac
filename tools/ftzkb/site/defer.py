"""Blocks of a page that skip Markdown: HTML the templates made whole.

A template wraps such a block in marker lines of one of two kinds:

- DEFER_START / DEFER_END: big generated blocks (tables, timelines, lists of links) that need
  neither Markdown nor the search index;
- HTML_START / HTML_END: HTML that needs no Markdown but is part of what search finds (a case's
  heading block, its problem, measures and outcomes).

Any Markdown processor passes both through unchanged as raw HTML, so the page is complete as it
stands; a generator adapter may instead `take_out` the blocks before Markdown and put the HTML
blocks back into Markdown's output, before the search indexer reads it, and the deferred blocks
into the finished page. On a site of 5,000 cases that skips parsing most of its HTML three times
over (Markdown's raw-HTML pass, link checks, search indexing).

Blocks may nest (a template wraps a whole section whose partials mark their own blocks): an
outer deferred block takes everything in it; a deferred block inside an HTML block stays
deferred, and its slot travels inside the HTML block."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

DEFER_START = "<!--ftzkb:defer-->"
DEFER_END = "<!--/ftzkb:defer-->"
HTML_START = "<!--ftzkb:html-->"
HTML_END = "<!--/ftzkb:html-->"
DEFER_SLOT = "slot"
HTML_SLOT = "html-slot"
_SLOTS = {slot: re.compile(rf"<!--ftzkb:{slot}:(\d+)-->") for slot in (DEFER_SLOT, HTML_SLOT)}
# A marker is a line of its own.
_MARKER = re.compile(r"^<!--(/?)ftzkb:(defer|html)-->$", re.MULTILINE)
_MARKER_LINE = re.compile(r"^<!--/?ftzkb:(?:defer|html)-->\n", re.MULTILINE)


class UnbalancedMarkers(ValueError):
    """A template opened a block it did not close, or closed one it did not open."""


@dataclass
class Taken:
    skeleton: str  # the page, with a numbered slot where each block was
    html: list[str] = field(default_factory=list)  # put back into Markdown's output
    deferred: list[str] = field(default_factory=list)  # put back into the finished page


def take_out(markdown: str) -> Taken:
    """The page with each block replaced by a numbered slot, and the blocks."""
    taken = Taken("")
    without_deferred = _outermost(markdown, "defer", lambda inner: _slot(taken.deferred, DEFER_SLOT, inner))
    taken.skeleton = _outermost(without_deferred, "html", lambda inner: _slot(taken.html, HTML_SLOT, inner))
    return taken


def put_back(html: str, blocks: list[str], slot: str = DEFER_SLOT) -> str:
    return _SLOTS[slot].sub(lambda match: blocks[int(match.group(1))], html)


def _slot(blocks: list[str], slot: str, content: str) -> str:
    blocks.append(content)
    return f"<!--ftzkb:{slot}:{len(blocks) - 1}-->"


def _outermost(text: str, kind: str, replace: Callable[[str], str]) -> str:
    """`text` with each outermost block of `kind` replaced by `replace(its content)`. Marker lines
    inside a block are dropped from its content (a deferred block inside an HTML block was taken
    out by the first pass, so only its slot is left there); markers of the other kind outside any
    block of `kind` are left for the pass of their kind."""
    parts: list[str] = []
    depth, copied, opened = 0, 0, 0
    for marker in _MARKER.finditer(text):
        if marker.group(2) != kind:
            continue
        if marker.group(1) != "/":
            if depth == 0:
                parts.append(text[copied:marker.start()])
                opened = marker.end() + 1  # the content starts after the marker's line
            depth += 1
            continue
        if depth == 0:
            raise UnbalancedMarkers(f"{marker.group(0)} at offset {marker.start()} closes no block")
        depth -= 1
        if depth == 0:
            content = text[opened:max(opened, marker.start() - 1)]
            parts.append(replace(_MARKER_LINE.sub("", content) if "<!--/" in content else content))
            copied = marker.end()
    if depth:
        raise UnbalancedMarkers(f"a {kind} block opened at offset {opened} is not closed")
    parts.append(text[copied:])
    return "".join(parts)
