"""Did-you-mean for unknown ids: nearest ids, and ids whose name matches."""

from __future__ import annotations

import difflib

from ..model import Corpus


def carrier_hint(corpus: Corpus, wrong: str) -> tuple[str, str]:
    by_name = [c.id for c in corpus.carriers.values()
               if wrong in (c.name, c.short_name, c.name_en) or (len(wrong) >= 2 and wrong in c.name)]
    near = by_name[:3] or difflib.get_close_matches(wrong, list(corpus.carriers), n=3, cutoff=0.6)
    return _hint(near)


def case_hint(corpus: Corpus, wrong: str) -> tuple[str, str]:
    by_title = [c.id for c in corpus.cases.values() if wrong == c.title or (len(wrong) >= 3 and wrong in c.title)]
    near = by_title[:3] or difflib.get_close_matches(wrong, list(corpus.cases), n=3, cutoff=0.6)
    return _hint(near)


def _hint(near: list[str]) -> tuple[str, str]:
    if not near:
        return "", ""
    return f"，是不是“{'”或“'.join(near)}”？", f"; did you mean {' or '.join(near)}?"
