from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ftzkb.rules import CASE, CORPUS, WARNING, Report, rule
from ftzkb.rules.similar_memo import duplicate_pairs
from ftzkb.rules.similarity import DUPLICATE_THRESHOLD

if TYPE_CHECKING:
    from ftzkb.load.model import Case, Corpus

Partners = dict[str, list[tuple[float, str]]]  # case id -> [(score, other case id)], best first


def acknowledged(first: Case, second: Case) -> bool:
    """Cases that already point at each other are known to be alike: related, successor, learned from."""
    return second.id in first.named_cases() or first.id in second.named_cases()


def similar_partners(corpus: Corpus) -> Partners:
    """case id -> [(score, other case id)], best first, for every unacknowledged pair above the
    threshold (after an edit, from the memo the last run left: `rules/similar_memo`)."""
    partners: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for first, second, exact in duplicate_pairs(corpus.cases, DUPLICATE_THRESHOLD, corpus.root):
        if not acknowledged(corpus.cases[first], corpus.cases[second]):
            score = round(exact, 4)
            partners[first].append((score, second))
            partners[second].append((score, first))
    return {case_id: sorted(found, key=lambda item: (-item[0], item[1])) for case_id, found in partners.items()}


@rule("similar-case", WARNING, "案例不应与另一个案例几乎相同（疑似同一改革重复提交）",
      "a case should not read almost the same as another case (likely the same reform submitted twice)",
      scope=CORPUS, reads=(CASE,), prepare=lambda corpus: (corpus, similar_partners(corpus)))
def check(case: Case, prepared: tuple[Corpus, Partners], report: Report) -> None:
    corpus, partners = prepared
    found = partners.get(case.id)
    if found:
        case_id = case.id
        (score, other_id), more = found[0], len(found) - 1
        other = corpus.cases[other_id]
        more_zh = f"；另有 {more} 个相似案例" if more else ""
        more_en = f"; {more} more similar cases" if more else ""
        report(("title",),
               f"与案例“{other_id}”（{other.title}）非常相似（相似度 {score:.2f}{more_zh}），可能是同一项改革重复提交："
               f"运行 ftzkb similar {case_id} 比较；若确为不同案例，请在 related 中列出对方",
               f"very similar to case '{other_id}' ({other.title}), similarity {score:.2f}{more_en}: possibly the "
               f"same reform submitted twice; compare with ftzkb similar {case_id}; if they differ, list the other "
               "case under related")
