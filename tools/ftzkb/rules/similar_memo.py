"""The pairs of cases that read almost alike, worked out after an edit from what the last run
left instead of from scratch — the same pairs and the same scores, to the last bit.

Every score depends on every case (the inverse document frequencies), so an edit moves them all a
little. What the last run leaves (`similar-memo.bin` under `.ftzkb-cache/`) is each case's features,
the document frequencies and every pair whose cosine was at least a floor (0.6, below the 0.7 that
is reported). After an edit:

- The cases whose features changed, and every case holding a feature whose weight moved by more
  than `STRONG` (a rare feature whose count changed), are compared again with the whole corpus,
  through their distinctive features (as a full run does).
- Every other weight moved by a factor within 1 ± m, so the cosine of a pair of other cases moved
  by a factor within ((1 ± m)/(1 ∓ m))²: no pair below the floor can have risen past the floor
  times that factor. The kept pairs are scored again (with the new weights, as a full run scores
  them) where a weight of theirs changed, and kept as they are where none did.
- The floor that is still guaranteed rises by that factor; once it passes `MAX_FLOOR`, or when
  many cases changed, the run is a full one, which sets the floor back.

`tests/test_similar_memo.py` holds this to the full computation over sequences of generated edits.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftzkb.rules.similarity import (
    SimilarityIndex,
    case_features,
    cosine_of,
    distinctive_features,
    inverse_frequency,
    rare_limit,
    weighed,
)

if TYPE_CHECKING:
    from ftzkb.load.model import Case

MEMO_NAME = "similar-memo.bin"
FORMAT = 1
FLOOR = 0.6  # a full run keeps every pair at or above this
MAX_FLOOR = 0.68  # a guaranteed floor above this (close to the reported 0.7): the next run is a full one
STRONG = 0.02  # a feature whose weight moved by more than this share: its cases are compared again
CHANGED_SHARE = 20  # more than 1/20 of the cases changed (and more than CHANGED_MIN): a full run
CHANGED_MIN = 50
_SOURCES = ("similarity.py", "similar_memo.py")

ScoredPair = tuple[str, str, float]  # first id < second id, exact cosine


@dataclass
class State:
    """What a run leaves for the next: marshal-able (lists, dicts, bytes, numbers), features as
    numbers into `vocab`, each case's numbers and counts as arrays of unsigned ints."""

    vocab: list[str]
    docs: dict[str, tuple[str, bytes, bytes]]  # case id -> (file key, feature numbers, counts)
    df: list[int]  # by feature number
    floor: float  # every pair at or above it is in `near`
    near: list[ScoredPair]

    def counts(self, case_id: str) -> dict[str, int]:
        _, numbers, counts = self.docs[case_id]
        vocab = self.vocab
        return dict(zip([vocab[n] for n in _ints(numbers)], _ints(counts), strict=True))


@dataclass
class Outcome:
    pairs: list[ScoredPair]  # at or above the floor asked for
    state: State
    full: bool


def duplicate_pairs(cases: Mapping[str, Case], threshold: float, root: Path | None) -> list[ScoredPair]:
    """Every pair of `cases` whose cosine is at least `threshold` (at least FLOOR), from the memo of
    the corpus at `root` where it can be used (None: caches off), which is then written again."""
    path = _memo_path(root)
    stored = _read(path) if path is not None else None
    outcome = update(cases, stored) if stored is not None else None
    if outcome is None:
        outcome = full_run(cases)
    if path is not None:
        _write(path, outcome.state)
    return [pair for pair in outcome.pairs if pair[2] >= threshold]


def full_run(cases: Mapping[str, Case]) -> Outcome:
    features = {case_id: case_features(case) for case_id, case in cases.items()}
    pairs = sorted(SimilarityIndex(features).scored_pairs(FLOOR))
    vocab: list[str] = []
    number: dict[str, int] = {}
    df: list[int] = []
    docs = {}
    for case_id, counts in features.items():
        for feature in counts:
            if feature not in number:
                number[feature] = len(vocab)
                vocab.append(feature)
                df.append(0)
            df[number[feature]] += 1
        docs[case_id] = _doc(cases[case_id], counts, number)
    return Outcome(pairs, State(vocab, docs, df, FLOOR, pairs), full=True)


