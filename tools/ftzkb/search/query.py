"""Queries as officials type them, and running them against the index.

The syntax is forgiving: words separated by spaces must all match; `OR` (or `|`, 或) between two
words lets either match; `-word` or `NOT word` excludes; "quoted words" must occur exactly as
written; `field:word` searches one field (标题/title, 摘要/summary, 问题/problem, 做法/measures,
成效/outcomes, 标签/tags, 备注/note; 地点/place also searches the notes, which hold the origin
carrier's name). Nothing a user types raises an error: stray quotes close at the end, lone
operators are dropped, characters that are neither Han, Latin nor digits (emoji, symbols) are
ignored, over-long queries are cut. Each notice says what was done.

A Han word matches a field holding the bigrams that cover it (多式联运 needs 多式 and 联运, so
the compound and its part 联运 both work); bigrams that occur nowhere in the index are not
required (研发物品白名单 still finds 研发用物品进口“白名单”). Latin words also search the pinyin
of titles and tags. A query that then matches nothing is run again as "any of these words",
ranked by how many match, and its hits are marked partial. Hits holding a whole query word in
their title, tags or summary are ranked up.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.query import And, AndNot, Every, NullQuery, Or, Prefix, Query
from whoosh.query import Term as WTerm

from ftzkb.search.documents import LATIN_ONLY_FIELDS, PINYIN_FIELDS, SNIPPET_FIELDS, SOURCE_FIELDS, TEXT_FIELDS
from ftzkb.search.filters import Filters
from ftzkb.search.snippets import Snippet, best_snippet, needles, spans_in
from ftzkb.textunits import bigrams, fold, runs

if TYPE_CHECKING:
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

    from ftzkb.search.index import Progress

MAX_QUERY_CHARS = 200
CANDIDATES = 30  # hits re-ranked and checked for whole words and exact phrases, per search
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_en"), "标题": ("title", "title_en"), "题目": ("title", "title_en"),
    "名称": ("title", "title_en"), "summary": ("summary",), "摘要": ("summary",), "概要": ("summary",),
    "problem": ("problem",), "问题": ("problem",), "measures": ("measures",), "做法": ("measures",),
    "举措": ("measures",), "措施": ("measures",), "outcomes": ("outcomes",), "成效": ("outcomes",),
    "效果": ("outcomes",), "tags": ("tags",), "tag": ("tags",), "标签": ("tags",), "note": ("note",),
    "备注": ("note",), "place": ("note",), "地点": ("note",), "地区": ("note",),
    "sources": ("sources",), "source": ("sources",), "来源": ("sources",), "出处": ("sources",),
}
OR_WORDS = {"OR", "|", "||", "或"}
AND_WORDS = {"AND", "&", "&&", "+"}
NOT_WORDS = {"NOT", "!"}
NEGATION = ("-", "－", "!")
OPENING_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
_SPACE = re.compile(r"\s+")
_LEADING_MARKS = re.compile(r"^\W+")  # “关助融” sorts under g
_FIELD_PREFIX = re.compile(r"([^:：]+)[:：](.*)", re.S)
# Exact-occurrence bonus in re-ranking, per field where the whole Han word appears.
_EXACT_BONUS = {"title": 1.0, "tags": 0.6, "summary": 0.3}


class QueryError(Exception):
    """A query with nothing to search for (exit code 2)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


Notice = tuple[str, str]


@dataclass(frozen=True)
class Term:
    text: str
    fields: tuple[str, ...] | None = None  # None: every text field
    phrase: bool = False


