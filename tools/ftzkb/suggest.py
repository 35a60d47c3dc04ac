"""Did-you-mean for unknown ids: nearest ids, and ids whose name matches."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from ftzkb.load.model import Corpus


def carrier_hint(corpus: Corpus, wrong: str) -> tuple[str, str]:
    named = [c.id for c in corpus.carriers.values() if wrong in (c.name, c.short_name, c.name_en)]
    if len(named) == 1:  # a carrier's name written where its id belongs: say exactly what to write
        return (f"：这里要写载体的 id，不是名称，请写成“{named[0]}”",
                f": write the carrier's id, not its name: '{named[0]}'")
    by_name = named or [c.id for c in corpus.carriers.values() if len(wrong) >= 2 and wrong in c.name]
    near = by_name[:3] or difflib.get_close_matches(wrong, list(corpus.carriers), n=3, cutoff=0.6)
    return _hint(near)


def case_hint(corpus: Corpus, wrong: str) -> tuple[str, str]:
    by_title = [c.id for c in corpus.cases.values() if wrong == c.title or (len(wrong) >= 3 and wrong in c.title)]
    near = by_title[:3] or difflib.get_close_matches(wrong, list(corpus.cases), n=3, cutoff=0.6)
    return _hint(near)


def id_hint(wrong: str, ids: Iterable[str]) -> tuple[str, str]:
    """Did-you-mean among bare ids (when only the file names are known): ids containing the
    input (`kunshan` → `kunshan-etdz`), else the nearest spellings."""
    ids = sorted(ids)
    containing = [i for i in ids if len(wrong) >= 3 and wrong in i]
    return _hint(containing[:3] or difflib.get_close_matches(wrong, ids, n=3, cutoff=0.6))


def _hint(near: list[str]) -> tuple[str, str]:
    if not near:
        return "", ""
    return f"，是不是“{'”或“'.join(near)}”？", f"; did you mean {' or '.join(near)}?"


def hint_among(wrong: str, choices: Mapping[str, Iterable[str]]) -> tuple[str, str]:
    """Did-you-mean over any ids with their names (vocabulary values and labels, carriers from an index)."""
    by_name = [key for key, names in choices.items()
               if len(wrong) >= 2 and any(wrong in name for name in names if name)]
    spelled = {key: key for key in choices} | {name: key for key, names in choices.items() for name in names if name}
    close = [spelled[s] for s in difflib.get_close_matches(wrong, list(spelled), n=6, cutoff=0.5)]
    return _hint(list(dict.fromkeys(by_name or close))[:3])
