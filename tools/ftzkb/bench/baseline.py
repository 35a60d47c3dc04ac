"""The site baseline: plain MkDocs building the Markdown that ftzkb's renderer produces, with no
ftzkb hook, so that `site / site-plain-mkdocs` is the overhead ftzkb adds."""

from __future__ import annotations

from pathlib import Path


def prepare_plain_mkdocs(corpus: Path, where: Path) -> str | None:
    """Write `where/docs/` and `where/mkdocs.yml`; returns why it cannot, or None."""
    return "ftzkb.site has no page renderer to export Markdown from yet"