@dataclass
class ParsedQuery:
    groups: list[list[Term]] = field(default_factory=list)  # all groups must match; any term of a group
    excluded: list[Term] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    score: float
    path: str
    origin: str | None = None
    origin_name: str | None = None
    categories: list[str] = field(default_factory=list)
    recognitions: list[str] = field(default_factory=list)
    status: str | None = None
    started: str | None = None
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    snippet: str = ""
    snippet_field: str = ""
    snippet_spans: list[tuple[int, int]] = field(default_factory=list)
    partial: bool = False  # holds only some of the words, or only parts of one
    missing: list[str] = field(default_factory=list)  # query words it does not hold whole
    matched_in: list[str] = field(default_factory=list)  # fields holding a whole query word
    only_in_sources: bool = False  # the words occur only in its sources' titles and publishers

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int  # hits found; with `complete` False, at least this many
    complete: bool = True
    partial: bool = False  # no hit holds every word
    full: int = 0  # hits (among those ranked) that hold every word whole
    notices: list[Notice] = field(default_factory=list)
    index: object = None  # the IndexReport of the freshness check


# --- parsing -----------------------------------------------------------------------------------


def _scan(text: str) -> list[tuple[str, bool]]:
    """Split into (word, quoted) pieces; `field:"..."` stays one piece."""
    pieces: list[tuple[str, bool]] = []
    word, i = "", 0
    while i < len(text):
        char = text[i]
        if char in OPENING_QUOTES:
            closing = text.find(OPENING_QUOTES[char], i + 1)
            end = len(text) if closing == -1 else closing
            quoted = text[i + 1:end]
            if word and word[-1] in ":：":
                pieces.append((word + quoted, True))
            else:
                if word:
                    pieces.append((word, False))
                pieces.append((quoted, True))
            word, i = "", end + 1
        elif char.isspace() or char in "”」』":
            if word:
                pieces.append((word, False))
            word, i = "", i + 1
        else:
            word, i = word + char, i + 1
    if word:
        pieces.append((word, False))
    return pieces


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        parsed.notices.append((f"检索词过长，只用了前 {MAX_QUERY_CHARS} 个字符",
                               f"the query is too long; only its first {MAX_QUERY_CHARS} characters were used"))
    negate_next = join_next = False
    dropped: list[str] = []
    for word, quoted in _scan(text):
        if not quoted and word.upper() in OR_WORDS | AND_WORDS | NOT_WORDS:
            join_next = word.upper() in OR_WORDS and bool(parsed.groups)
            negate_next = word.upper() in NOT_WORDS
            continue
        negated = negate_next or (not quoted and word.startswith(NEGATION) and len(word) > 1)
        if negated and not negate_next:
            word = word[1:]
        term = _term(word, quoted)
        if term is None:
            dropped.append(word)
        elif negated:
            parsed.excluded.append(term)
        elif join_next:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        negate_next = join_next = False
    _note_dropped(parsed, [w for w in dropped if w.strip(" -－!")])
    return parsed


def _term(word: str, quoted: bool) -> Term | None:
    fields = None
    prefix = _FIELD_PREFIX.fullmatch(word)
    if prefix and prefix.group(1).lower() in FIELD_ALIASES:
        fields, word = FIELD_ALIASES[prefix.group(1).lower()], prefix.group(2)
    word = _SPACE.sub(" ", word).strip()
    if not any(True for _ in runs(word)):
        return None
    return Term(word, fields, quoted)


def _note_dropped(parsed: ParsedQuery, dropped: list[str]) -> None:
    if dropped:
        shown = " ".join(dropped)[:40]
        parsed.notices.append((f"忽略了无法检索的内容：{shown}（只检索汉字、字母和数字）",
                               f"ignored what cannot be searched: {shown} (only Han characters, letters and digits)"))


# --- building whoosh queries --------------------------------------------------------------------


def _fields_of(term: Term, han: bool = True) -> tuple[str, ...]:
    if term.fields:
        return term.fields
    return tuple(f for f in TEXT_FIELDS if han is False or f not in LATIN_ONLY_FIELDS)


class UnionOr(Or):
    """An Or whose matcher walks the postings instead of first loading every match into arrays
    (whoosh's choice for small segments, and slow for common words)."""

    matcher_type = Or.DEFAULT_MATCHER


