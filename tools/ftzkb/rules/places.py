"""Where the last run placed its findings, by the file's content key and the finding's path, so that
a finding in an unchanged file is placed without reading and parsing the file's text again.

A place (line, column) depends only on the file's bytes, the path in its data and the code that
finds it, so it is kept while the judging code is the same (the verdict's fingerprint). At national
scale most findings of a run are the same as the last run's (the similar-case warnings): placing
them meant reading and parsing hundreds of files again. Kept in `.ftzkb-cache/places.bin` with the
places this run used only; not at all with FTZKB_NO_CACHE=1.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ftzkb.load.cache import cache_file

if TYPE_CHECKING:
    from ftzkb.load.yamlload import LoadedYaml, Path_

PLACES_NAME = "places.bin"

Place = tuple[int, int]


class Places:
    def __init__(self, path: Path | None, fingerprint: bytes, stored: dict[tuple, Place]) -> None:
        self.path, self.fingerprint, self.stored = path, fingerprint, stored
        self.used: dict[tuple, Place] = {}

    @classmethod
    def open(cls, root: Path) -> Places:
        """This corpus's places (none yet, or caches off: every finding is placed from its file)."""
        from ftzkb.rules.verdict import code_fingerprint

        path = cache_file(root, PLACES_NAME)
        if path is None:
            return cls(None, b"", {})
        fingerprint = code_fingerprint()
        return cls(path, fingerprint, _read(path, fingerprint))

    def of(self, loaded: LoadedYaml, path: Path_, at_key: bool) -> Place:
        """Where the value (or, `at_key`, the key) at `path` is written in the file `loaded` came from."""
        if self.path is None or not loaded.key:  # a text not read from a hashed file: placed from it
            return _placed(loaded, path, at_key)
        key = (loaded.key, at_key, *path)
        place = self.stored.get(key) or _placed(loaded, path, at_key)
        self.used[key] = place
        return place

    def save(self) -> None:
        """The places this run used, written only if they differ from those read."""
        if self.path is not None and self.used != self.stored:
            from ftzkb.fsio import write_sealed

            write_sealed(self.path, (self.fingerprint, list(self.used.items())))


def _placed(loaded: LoadedYaml, path: Path_, at_key: bool) -> Place:
    return loaded.key_position(path) if at_key else loaded.position(path)


def _read(path: Path, fingerprint: bytes) -> dict[tuple, Place]:
    """The stored places; none if missing, damaged or written by other judging code."""
    from ftzkb.fsio import read_sealed

    stored = read_sealed(path)
    try:
        written_by, items = stored
        if written_by != fingerprint:
            return {}
        return {key: (int(line), int(col)) for key, (line, col) in items if isinstance(key, tuple)}
    except (ValueError, TypeError):
        return {}
