"""Full-text search of cases and carriers (whoosh index in `.ftzkb-cache/`), and similar-case detection.

    from ftzkb.search import search, Filters
    hits = search(root, "多式联运", Filters(category=("open-corridors",)), limit=5)

Importing this package is cheap: whoosh loads only when a search or an index build runs, and
`similarity` (used by `ftzkb validate`) never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .filters import Filters

if TYPE_CHECKING:
    from .query import Hit

__all__ = ["Filters", "search"]


def search(root: Path, query: str, filters: Filters | None = None, limit: int = 10) -> list[Hit]:
    """Ranked hits for `query` in the corpus at `root`, bringing the index up to date first.
    Raises query.QueryError for a query with nothing to search, index.IndexProblem when the
    index cannot be built."""
    from .query import run_search

    return run_search(Path(root), query, filters, limit).hits