def _union(queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else UnionOr(queries)


def _run_clause(run_text: str, han: bool, fields: tuple[str, ...], reader: IndexReader,
                pinyin: bool) -> Query | None:
    """The query for one Han run or Latin word, or None when it cannot match anything."""
    if han and len(run_text) == 1:
        return _union([q for f in fields for q in (WTerm(f, run_text), Prefix(f, run_text))])
    units = bigrams(run_text) if han else [run_text]
    present = covering([u if any(reader.doc_frequency(f, u) for f in fields) else None for u in units])
    if not present:
        return _pinyin_clause(run_text) if pinyin and not han else None
    per_field = [And([WTerm(f, u) for u in present]) if len(present) > 1 else WTerm(f, present[0]) for f in fields
                 if all(reader.doc_frequency(f, u) for u in present)]
    if pinyin and not han:
        per_field.append(_pinyin_clause(run_text))
    per_field = [q for q in per_field if q is not None]
    return _union(per_field) if per_field else None


def covering(pairs: list[str | None]) -> list[str]:
    """Enough of a run's bigrams to cover each of its characters once (知识产权质押融资 → 知识 产权
    质押 融资, not all seven): as selective, and whoosh intersects half as many postings. None marks
    a bigram that occurs nowhere in the index, which is not required."""
    chosen, covered = [], set()
    for i, pair in enumerate(pairs):
        if pair is None:
            continue
        next_missing = i + 1 == len(pairs) or pairs[i + 1] is None
        if i not in covered or (i + 1 not in covered and next_missing):
            chosen.append(pair)
            covered |= {i, i + 1}
    return chosen


def _pinyin_clause(word: str) -> Query | None:
    if len(word) < 2 or not word.isalpha():
        return None
    return _union([Prefix(f, word, constantscore=False) for f in PINYIN_FIELDS])


def term_query(term: Term, reader: IndexReader) -> Query | None:
    """All runs of the term must match (多式lianyun = 多式 and lianyun); None if one cannot."""
    clauses = []
    for run in runs(term.text):
        clause = _run_clause(run.text, run.han, _fields_of(term, run.han), reader, pinyin=term.fields is None)
        if clause is None:
            return None
        clauses.append(clause)
    return clauses[0] if len(clauses) == 1 else And(clauses)


def strict_query(parsed: ParsedQuery, reader: IndexReader) -> Query:
    groups = []
    for group in parsed.groups:
        alternatives = [q for q in (term_query(t, reader) for t in group) if q is not None]
        if not alternatives:
            return NullQuery
        groups.append(_union(alternatives))
    positive = And(groups) if len(groups) > 1 else (groups[0] if groups else Every())
    return _without_excluded(positive, parsed, reader)


def _without_excluded(query: Query, parsed: ParsedQuery, reader: IndexReader) -> Query:
    excluded = [q for q in (term_query(t, reader) for t in parsed.excluded) if q is not None]
    return AndNot(query, _union(excluded)) if excluded else query


def loose_query(parsed: ParsedQuery, reader: IndexReader) -> Query | None:
    """Any word of the query, ranked by how many match (the fallback when nothing matches all)."""
    words = {(run.text, term.fields or tuple(TEXT_FIELDS)) for term in parsed.positive_terms
             for run in runs(term.text)}
    clauses = [WTerm(f, unit) for text, fields in sorted(words) for unit in (bigrams(text) or [text])
               for f in fields]
    clauses += [c for text, fields in sorted(words) if (c := _pinyin_clause(text)) is not None]
    if not clauses:
        return None
    return _without_excluded(Or(clauses, scale=0.9), parsed, reader)


# --- running -----------------------------------------------------------------------------------


def run_search(root: Path, text: str, filters: Filters | None = None, limit: int = 10,
               update: bool = True, progress: Progress | None = None) -> SearchResult:
    """Parse `text`, bring the index up to date (unless `update` is False), and search."""
    from ftzkb.search.index import ensure_index
    from ftzkb.search.reader import with_searcher

    filters = filters or Filters()
    parsed = parse_query(text or "")
    if parsed.empty and not filters.active:
        if parsed.notices:
            raise QueryError(*_nothing_searchable(parsed))
        raise QueryError("请输入检索词（或至少一个筛选条件）", "give words to search for (or at least one filter)")
    report = ensure_index(root, progress=progress) if update else None
    if report is not None and report.busy:
        parsed.notices.append(("检索索引正由另一个进程更新，结果可能不是最新的",
                               "another process is updating the search index; results may be out of date"))
    result = with_searcher(root, lambda searcher: _search(searcher, parsed, filters, limit), progress)
    result.notices = parsed.notices + result.notices
    result.index = report
    return result


def indexed_carriers(root: Path) -> dict[str, list[str]]:
    """Carrier id -> its names, from the index (so filters resolve names without loading the corpus)."""
    from ftzkb.search.index import ensure_index
    from ftzkb.search.reader import with_searcher

    ensure_index(root)
    def read(searcher: Searcher) -> dict[str, list[str]]:
        return {doc["id"]: [n for n in (*(doc.get("tags") or "").split("\n"), doc.get("title"), doc.get("title_en"))
                            if n] for doc in searcher.documents(kind="carrier")}

    return with_searcher(root, read)


def _nothing_searchable(parsed: ParsedQuery) -> Notice:
    zh, en = parsed.notices[-1]
    return f"没有可检索的内容。{zh}", f"nothing to search for. {en}"


def _search(searcher: Searcher, parsed: ParsedQuery, filters: Filters, limit: int) -> SearchResult:
    from ftzkb.search.filters import filter_query

    only = filter_query(filters)
    reader = searcher.reader()
    candidates = max(CANDIDATES, limit) if parsed.groups else None  # filters alone: all, to sort by title
    results = searcher.search(strict_query(parsed, reader), limit=candidates, filter=only)
    strict = True
    if results.is_empty() and parsed.groups and (loose := loose_query(parsed, reader)) is not None:
        results = searcher.search(loose, limit=candidates, filter=only)
        strict = False
    phrases = [t for t in parsed.positive_terms if t.phrase]
    wanted = needles(t.text for t in parsed.positive_terms)
    ranked = []
    for hit in results:
        stored = hit.fields()
        if phrases and not all(_has_phrase(stored, t) for t in phrases):
            continue
        ranked.append((hit.score * (1 + _exact_bonus(stored, parsed)), stored, judge(stored, parsed, strict)))
    if parsed.groups:  # whole words first, then hits found only in sources, then partial ones
        ranked.sort(key=lambda item: (item[2].rank, -item[0]))
    else:  # filters alone rank nothing: list by title, in pinyin order
        from ftzkb.collate import pinyin_key

        ranked.sort(key=lambda item: pinyin_key(_LEADING_MARKS.sub("", item[1].get("title", ""))))
    # else more matched than were ranked (counting them all would cost a second pass)
    complete = candidates is None or results.scored_length() < candidates
    hits = [_hit(stored, score, wanted, parsed, verdict) for score, stored, verdict in ranked[:limit]]
    full = sum(1 for *_, verdict in ranked if not verdict.partial)
    partial = bool(ranked) and not full and bool(parsed.groups)
    notices = [("没有完全匹配的结果；以下结果只包含部分检索词或词的一部分",
                "nothing holds every word whole; these hits hold some words or parts of them")] if partial else []
    return SearchResult(hits, len(ranked), complete=complete, partial=partial, notices=notices, full=full)


@dataclass(frozen=True)
class Verdict:
    """What a hit holds of the query: the words it lacks (held only in part, or not at all), the
    fields holding the words it has."""

    missing: tuple[str, ...]
    fields: frozenset[str]

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    @property
    def only_in_sources(self) -> bool:
        return bool(self.fields) and self.fields <= set(SOURCE_FIELDS)

    @property
    def rank(self) -> int:
        return 2 if self.partial else (1 if self.only_in_sources else 0)


def judge(stored: dict, parsed: ParsedQuery, strict: bool = True) -> Verdict:
    """A Han word counts only where a field holds it contiguously (跨境电商 is not in 跨境投资 …
    电商, though their bigrams are); a Latin word where it is a whole word — or, for a hit of the
    strict query, in the pinyin fields the index alone holds. One term of each OR group must count."""
    missing, where = [], set()
    for group in parsed.groups:
        found = [fields for term in group if (fields := _term_fields(stored, term, strict)) is not None]
        if not found:
            missing.append(" OR ".join(term.text for term in group))
        for fields in found:
            where |= fields
    return Verdict(tuple(missing), frozenset(where))


def _term_fields(stored: dict, term: Term, strict: bool) -> set[str] | None:
    """The fields holding each run of the term (None when one run is held nowhere)."""
    where: set[str] = set()
    texts = {f: fold(stored.get(f) or "") for f in _fields_of(term, han=False)}
    for run in runs(term.text):
        holding = {f for f, text in texts.items() if text and _holds(text, run.text, run.han)}
        if not holding and not run.han and (strict or _in_title_pinyin(stored, run.text)):
            holding = {"pinyin"}
        if not holding:
            return None
        where |= holding
    return where


def _holds(text: str, word: str, han: bool) -> bool:
    if han:
        return word in text
    return bool(spans_in(text, [word]))


def _in_title_pinyin(stored: dict, word: str) -> bool:
    from ftzkb.search.pinyin import pinyin_spans

    return word.isalpha() and bool(pinyin_spans(word, stored.get("title_syllables", "")))


def _has_phrase(stored: dict, term: Term) -> bool:
    wanted = fold(term.text)
    return any(wanted in fold(stored.get(f) or "") for f in _fields_of(term))


def _exact_bonus(stored: dict, parsed: ParsedQuery) -> float:
    """Hits holding a whole Han word of the query (not only its bigrams) rank higher."""
    words = [run.text for term in parsed.positive_terms for run in runs(term.text) if run.han and len(run.text) > 2]
    bonus = 0.0
    for word in words:
        for field_name, weight in _EXACT_BONUS.items():
            if word in fold(stored.get(field_name) or ""):
                bonus += weight / len(words)
    return bonus


def _hit(stored: dict, score: float, wanted: list[str], parsed: ParsedQuery, verdict: Verdict) -> Hit:
    title = stored.get("title", "")
    snippet = best_snippet(stored, wanted, SNIPPET_FIELDS) or Snippet("", "", ())
    return Hit(
        kind=stored["kind"], id=stored["id"], title=title, score=round(score, 4), path=stored.get("path", ""),
        origin=stored.get("origin"), origin_name=stored.get("origin_name"),
        categories=_split(stored.get("category")), recognitions=_split(stored.get("recognition")),
        status=stored.get("status"), started=stored.get("started"),
        title_spans=_title_spans(title, stored.get("title_syllables", ""), wanted, parsed),
        snippet=snippet.text, snippet_field=snippet.field, snippet_spans=list(snippet.spans), partial=verdict.partial,
        missing=list(verdict.missing), matched_in=sorted(verdict.fields), only_in_sources=verdict.only_in_sources)


def _title_spans(title: str, syllables: str, wanted: list[str], parsed: ParsedQuery) -> list[tuple[int, int]]:
    from ftzkb.search.pinyin import pinyin_spans

    spans = spans_in(title, wanted)
    for term in parsed.positive_terms:
        for run in runs(term.text):
            if not run.han and run.text.isalpha():
                spans += pinyin_spans(run.text, syllables)
    return sorted(set(spans))


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]
