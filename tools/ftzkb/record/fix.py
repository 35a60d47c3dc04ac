"""`ftzkb validate --fix`: apply the fixers the rules declare, re-validate, and write through the
one writer (`record.writes`), every changed file in one transaction.

Fixes are computed in rounds (a full-width colon must be repaired before the schema can see the
date below it): each round validates the corpus with the texts fixed so far, asks each fixable
finding's fixer for its change, and applies them in memory. A file's new text is kept only if it
has no more errors than before. Nothing is written with `dry_run`; the plan shows the diff.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb.diagnostics import ERROR, Diagnostic
from ftzkb.record.writes import WriteRefused, writing
from ftzkb.rules.fixing import Fix, applied, fix_for
from ftzkb.rules.validate import Report, fix_target, validate

MAX_ROUNDS = 5


@dataclass
class FixPlan:
    root: Path
    before: Report  # the corpus as it is
    after: Report  # the corpus re-validated with the new texts (the same as before while there are none)
    originals: dict[Path, str] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)  # path -> new text, for changed files only
    fixed: list[Diagnostic] = field(default_factory=list)  # the findings the fixes repaired

    def diff(self) -> str:
        chunks: list[str] = []
        for path, text in sorted(self.texts.items()):
            shown = _shown(path, self.root)
            chunks.extend(difflib.unified_diff(self.originals[path].splitlines(keepends=True),
                                               text.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"))
        return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


def plan_fixes(root: Path, paths: Iterable[Path] = ()) -> FixPlan:
    """What `--fix` would change (computed, not written)."""
    root, paths = Path(root), list(paths)
    report = validate(root, paths)
    plan = FixPlan(root, before=report, after=report)
    rejected: set[Path] = set()
    for _ in range(MAX_ROUNDS):
        if not _one_round(plan, report, rejected):
            break
        report = validate(root, paths, overrides=plan.texts)
        if _drop_regressions(plan, report, rejected):
            report = validate(root, paths, overrides=plan.texts)
    plan.after = report
    still = {(d.file, d.rule, d.line) for d in report.diagnostics}
    plan.fixed = [d for d in plan.before.diagnostics if d.fixable and (d.file, d.rule, d.line) not in still]
    return plan


def _one_round(plan: FixPlan, report: Report, rejected: set[Path]) -> bool:
    """Apply this round's fixes in memory; True if some text changed."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in report.diagnostics:
        if diagnostic.fixable:
            by_file[diagnostic.file].append(diagnostic)
    changed = False
    for shown, diagnostics in by_file.items():
        assert report.corpus is not None  # a full run (no stored verdict) always carries its corpus
        target = fix_target(report.corpus, shown, plan.texts)
        if target is None or target.path in rejected:
            continue
        fixes: list[Fix] = [f for f in (fix_for(target, d) for d in diagnostics) if f is not None]
        new = applied(target, fixes)
        if new != target.text:
            plan.originals.setdefault(target.path, target.text)
            plan.texts[target.path] = new
            changed = True
    return changed


def _drop_regressions(plan: FixPlan, report: Report, rejected: set[Path]) -> bool:
    """Drop a file's new text if it is worse than the file as it was (or is as it was)."""
    before, after = _problems_by_file(plan.before), _problems_by_file(report)
    dropped = False
    for path in list(plan.texts):
        shown = _shown(path, plan.root)
        if _worse(after.get(shown, []), before.get(shown, [])) or plan.texts[path] == plan.originals[path]:
            del plan.texts[path]
            rejected.add(path)
            dropped = True
    return dropped


def _worse(after: list[Diagnostic], before: list[Diagnostic]) -> bool:
    """More errors than before; but a file that did not parse is better once it parses (its schema
    problems show only then), or once its first YAML problem is further down."""
    def unparsed(found: list[Diagnostic]) -> Diagnostic | None:
        return next((d for d in found if d.rule.startswith(("yaml-", "file-"))), None)

    was, now = unparsed(before), unparsed(after)
    if was is not None:
        return now is not None and now.line <= was.line
    return now is not None or _errors(after) > _errors(before)


def _errors(found: list[Diagnostic]) -> int:
    return sum(d.severity == ERROR for d in found)


def write_fixes(plan: FixPlan) -> int:
    """Write every changed file, or none (each must still be as it was read). Returns files written."""
    if not plan.texts:
        return 0
    from ftzkb.load.loader import kind_of

    clean = {d.file for d in plan.after.diagnostics if d.severity == ERROR}
    with writing(plan.root) as transaction:
        for path, text in plan.texts.items():
            kind = None if _shown(path, plan.root) in clean else kind_of(path)  # re-validated by the writer
            transaction.replace(path, text, kind, expected_original=plan.originals[path])
    return len(plan.texts)


def _problems_by_file(report: Report) -> dict[str, list[Diagnostic]]:
    found: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in report.diagnostics:
        found[d.file].append(d)
    return found


def _shown(path: Path, root: Path) -> str:
    from ftzkb.diagnostics import display_path

    return display_path(path, root)


__all__ = ["FixPlan", "WriteRefused", "plan_fixes", "write_fixes"]
