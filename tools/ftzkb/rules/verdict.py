"""The verdict of the last full `ftzkb validate`, kept so that an unchanged corpus is answered at
the cost of reading it: the key hashes every data file's name and content together with the
code and schemas that judge them and today's date (`dates-plausible` refuses future dates), so
any change to a file, a rule, the loader or a schema, or a new day, makes a new key and a full
run. The stored answer is what that full run printed, item for item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ftzkb import journal
from ftzkb.diagnostics import Diagnostic
from ftzkb.fsio import atomic_replace
from ftzkb.load.cache import enabled as cache_enabled
from ftzkb.load.loader import Snapshot, data_file_name
from ftzkb.paths import SCHEMA_DIR, cache_dir

VERDICT_NAME = "verdict.json"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]
_JUDGES = ("load", "rules")  # the packages whose code decides what validate says
_JUDGE_MODULES = ("dates.py", "vocab.py", "diagnostics.py", "i18n.py", "suggest.py", "resolve.py", "textunits.py")


@cache  # the code does not change while it runs
def code_fingerprint() -> bytes:
    digest = hashlib.blake2b(f"verdict {FORMAT}".encode(), digest_size=16)
    files = sorted(SCHEMA_DIR.glob("*.json")) + [p for d in _JUDGES for p in sorted((_PACKAGE / d).rglob("*.py"))]
    files += [_PACKAGE / name for name in _JUDGE_MODULES if (_PACKAGE / name).exists()]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def corpus_key(root: Path, snapshot: Snapshot | None = None) -> str | None:
    """The hash of every data file (by name and content key) and of the judging code; None when a
    file cannot be read as data (a symlink out, a device, a file too large): then only a full run
    can say what is wrong."""
    snapshot = snapshot or Snapshot.read(Path(root))
    digest = hashlib.blake2b(code_fingerprint(), digest_size=20)
    digest.update(dt.date.today().isoformat().encode())  # a date in the future today may not be tomorrow
    for path, key in zip(snapshot.files, snapshot.keys, strict=True):
        if not key:
            return None
        digest.update(f"{data_file_name(path)}\0{key}\0".encode())
    return digest.hexdigest()


@dataclass
class Recalled:
    key: str | None  # None: caches are off, or a file cannot be read (see corpus_key)
    answer: tuple[list[Diagnostic], int] | None  # the stored diagnostics and file count, if the corpus is as judged
    snapshot: Snapshot | None = None  # the files as read for the key, for the loader


def recall(root: Path) -> Recalled:
    """The stored answer, if the corpus is as it was judged, and the files as read to know it."""
    journal.recover(root)  # an interrupted write is finished before anything is judged
    if not cache_enabled():  # FTZKB_NO_CACHE: every run is a full run
        return Recalled(None, None)
    snapshot = Snapshot.read(Path(root))
    key = corpus_key(root, snapshot)
    return Recalled(key, _stored_answer(root, key) if key else None, snapshot)


def _stored_answer(root: Path, key: str) -> tuple[list[Diagnostic], int] | None:
    try:
        stored = json.loads((cache_dir(Path(root)) / VERDICT_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    try:
        diagnostics = [Diagnostic(str(f), int(line), int(col), str(severity), str(rule), str(zh), str(en),
                                  fixable=bool(fixable))
                       for f, line, col, severity, rule, zh, en, fixable in stored["diagnostics"]]
        return diagnostics, int(stored["files_checked"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def remember(root: Path, key: str, diagnostics: list[Diagnostic], files_checked: int) -> None:
    items = [[d.file, d.line, d.col, d.severity, d.rule, d.zh, d.en, d.fixable] for d in diagnostics]
    text = json.dumps({"key": key, "files_checked": files_checked, "diagnostics": items}, ensure_ascii=False)
    directory = cache_dir(Path(root))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic_replace(directory / VERDICT_NAME, text.encode("utf-8"))
    except OSError:
        pass  # a read-only checkout still validates, only not faster next time
