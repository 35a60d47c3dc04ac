"""The one writer of data files. Every command that changes cases/ or carriers/ (adopt, sheet and
ledger imports, new, fmt, validate --fix) goes through `Transaction`:

    with writing(root) as transaction:        # the repository's write lock, held throughout
        text = read_current(path)             # read *after* taking the lock: no update is lost
        transaction.replace(path, new_text, kind="case", expected_original=text)

On leaving the block every new text is re-validated (strict YAML and the schema), every file is
checked to be as it was read (an editor may have saved it meanwhile), and then all files are
replaced together through the journal (`ftzkb.journal`): all or nothing, even under `kill -9`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb import journal
from ftzkb.fsio import FileRefused, create_exclusive
from ftzkb.load.yamlload import YamlLoadError, load_yaml_text
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME


class WriteRefused(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


_ABSENT = object()  # `expected_original` for a file that must not exist yet


@dataclass
class _Change:
    text: str
    kind: str | None
    expected: object  # the text read, _ABSENT, or None (no check)


@dataclass
class Transaction:
    root: Path
    changes: dict[Path, _Change] = field(default_factory=dict)

    def replace(self, path: Path, text: str, kind: str | None = None, expected_original: str | None = None) -> None:
        self.changes[Path(path)] = _Change(text, kind, expected_original)

    def create(self, path: Path, text: str, kind: str | None = None) -> None:
        self.changes[Path(path)] = _Change(text, kind, _ABSENT)

    def commit(self) -> int:
        """Check every change, then write them all (the caller holds the lock). Returns files written."""
        for path, change in self.changes.items():
            if change.kind is not None:
                _revalidate(change.text, change.kind, path)
            _check_unchanged(path, change.expected)
        files = {path: (change.text.encode("utf-8"), _mode(path)) for path, change in self.changes.items()}
        only = next(iter(self.changes)) if len(self.changes) == 1 else None
        if only is not None and self.changes[only].expected is _ABSENT:
            create_exclusive(only, files[only][0])  # the name must still be free at the last moment
        elif files:
            journal.commit(self.root, files)
        return len(files)


def root_of(path: Path) -> Path:
    """The repository a data file belongs to (the parent of its cases/ or carriers/), else its directory."""
    path = Path(path).absolute()
    if path.parent.name in (CASES_DIRNAME, CARRIERS_DIRNAME):
        return path.parent.parent
    return path.parent


@contextmanager
def writing(root: Path) -> Iterator[Transaction]:
    """Take the lock, finish any interrupted transaction, and commit what the block adds."""
    try:
        with journal.repository_lock(root):
            journal.recover_locked(Path(root))
            transaction = Transaction(Path(root))
            yield transaction
            transaction.commit()
    except FileRefused as exc:  # a lock timeout
        raise WriteRefused(exc.zh, exc.en) from None


def read_current(path: Path) -> str | None:
    """The file as it is now (bytes decoded, so CRLF line ends stay), or None if it is absent."""
    try:
        return Path(path).read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return None


def atomic_write(path: Path, text: str, kind: str | None = None, expected_original: str | None = None,
                 create_only: bool = False) -> None:
    """One file through the writer: its own transaction under its repository's lock."""
    with writing(root_of(path)) as transaction:
        if create_only:
            transaction.create(path, text, kind)
        else:
            transaction.replace(path, text, kind, expected_original)


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        current = os.umask(0)
        os.umask(current)
        return 0o666 & ~current


def _check_unchanged(path: Path, expected: object) -> None:
    current = read_current(path)
    if expected is _ABSENT:
        if current is not None or path.is_symlink():
            raise WriteRefused(f"{path} 已存在，未覆盖", f"{path} already exists; not overwritten")
    elif expected is not None and current != expected:
        raise WriteRefused(f"{path} 在读取后被修改过，未写入：请重新运行命令",
                           f"{path} changed on disk after it was read; nothing written: run the command again")


def _revalidate(text: str, kind: str, path: Path) -> None:
    from ftzkb.load import schema  # imported here: read-only commands never need jsonschema

    try:
        data = load_yaml_text(text).data
    except YamlLoadError as exc:
        raise WriteRefused(f"新内容无法解析（{exc.zh}），{path} 未改动", f"new content does not parse ({exc.en}); "
                           f"{path} unchanged") from None
    if schema.is_valid(kind, data):  # the fast check; the explaining one only when it fails
        return
    problems = list(schema.check(kind, data))
    if problems:
        first = problems[0]
        raise WriteRefused(f"新内容未通过校验：{first.zh}；{path} 未改动",
                           f"new content fails validation: {first.en}; {path} unchanged")
