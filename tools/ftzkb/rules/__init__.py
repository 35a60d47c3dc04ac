"""Cross-file validation rules: one small module per rule, collected in a registry.

A rule is a function `check(corpus, report)` registered with `@rule(...)`. It calls
`report(record, path, zh, en)` for each finding; the registry turns that into a
Diagnostic at the file, line and column of `path` inside `record`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ftzkb.diagnostics import ERROR, WARNING, Diagnostic, display_path

if TYPE_CHECKING:  # only for annotations: `ftzkb search` imports the similarity module below without the model
    from ftzkb.load.model import Carrier, Case, Corpus

Report = Callable[..., None]
Check = Callable[["Corpus", Report], None]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    zh: str
    en: str
    check: Check


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, zh: str, en: str) -> Callable[[Check], Check]:
    """Register a rule. `zh`/`en` describe what it checks (for docs and `--list-rules`)."""
    assert severity in (ERROR, WARNING)

    def register(check: Check) -> Check:
        _REGISTRY[rule_id] = Rule(rule_id, severity, zh, en, check)
        return check

    return register


@cache
def all_rules() -> tuple[Rule, ...]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.id))


def run_rules(corpus: Corpus, only: set[str] | None = None) -> Iterator[Diagnostic]:
    for current in all_rules():
        if only is not None and current.id not in only:
            continue
        found: list[Diagnostic] = []

        def report(record: Case | Carrier, path: tuple, zh: str, en: str, *, at_key: bool = False,
                   _rule: Rule = current, _found: list[Diagnostic] = found) -> None:
            loaded = record.loaded
            line, col = loaded.key_position(path) if at_key else loaded.position(path)
            shown = display_path(record.path, corpus.root)
            _found.append(Diagnostic(shown, line, col, _rule.severity, _rule.id, zh, en))

        current.check(corpus, report)
        yield from found
