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
from pathlib import Path

from ftzkb import journal
from ftzkb.diagnostics import Diagnostic
from ftzkb.fsio import FileRefused, atomic_replace, read_regular
from ftzkb.load.cache import enabled as cache_enabled
from ftzkb.load.yamlload import MAX_FILE_BYTES
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, SCHEMA_DIR, cache_dir

VERDICT_NAME = "verdict.json"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]
_JUDGES = ("load", "rules")  # the packages whose code decides what validate says
_JUDGE_MODULES = ("dates.py", "vocab.py", "diagnostics.py", "i18n.py", "suggest.py", "resolve.py", "textunits.py")


def code_fingerprint() -> bytes:
    digest = hashlib.blake2b(f"verdict {FORMAT}".encode(), digest_size=16)
    files = sorted(SCHEMA_DIR.glob("*.json")) + [p for d in _JUDGES for p in sorted((_PACKAGE / d).rglob("*.py"))]
    files += [_PACKAGE / name for name in _JUDGE_MODULES if (_PACKAGE / name).exists()]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def corpus_key(root: Path) -> str | None:
    """The hash of every data file and of the judging code; None when a file cannot be read as
    data (a symlink out, a device, a file too large): then only a full run can say what is wrong."""
    digest = hashlib.blake2b(code_fingerprint(), digest_size=20)
    digest.update(dt.date.today().isoformat().encode())  # a date in the future today may not be tomorrow
    for dirname in (CARRIERS_DIRNAME, CASES_DIRNAME):
        folder = Path(root) / dirname
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = read_regular(path, MAX_FILE_BYTES, [folder])
            except FileRefused:
                return None
            digest.update(f"{dirname}/{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def recall(root: Path) -> tuple[str | None, tuple[list[Diagnostic], int] | None]:
    """(key, the stored diagnostics and file count if the corpus is as it was judged)."""
    journal.recover(root)  # an interrupted write is finished before anything is judged
    if not cache_enabled():  # FTZKB_NO_CACHE: every run is a full run
        return None, None
    key = corpus_key(root)
    if key is None:
        return None, None
    try:
        stored = json.loads((cache_dir(Path(root)) / VERDICT_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return key, None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return key, None
    try:
        diagnostics = [Diagnostic(str(f), int(line), int(col), str(severity), str(rule), str(zh), str(en),
                                  fixable=bool(fixable))
                       for f, line, col, severity, rule, zh, en, fixable in stored["diagnostics"]]
        return key, (diagnostics, int(stored["files_checked"]))
    except (KeyError, TypeError, ValueError, IndexError):
        return key, None


def remember(root: Path, key: str, diagnostics: list[Diagnostic], files_checked: int) -> None:
    items = [[d.file, d.line, d.col, d.severity, d.rule, d.zh, d.en, d.fixable] for d in diagnostics]
    text = json.dumps({"key": key, "files_checked": files_checked, "diagnostics": items}, ensure_ascii=False)
    directory = cache_dir(Path(root))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic_replace(directory / VERDICT_NAME, text.encode("utf-8"))
    except OSError:
        pass  # a read-only checkout still validates, only not faster next time
