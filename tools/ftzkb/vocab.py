"""The controlled vocabularies, read from `schema/vocab.schema.json` (their one home)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from .i18n import pick
from .paths import SCHEMA_DIR

# The two values of the audience vocabulary that code branches on (a public build leaves out
# everything internal). Here, not in the model, so a command can offer them without loading it.
PUBLIC = "public"
INTERNAL = "internal"


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title_zh: str
    values: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    maps_from: dict[str, tuple[str, ...]]

    def label(self, value: str, lang: str | None = None) -> str:
        entry = self.labels.get(value)
        if entry is None:
            return value
        return pick(entry["zh"], entry["en"], lang)

    def __contains__(self, value: object) -> bool:
        return value in self.labels


@cache
def vocabularies() -> dict[str, Vocabulary]:
    defs = json.loads((SCHEMA_DIR / "vocab.schema.json").read_text("utf-8"))["$defs"]
    return {
        name: Vocabulary(
            name=name,
            title_zh=spec.get("title", name),
            values=tuple(spec["enum"]),
            labels=spec["x-labels"],
            maps_from={k: tuple(v) for k, v in spec.get("x-maps-from", {}).items()},
        )
        for name, spec in defs.items()
        if "x-labels" in spec
    }


def vocab(name: str) -> Vocabulary:
    return vocabularies()[name]


def label(vocabulary: str, value: str, lang: str | None = None) -> str:
    return vocab(vocabulary).label(value, lang)


def lookup(vocabulary: str, text: str) -> str | None:
    """The value meant by `text`: the value itself, or its Chinese or English label
    (officials' sheets say 已复制, not adopted). None when nothing matches."""
    entries = vocab(vocabulary)
    cleaned = text.strip()
    if cleaned in entries:
        return cleaned
    folded = cleaned.casefold()
    for value, labels in entries.labels.items():
        if cleaned == labels.get("zh") or folded == labels.get("en", "").casefold():
            return value
    return None
