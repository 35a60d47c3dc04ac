"""What corpus rules read beyond the record they judge, as their `context` (see `ftzkb.rules`):
small JSON-able summaries whose change makes a rule judge every record again."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ftzkb.load.model import Corpus


def carrier_ids(corpus: Corpus) -> list[str]:
    return sorted(corpus.carriers)


def known_ids(corpus: Corpus) -> list[list[str]]:
    """The carriers and the cases that exist: what decides whether a reference is known."""
    return [sorted(corpus.carriers), sorted(corpus.cases)]


def establishment_dates(corpus: Corpus) -> dict[str, str | None]:
    return {carrier.id: carrier.established for carrier in corpus.carriers.values()}
