"""A diagnostic is one finding about one place in one file, in both languages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .i18n import pick

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: str
    rule: str
    zh: str
    en: str
    fixable: bool = field(default=False, compare=False)  # `ftzkb validate --fix` can repair it

    def message(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)

    def as_text(self, lang: str | None = None) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity} {self.rule} {self.message(lang)}"

    def as_github(self, lang: str | None = None) -> str:
        level = "error" if self.severity == ERROR else "warning"
        text = self.message(lang).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} file={self.file},line={self.line},col={self.col},title={self.rule}::{text}"

    def as_dict(self, lang: str | None = None) -> dict:
        data = asdict(self)
        data["message"] = self.message(lang)
        return data


def display_path(path: Path, root: Path | None = None) -> str:
    """Paths in messages are relative to the corpus root when possible."""
    if root is not None:
        try:
            return str(_resolved_file(path).relative_to(_resolved(root) if root.is_absolute() else root.resolve()))
        except ValueError:
            pass
    return str(path)


@lru_cache(maxsize=64)
def _resolved(folder: Path) -> Path:
    # An absolute folder (the corpus root, cases/), asked for by every message of a run: resolved
    # once (a run does not move it). A relative one depends on the working directory, so it is
    # resolved each time.
    return folder.resolve()


def _resolved_file(path: Path) -> Path:
    """`path.resolve()`, the folder's part from `_resolved` (one lstat instead of one per part)."""
    if path.is_absolute() and path.name != ".." and not path.is_symlink():
        return _resolved(path.parent) / path.name
    return path.resolve()


def render(diagnostics: Iterable[Diagnostic], fmt: str, lang: str | None = None) -> str:
    items = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict(lang) for d in items], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.as_github(lang) for d in items)
    return "\n".join(d.as_text(lang) for d in items)