def update(cases: Mapping[str, Case], state: State) -> Outcome | None:
    """The pairs at or above the floor, from `state` and the cases that changed since; None when a
    full run is due (many changes, a floor risen too far, a state that does not fit)."""
    try:
        return _Update(cases, state).run()
    except (KeyError, IndexError, ValueError, TypeError):  # a state that does not fit these cases
        return None


class _Update:
    def __init__(self, cases: Mapping[str, Case], state: State) -> None:
        self.cases, self.state = cases, state
        self.total = len(cases)
        self.vocab = list(state.vocab)
        self.number = {feature: i for i, feature in enumerate(self.vocab)}
        self.df = list(state.df)
        self.docs = dict(state.docs)
        self.changed: dict[str, dict[str, int]] = {}  # case id -> its new counts
        self._counts: dict[str, dict[str, int]] = {}
        self._vectors: dict[str, dict[str, float]] = {}
        self._idf: dict[str, float] = {}

    def run(self) -> Outcome | None:
        removed = self.state.docs.keys() - self.cases.keys()
        self._find_changes()
        if len(self.changed) + len(removed) > max(CHANGED_MIN, self.total // CHANGED_SHARE):
            return None
        moved = self._count_again(removed)
        strong, most = self._weights_moved(moved)
        factor = ((1 + most) / (1 - most)) ** 2
        floor = self.state.floor * factor * (1 + 1e-9)  # the margin covers the rounding of the bound itself
        if floor > MAX_FLOOR:
            return None
        again = set(self.changed) | self._holding(strong)
        found = {(a, b): score for a, b, score in self._compared_again(again, floor)}
        weights_changed = moved if self.total == len(self.state.docs) else None  # None: every weight
        for a, b, score in self.state.near:
            if a in removed or b in removed or (a, b) in found or a in again or b in again:
                continue
            if weights_changed is None or self._holds_any(a, weights_changed) or self._holds_any(b, weights_changed):
                score = cosine_of(self._vector(a), self._vector(b))
            if score >= floor:
                found[(a, b)] = score
        pairs = [(a, b, score) for (a, b), score in sorted(found.items())]
        docs = {case_id: self.docs[case_id] for case_id in self.cases}
        return Outcome(pairs, State(self.vocab, docs, self.df, floor, pairs), full=False)

    def _find_changes(self) -> None:
        """The cases that are new or whose features are not those kept (a file changed elsewhere,
        an adoption added, keeps its features: only its key is updated)."""
        for case_id, case in self.cases.items():
            kept = self.docs.get(case_id)
            key = case.loaded.key
            if kept is not None and key and kept[0] == key:
                continue
            counts = dict(case_features(case))
            # the same features in the same order (the order of a vector's sums decides their last bit)
            if kept is not None and list(self.state.counts(case_id).items()) == list(counts.items()):
                self.docs[case_id] = (key, kept[1], kept[2])
                continue
            self.changed[case_id] = counts

    def _count_again(self, removed: Iterable[str]) -> set[int]:
        """Document frequencies after the changes; the numbers of the features whose count moved."""
        moved: Counter[int] = Counter()
        for case_id in [*removed, *self.changed]:
            if case_id in self.state.docs:
                for n in _ints(self.state.docs[case_id][1]):
                    moved[n] -= 1
        for case_id, counts in self.changed.items():
            for feature in counts:
                if feature not in self.number:
                    self.number[feature] = len(self.vocab)
                    self.vocab.append(feature)
                    self.df.append(0)
                moved[self.number[feature]] += 1
            self.docs[case_id] = _doc(self.cases[case_id], counts, self.number)
        for n, change in moved.items():
            self.df[n] += change
        return {n for n, change in moved.items() if change}

    def _weights_moved(self, moved: set[int]) -> tuple[set[int], float]:
        """The features whose weight moved by more than STRONG (their cases are compared again), and
        the largest move of any other (every weight, if the number of cases changed)."""
        before, after = len(self.state.docs), self.total
        candidates = moved if before == after else range(len(self.df))
        strong: set[int] = set()
        most = 0.0
        for n in candidates:
            old, new = self.state.df[n] if n < len(self.state.df) else 0, self.df[n]
            if not old or not new:  # a feature appearing or gone: only changed cases held it
                continue
            share = abs(inverse_frequency(after, new) / inverse_frequency(before, old) - 1)
            if share > STRONG:
                strong.add(n)
            else:
                most = max(most, share)
        return strong, most

    def _holding(self, features: set[int]) -> set[str]:
        if not features:
            return set()
        return {case_id for case_id, (_, numbers, _) in self.docs.items()
                if case_id in self.cases and not features.isdisjoint(_ints(numbers))}

    def _holds_any(self, case_id: str, features: set[int]) -> bool:
        return not features.isdisjoint(_ints(self.docs[case_id][1]))

    def _compared_again(self, again: set[str], floor: float) -> list[ScoredPair]:
        """Every pair with a case of `again` at or above `floor`, found through the distinctive
        features of that case, as a full run finds them."""
        limit = rare_limit(self.total)
        through = {case_id: distinctive_features(self._vector(case_id), self._df_of, limit, floor)
                   for case_id in again}
        wanted: dict[str, list[str]] = {feature: [] for features in through.values() for feature in features}
        self._postings(wanted)
        pairs: dict[tuple[str, str], float] = {}
        for case_id, features in through.items():
            for feature in features:
                for other in wanted[feature]:
                    if other == case_id:
                        continue
                    key = (case_id, other) if case_id < other else (other, case_id)
                    if key not in pairs:
                        pairs[key] = cosine_of(self._vector(key[0]), self._vector(key[1]))
        return [(a, b, score) for (a, b), score in pairs.items() if score >= floor]

    def _postings(self, wanted: dict[str, list[str]]) -> None:
        """The cases holding each wanted feature, in the order of the cases."""
        numbers = {self.number[f]: postings for f, postings in wanted.items()}
        if not numbers:
            return
        keys = set(numbers)
        for case_id in self.cases:
            for n in keys.intersection(_ints(self.docs[case_id][1])):
                numbers[n].append(case_id)

    def _df_of(self, feature: str) -> int:
        return self.df[self.number[feature]]

    def _vector(self, case_id: str) -> dict[str, float]:
        vector = self._vectors.get(case_id)
        if vector is None:
            counts = self.changed.get(case_id)
            if counts is None:
                counts = self.state.counts(case_id)
            for feature in counts:
                if feature not in self._idf:
                    self._idf[feature] = inverse_frequency(self.total, self._df_of(feature))
            vector = self._vectors[case_id] = weighed(counts, self._idf)
        return vector


def _doc(case: Case, counts: Mapping[str, int], number: Mapping[str, int]) -> tuple[str, bytes, bytes]:
    return (case.loaded.key, array("I", [number[f] for f in counts]).tobytes(), array("I", counts.values()).tobytes())


def _ints(raw: bytes) -> array:
    found = array("I")
    found.frombytes(raw)
    return found


def fingerprint() -> str:
    package = Path(__file__).parent
    digest = hashlib.blake2b(f"similar {FORMAT} {sys.version}".encode(), digest_size=16)
    for name in _SOURCES:
        digest.update((package / name).read_bytes())
    digest.update((package.parent / "textunits.py").read_bytes())
    return digest.hexdigest()


def _memo_path(root: Path | None) -> Path | None:
    from ftzkb.load.cache import cache_file

    return cache_file(root, MEMO_NAME) if root is not None else None


def _read(path: Path) -> State | None:
    from ftzkb.fsio import read_sealed

    try:
        stored: Any = read_sealed(path)
        if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint():
            return None
        vocab, docs, df, floor, near = (stored[k] for k in ("vocab", "docs", "df", "floor", "near"))
        if not (isinstance(vocab, list) and isinstance(docs, dict) and isinstance(df, list)
                and len(df) == len(vocab) and isinstance(floor, float) and FLOOR <= floor <= MAX_FLOOR
                and isinstance(near, list)):
            return None
        return State(vocab, docs, df, floor, near)
    except (ValueError, TypeError, KeyError):
        return None


def _write(path: Path, state: State) -> None:
    """Kept for the next run (in a read-only checkout, every run is a full one)."""
    from ftzkb.fsio import write_sealed

    write_sealed(path, {"fingerprint": fingerprint(), "vocab": state.vocab, "docs": state.docs, "df": state.df,
                        "floor": state.floor, "near": state.near})
