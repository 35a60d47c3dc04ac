"""Deferred blocks: the big generated HTML blocks of a page (tables, timelines, lists of
links) that need neither Markdown nor the search index.

A template wraps such a block in DEFER_START / DEFER_END lines. Any Markdown processor
passes the block through unchanged as raw HTML, so the page is complete as it stands; a
generator adapter may instead `take_out` the blocks before Markdown and `put_back` them
into the finished HTML. On a site of 5,000 cases that skips parsing most of its HTML
three times over (Markdown's raw-HTML pass, link checks, search indexing)."""

from __future__ import annotations

import re

DEFER_START = "<!--ftzkb:defer-->"
DEFER_END = "<!--/ftzkb:defer-->"
_BLOCK = re.compile(r"^<!--ftzkb:defer-->\n(.*?)\n<!--/ftzkb:defer-->$", re.MULTILINE | re.DOTALL)
_SLOT = re.compile(r"<!--ftzkb:slot:(\d+)-->")


def take_out(markdown: str) -> tuple[str, list[str]]:
    """The page with each deferred block replaced by a numbered slot, and the blocks."""
    blocks: list[str] = []

    def slot(match: re.Match) -> str:
        blocks.append(match.group(1))
        return f"<!--ftzkb:slot:{len(blocks) - 1}-->"

    return _BLOCK.sub(slot, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    return _SLOT.sub(lambda match: blocks[int(match.group(1))], html)
