"""The load cache: what loading a file found, keyed by a hash of the file's bytes.

Parsing, schema checks and the layout check cost milliseconds per file; at national
scale (thousands of cases) that is most of every command's run time. A file whose
bytes have not changed gives the same answers, so they are kept in one JSON file
under `.ftzkb-cache/` and reused. Entries are only trusted while the schemas and
the loading code are the ones that produced them (the fingerprint). Positions are
not kept: a record from the cache parses its text again only if a message needs one.
Set FTZKB_NO_CACHE=1 to neither read nor write it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftzkb.paths import SCHEMA_DIR, cache_dir

CACHE_NAME = "load-cache.json"
FORMAT = 1
# The code whose results are cached: a change to any of these invalidates the cache.
_SOURCES = ("yamlload.py", "schema.py", "layout.py", "loader.py", "cache.py")

Problem = list  # [rule, line, col, zh, en]


@dataclass
class FileFacts:
    data: Any = None
    error: Problem | None = None  # the file could not be loaded as YAML
    problems: list[Problem] = field(default_factory=list)  # schema problems, already placed
    canonical: bool | None = None  # layout verdict, for schema-valid files

    def as_list(self) -> list:
        return [self.data, self.error, self.problems, self.canonical]

    @classmethod
    def of_list(cls, items: list) -> FileFacts:
        return cls(*items)


def enabled() -> bool:
    return os.environ.get("FTZKB_NO_CACHE", "") in ("", "0")


def file_key(raw: bytes, kind: str) -> str:
    return hashlib.blake2b(raw, digest_size=16, person=kind.encode()[:16]).hexdigest()


def fingerprint() -> str:
    digest = hashlib.blake2b(f"format {FORMAT}".encode(), digest_size=16)
    package = Path(__file__).parent
    for path in [*sorted(SCHEMA_DIR.glob("*.json")), *(package / name for name in _SOURCES)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class LoadCache:
    def __init__(self, path: Path | None, entries: dict[str, list]) -> None:
        self.path, self.entries = path, entries
        self.used: set[str] = set()
        self.added = False

    @classmethod
    def open(cls, root: Path) -> LoadCache:
        if not enabled():
            return cls(None, {})
        path = cache_dir(root) / CACHE_NAME
        try:
            stored = json.loads(path.read_bytes())
            entries = stored["entries"] if stored.get("fingerprint") == fingerprint() else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def get(self, key: str) -> FileFacts | None:
        items = self.entries.get(key)
        if not isinstance(items, list) or len(items) != 4:
            return None
        self.used.add(key)
        return FileFacts.of_list(items)

    def put(self, key: str, facts: FileFacts) -> None:
        self.entries[key] = facts.as_list()
        self.used.add(key)
        self.added = True

    def save(self) -> None:
        """Keep the entries this run used; write only when something changed. A cache that cannot
        be written (read-only checkout) is simply not kept."""
        if self.path is None or (not self.added and self.used == self.entries.keys()):
            return
        from ftzkb.fsio import atomic_replace

        kept = {key: self.entries[key] for key in self.used}
        text = json.dumps({"fingerprint": fingerprint(), "entries": kept}, ensure_ascii=False, separators=(",", ":"))
        try:
            self.path.parent.mkdir(exist_ok=True)  # never creates a missing corpus root
            atomic_replace(self.path, text.encode("utf-8"))
        except OSError:
            pass
