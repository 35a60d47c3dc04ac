"""Where things live: the repository, its schemas, and a corpus root."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# In a checkout (editable install) the schemas are the repository's own; an installed
# package (e.g. as a pre-commit hook in another repository) carries a copy.
SCHEMA_DIR = REPO_ROOT / "schema" if (REPO_ROOT / "schema").is_dir() else Path(__file__).parent / "schema"
CASES_DIRNAME = "cases"
CARRIERS_DIRNAME = "carriers"


def default_corpus_root() -> Path:
    """The corpus to work on: $FTZKB_ROOT, else the current directory if it holds
    cases/, else the repository this package belongs to."""
    env = os.environ.get("FTZKB_ROOT")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / CASES_DIRNAME).is_dir():
        return cwd
    return REPO_ROOT


def cache_dir(root: Path) -> Path:
    """Generated caches (search index, parse cache) live here, git-ignored."""
    return root / ".ftzkb-cache"
