"""Validation rules: one small module per rule, collected in a registry that knows each rule's
severity, scope, description and fixer.

A rule's scope says what it needs to judge a record:

- `case` / `carrier`: that one file alone. `check(record, report)` is called for each record of
  that kind (a rule may name both scopes). `record.adopt` judges an edit with the case rules alone.
- `corpus`: other files too (references, cycles, duplicates). `check(record, corpus, report)` is
  called for each record of the kinds it `reads`; a rule that compares all records at once
  computes that once in `prepare(corpus)`, and its check then receives what `prepare` returned.

A check calls `report(path, zh, en)` for each finding (`at_key=True` to point at the key rather
than the value, `severity=` to report a warning from an error rule, e.g. where partial dates make
a comparison undecidable, `place=(line, col)` for a finding about the text rather than a value);
the registry places it at file:line:col of `path` in the record's file.

A rule that can repair what it finds declares a fixer beside it with `@fixes(rule_id)` (in the
same module): `fixer(target, diagnostic) -> Fix | None`, computing the change from the same helper
the check uses. Problems found while reading a file (YAML, schema) are registered here too, from
the ids the loader and the schema explainer declare, so `ftzkb validate --list-rules`, the
fixers and the tests share one list.

What a check reads beyond the record it judges is declared as its `context(corpus)` (JSON-able:
the carriers' establishment dates, the ids that exist, today's date). A whole-corpus validate
then reuses a record's earlier verdict (`rules/memo.py`) while the record's file and the rule's
context are what they were and the record had no finding; a record with findings is judged
again (a finding's wording may name other records). A corpus rule without a context is always
run on every record.

A check that raises does not stop the others: it becomes one `internal-error` diagnostic naming
the rule and the file it was looking at, and the rule is not run on further files.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from ftzkb.diagnostics import ERROR, WARNING, Diagnostic, display_path

if TYPE_CHECKING:  # only for annotations: `ftzkb search` imports the similarity module below without the model
    from ftzkb.load.model import Carrier, Case, Corpus
    from ftzkb.load.yamlload import Path_
    from ftzkb.rules.fixing import Fix, FixTarget
    from ftzkb.rules.memo import Memo
    from ftzkb.rules.places import Places

CASE, CARRIER, CORPUS = "case", "carrier", "corpus"
KINDS = (CASE, CARRIER)
# Where a problem id comes from: a rule's check, or the loader (strict YAML) and the schema.
RULE_STAGE, YAML_STAGE, SCHEMA_STAGE, RUNNER_STAGE = "rule", "yaml", "schema", "runner"
INTERNAL_ERROR = "internal-error"


class Report(Protocol):
    """What a check calls for each finding (see above)."""

    def __call__(self, path: Path_, zh: str, en: str, *, at_key: bool = False, severity: str | None = None,
                 place: tuple[int, int] | None = None) -> None: ...


# `check(record, report)`, or `check(record, corpus or what prepare returned, report)` for a corpus rule.
Check = Callable[..., None]
Fixer = Callable[["FixTarget", Diagnostic], "Fix | None"]


class UnknownRule(ValueError):
    """`run_rules(only=…)` named an id the registry does not know (a renamed rule must not drop out silently)."""

    def __init__(self, unknown: Iterable[str]) -> None:
        self.ids = sorted(unknown)
        super().__init__(f"unknown rule id(s): {', '.join(self.ids)}")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    scope: frozenset[str]  # {"case"}, {"carrier"}, {"case", "carrier"} or {"corpus"}
    zh: str
    en: str
    check: Check | None = None  # None for the loader's and the schema's problems
    reads: tuple[str, ...] = ()  # the kinds of record the check is run on
    prepare: Callable[[Corpus], Any] | None = None
    stage: str = RULE_STAGE
    context: Callable[[Corpus], Any] | None = None  # what the check reads beyond its record (see above)

    @property
    def reusable(self) -> bool:
        """Whether an earlier verdict on an unchanged record may stand (see `rules/memo.py`)."""
        return CORPUS not in self.scope or self.context is not None

    @property
    def fixer(self) -> Fixer | None:
        return _FIXERS.get(self.id)

    @property
    def scope_label(self) -> str:
        return "+".join(s for s in (CASE, CARRIER, CORPUS) if s in self.scope)


_REGISTRY: dict[str, Rule] = {}
_FIXERS: dict[str, Fixer] = {}


def rule(rule_id: str, severity: str, zh: str, en: str, *, scope: str | tuple[str, ...],
         reads: tuple[str, ...] | None = None, prepare: Callable[[Corpus], Any] | None = None,
         context: Callable[[Corpus], Any] | None = None) -> Callable[[Check], Check]:
    """Register a rule. `zh`/`en` describe what it checks (for docs and `--list-rules`)."""
    scopes = frozenset((scope,) if isinstance(scope, str) else scope)
    assert severity in (ERROR, WARNING) and scopes and scopes <= {CASE, CARRIER, CORPUS}
    assert (CORPUS in scopes) == (reads is not None) and (CORPUS not in scopes or len(scopes) == 1)

    def register(check: Check) -> Check:
        assert rule_id not in _REGISTRY, f"rule id {rule_id} registered twice"
        kinds = tuple(reads) if reads is not None else tuple(k for k in KINDS if k in scopes)
        _REGISTRY[rule_id] = Rule(rule_id, severity, scopes, zh, en, check, kinds, prepare, context=context)
        return check

    return register


def fixes(*rule_ids: str) -> Callable[[Fixer], Fixer]:
    """Declare the fixer of a rule (or of a loader or schema problem), beside its check."""
    def register(fixer: Fixer) -> Fixer:
        for rule_id in rule_ids:
            _FIXERS[rule_id] = fixer
        return fixer

    return register


def _register_problems(stage: str, problems: dict[str, tuple[str, str]]) -> None:
    for problem_id, (zh, en) in problems.items():
        _REGISTRY.setdefault(problem_id, Rule(problem_id, ERROR, frozenset(KINDS), zh, en, stage=stage))


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every problem id `ftzkb validate` can report: the loader's, the schema's and the rules'."""
    from ftzkb.rules.problems import SCHEMA_PROBLEMS, YAML_PROBLEMS

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _register_problems(YAML_STAGE, YAML_PROBLEMS)
    _register_problems(SCHEMA_STAGE, SCHEMA_PROBLEMS)
    _register_problems(RUNNER_STAGE, {INTERNAL_ERROR: (
        "规则运行时出错（ftzkb 的缺陷，不是数据问题）",
        "a rule failed while running (a bug in ftzkb, not in the data)")})
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.id))


