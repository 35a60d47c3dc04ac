"""Which records each rule last found nothing wrong with, so that a whole-corpus validate after
an edit judges again only what the edit can have changed.

A rule's verdict on a record depends on the record's file and on what the rule reads beyond it,
which the rule declares as its `context` (see `ftzkb.rules`). The memo keeps, per rule, a digest
of that context and the records (file name and content hash) the rule found nothing in; while
both are unchanged, the rule is not run on them again. Records with findings are always judged
again, so every finding is worded from the corpus as it is. Kept under `.ftzkb-cache/`, only
while the judging code is the same (the verdict's fingerprint), and not at all with
FTZKB_NO_CACHE=1.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftzkb.load.cache import cache_file
from ftzkb.load.loader import data_file_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ftzkb.load.model import Carrier, Case, Corpus
    from ftzkb.rules import Rule

MEMO_NAME = "rule-memo.bin"
_EARLIER_NAME = "rule-memo.json"  # what earlier versions kept: removed when this one is written


class Memo:
    def __init__(self, path: Path | None, fingerprint: str, stored: dict[str, tuple[str, set[str]]]) -> None:
        self.path, self.fingerprint, self.stored = path, fingerprint, stored
        self.kept: dict[str, tuple[str, list[str]]] = {}
        self._digests: dict[str, str] = {}
        self._keys: dict[int, str] = {}  # by id(record): the records outlive the memo
        self._keyed: dict[tuple[str, ...], list[tuple[Case | Carrier, str]]] = {}

    @classmethod
    def open(cls, root: Path) -> Memo | None:
        """The memo of this corpus (empty if there is none yet); None when caches are off."""
        path = cache_file(root, MEMO_NAME)
        if path is None:
            return None
        from ftzkb.rules.verdict import code_fingerprint

        fingerprint = code_fingerprint().hex()
        return cls(path, fingerprint, _read(path, fingerprint))

    def record_key(self, record: Case | Carrier) -> str:
        """The record's file (folder and name) and content hash; "" for a record not loaded from
        a file the loader hashed (then it is always judged). Worked out once per record."""
        key = self._keys.get(id(record))
        if key is None:
            content = record.loaded.key
            key = self._keys[id(record)] = f"{data_file_name(record.path)}\0{content}" if content else ""
        return key

    def keyed(self, kinds: tuple[str, ...],
              records: Callable[[], Iterable[Case | Carrier]]) -> list[tuple[Case | Carrier, str]]:
        """The records of these kinds with their keys, worked out once for every rule that reads them."""
        found = self._keyed.get(kinds)
        if found is None:
            found = self._keyed[kinds] = [(record, self.record_key(record)) for record in records()]
        return found

    def clean(self, rule: Rule, corpus: Corpus) -> set[str]:
        """The records this rule found nothing in last time, if its context is as it was then."""
        digest, records = self.stored.get(rule.id, ("", set()))
        return records if digest == self._digest(rule, corpus) else set()

    def keep(self, rule: Rule, clean: list[str]) -> None:
        """The records this run of the rule found nothing in."""
        self.kept[rule.id] = (self._digests[rule.id], sorted(clean))

    def forget(self, rule: Rule) -> None:
        self.kept.pop(rule.id, None)

    def save(self) -> None:
        """Written whole (what this run judged), atomically; not at all in a read-only checkout.
        Each rule's clean records are kept as the few records of the run it did not vouch for (at
        national scale nearly every record is clean under nearly every rule), in marshal's format."""
        if self.path is None:
            return
        from ftzkb.fsio import write_sealed

        judged = {key for _, clean in self.kept.values() for key in clean}
        keys = sorted(judged)
        number = {key: i for i, key in enumerate(keys)}
        rules = {rule_id: (digest, sorted(number[key] for key in judged.difference(clean)))
                 for rule_id, (digest, clean) in self.kept.items()}
        if write_sealed(self.path, (self.fingerprint, keys, rules)):
            (self.path.parent / _EARLIER_NAME).unlink(missing_ok=True)

    def _digest(self, rule: Rule, corpus: Corpus) -> str:
        if rule.id not in self._digests:
            context: Any = rule.context(corpus) if rule.context else None
            text = json.dumps(context, ensure_ascii=False, sort_keys=True, default=str)
            self._digests[rule.id] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        return self._digests[rule.id]


def _read(path: Path, fingerprint: str) -> dict[str, tuple[str, set[str]]]:
    from ftzkb.fsio import read_sealed

    try:
        written_by, keys, rules = read_sealed(path)
        if written_by != fingerprint:
            return {}
        judged = set(keys)
        return {rule_id: (str(digest), judged.difference(keys[i] for i in others))
                for rule_id, (digest, others) in rules.items()}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return {}
