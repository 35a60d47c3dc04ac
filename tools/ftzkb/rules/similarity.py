"""How alike two cases read: cosine similarity of TF-IDF weighted character bigrams of their title
(counted twice), tags and summary. No index and no dictionary: `ftzkb validate` runs it over the
whole corpus, so it must stay cheap.

Finding the pairs above a threshold does not compare all pairs. A case looks for partners only
through its distinctive features: those few cases share (at most `rare_limit`), and only among
its rarer features, leaving out the commonest ones whose combined weight could not reach the
threshold on its own. A near-copy shares its distinctive words, so it is found; the scores of
the pairs found are then computed exactly. (`most_similar`, for one case, compares it with every
case sharing any feature.)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ftzkb.textunits import units

if TYPE_CHECKING:
    from ftzkb.load.model import Case

DUPLICATE_THRESHOLD = 0.7  # at or above: probably the same reform written up twice
TITLE_WEIGHT = 2  # the title is counted this many times


def rare_limit(cases: int) -> int:
    """Features shared by at most this many cases are distinctive enough to look partners up by."""
    return max(8, cases // 500)


def case_text(title: str, summary: str, tags: Iterable[str] = ()) -> str:
    return "\n".join([title] * TITLE_WEIGHT + [*tags, summary])


def features(text: str) -> Counter[str]:
    return Counter(units(text))


def case_features(case: Case) -> Counter[str]:
    return features(case_text(case.title, case.summary, case.tags))


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    score: float


def inverse_frequency(total: int, df: int) -> float:
    # log(1 + N/df) stays positive, so two cases in a tiny corpus still share weight.
    return math.log(1 + total / df)


def weighed(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """A document's TF-IDF vector, normalised (features in the order of `counts`)."""
    weights = {f: idf[f] if n == 1 else (1 + math.log(n)) * idf[f] for f, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {f: w / norm for f, w in weights.items() if w}


def cosine_of(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Of two normalised vectors; `a` and `b` in the order of their ids (the sum's order decides its last bit)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[f] for f, w in a.items() if f in b)


def distinctive_features(vector: Mapping[str, float], df: Callable[[str], int], limit: int,
                         threshold: float) -> list[str]:
    """The features through which a document's partners at or above `threshold` are found: those
    shared by at most `limit` documents, less the commonest of them while the weights squared of
    the rest (the tail) sum to less than threshold². A partner sharing none of them shares only
    tail features, so by Cauchy-Schwarz its cosine is below the threshold."""
    rare = [f for f in vector if df(f) <= limit]
    tail_mass = sum(w * w for f, w in vector.items() if df(f) > limit)
    if tail_mass < threshold * threshold:  # the tail reaches into the rare features: drop their commonest
        rare.sort(key=df, reverse=True)
        while rare and tail_mass + vector[rare[0]] ** 2 < threshold * threshold:
            tail_mass += vector[rare.pop(0)] ** 2
    return rare


class SimilarityIndex:
    """TF-IDF vectors of some documents (id -> features), normalised, with an inverted index."""

    def __init__(self, documents: dict[str, Counter[str]]) -> None:
        frequency: Counter[str] = Counter()
        for counts in documents.values():
            frequency.update(counts.keys())
        total = len(documents)
        self.idf = {feature: inverse_frequency(total, df) for feature, df in frequency.items()}
        self.vectors = {doc_id: weighed(counts, self.idf) for doc_id, counts in documents.items()}
        self.postings: dict[str, list[str]] = {}
        for doc_id, vector in self.vectors.items():
            for feature in vector:
                self.postings.setdefault(feature, []).append(doc_id)

    def cosine(self, first: str, second: str) -> float:
        return cosine_of(self.vectors[first], self.vectors[second])

    def most_similar(self, doc_id: str, limit: int = 10, minimum: float = 0.0) -> list[tuple[str, float]]:
        """The other documents sharing a feature with `doc_id`, best first, with exact scores."""
        scores: defaultdict[str, float] = defaultdict(float)  # Counter counts integers
        for feature, weight in self.vectors[doc_id].items():
            for other in self.postings[feature]:
                if other != doc_id:
                    scores[other] += weight * self.vectors[other][feature]
        ranked = sorted(((other, round(score, 4)) for other, score in scores.items() if score >= minimum),
                        key=lambda pair: (-pair[1], pair[0]))
        return ranked[:limit]

    def pairs_above(self, threshold: float) -> Iterator[Pair]:
        """Every pair of documents whose cosine is at least `threshold` (each pair once)."""
        for first, second, score in self.scored_pairs(threshold):
            yield Pair(first, second, round(score, 4))

    def scored_pairs(self, threshold: float) -> Iterator[tuple[str, str, float]]:
        """(first id, second id, exact cosine), first < second, for every pair at or above `threshold`."""
        seen: set[tuple[str, str]] = set()
        for doc_id in self.vectors:
            for other in self._candidates(doc_id, threshold):
                key = (doc_id, other) if doc_id < other else (other, doc_id)
                if key in seen:
                    continue
                seen.add(key)
                score = self.cosine(*key)
                if score >= threshold:
                    yield key[0], key[1], score

    def _candidates(self, doc_id: str, threshold: float) -> set[str]:
        postings = self.postings
        found: set[str] = set()
        for feature in distinctive_features(self.vectors[doc_id], lambda f: len(postings[f]),
                                            rare_limit(len(self.vectors)), threshold):
            found.update(postings[feature])
        found.discard(doc_id)
        return found

_TARGET = "\x00target"  # the case being compared: never a real id, so it can sit beside one with its own id


def similar_cases(cases: Iterable[Case], target: Case, limit: int = 10,
                  minimum: float = 0.0) -> list[tuple[Case, float]]:
    """The cases most like `target` (itself, or the file it was loaded from, left out), best first."""
    here = target.path.resolve()
    others = {case.id: case for case in cases if case.path.resolve() != here}
    index = SimilarityIndex({**{case_id: case_features(case) for case_id, case in others.items()},
                             _TARGET: case_features(target)})
    return [(others[case_id], score) for case_id, score in index.most_similar(_TARGET, limit, minimum)]