def rule_by_id(rule_id: str) -> Rule | None:
    return _by_id().get(rule_id)


@cache
def _by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def checks() -> tuple[Rule, ...]:
    """The rules that run over a loaded corpus (the loader and the schema run while loading)."""
    return tuple(r for r in all_rules() if r.check is not None)


def rules_for_scope(scope: str) -> frozenset[str]:
    """Ids of the rules that judge a record of this kind alone (`case`, `carrier`), or need the corpus."""
    return frozenset(r.id for r in checks() if scope in r.scope)


def run_rules(corpus: Corpus, only: Iterable[str] | None = None, memo: Memo | None = None,
              places: Places | None = None) -> Iterator[Diagnostic]:
    """The findings of the rules (all, or the ids in `only`; an unknown id raises UnknownRule).
    With a `memo`, unchanged records without findings are not judged again (see above); with
    `places`, findings in unchanged files are placed where the last run placed them."""
    selected = checks()
    if only is not None:
        wanted = set(only)
        if unknown := wanted - {r.id for r in all_rules()}:
            raise UnknownRule(unknown)
        selected = tuple(r for r in selected if r.id in wanted)
    for current in selected:
        yield from _run_one(current, corpus, memo if current.reusable else None, places)


def _records(corpus: Corpus, kinds: tuple[str, ...]) -> Iterator[Case | Carrier]:
    if CASE in kinds:
        yield from corpus.cases.values()
    if CARRIER in kinds:
        yield from corpus.carriers.values()


def _run_one(current: Rule, corpus: Corpus, memo: Memo | None = None, places: Places | None = None) -> list[Diagnostic]:
    """The rule's findings; with a `memo`, the records it vouches for are skipped and what this
    run found becomes the memo."""
    check = current.check
    assert check is not None  # only rules with a check are run
    clean = memo.clean(current, corpus) if memo is not None else set()
    found: list[Diagnostic] = []
    clean_now: list[str] = []
    context: Any = corpus
    prepared = current.prepare is None
    record: Case | Carrier | None = None
    keyed = memo.keyed(current.reads, lambda: _records(corpus, current.reads)) if memo is not None else \
        [(record, "") for record in _records(corpus, current.reads)]
    if clean:  # split apart in two comprehensions: at national scale, nearly every record is vouched for
        clean_now = [key for _, key in keyed if key in clean]
        keyed = [(record, key) for record, key in keyed if not key or key not in clean]
    try:
        for record, key in keyed:
            if not prepared and current.prepare is not None:  # prepared only when some record needs judging
                context, prepared = current.prepare(corpus), True
            here: list[Diagnostic] = []
            report = _reporter(current, record, corpus, here, places)
            if CORPUS in current.scope:
                check(record, context, report)
            else:
                check(record, report)
            found += here
            if key and not here:
                clean_now.append(key)
    except Exception as exc:
        found.append(_internal_error(current, record, corpus, exc))
        if memo is not None:
            memo.forget(current)
        return found
    if memo is not None:
        memo.keep(current, clean_now)
    return found


def _reporter(current: Rule, record: Case | Carrier, corpus: Corpus, found: list[Diagnostic],
              places: Places | None = None) -> Report:
    # The path is worked out only when there is something to report: resolving it for every
    # record under every rule cost more than the rules themselves at national scale.
    def report(path: Path_, zh: str, en: str, *, at_key: bool = False, severity: str | None = None,
               place: tuple[int, int] | None = None) -> None:
        loaded = record.loaded
        if place is None:
            place = places.of(loaded, path, at_key) if places is not None else \
                loaded.key_position(path) if at_key else loaded.position(path)
        line, col = place
        shown = display_path(record.path, corpus.root)
        found.append(Diagnostic(shown, line, col, severity or current.severity, current.id, zh, en))

    return report


def _internal_error(current: Rule, record: Case | Carrier | None, corpus: Corpus, exc: Exception) -> Diagnostic:
    shown = display_path(record.path, corpus.root) if record is not None else str(corpus.root)
    what = f"{type(exc).__name__}: {exc}"[:200]
    return Diagnostic(shown, 1, 1, ERROR, INTERNAL_ERROR,
                      f"规则“{current.id}”检查此文件时出错（{what}）：这是 ftzkb 的缺陷，不是数据问题；"
                      "其余规则照常运行",
                      f"rule '{current.id}' failed on this file ({what}): a bug in ftzkb, not in the data; "
                      "the other rules still ran")
