"""The site baseline: plain MkDocs building the Markdown that ftzkb's renderer produces, with no
ftzkb hook, so that `site / site-plain-mkdocs` is the overhead ftzkb adds."""

from __future__ import annotations

from pathlib import Path


def prepare_plain_mkdocs(corpus: Path, where: Path) -> str | None:
    """Write `where/docs/` and `where/mkdocs.yml`; returns why it cannot, or None."""
    try:
        from ..site.mkdocs_build import export_plain_mkdocs
    except ImportError as exc:
        return f"ftzkb.site cannot export plain MkDocs yet ({exc})"
    export_plain_mkdocs(corpus, where)
    return None
