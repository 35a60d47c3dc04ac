"""Fixers for schema problems whose message already knows the value to write: a date in another
shape (`2021.3`, `2021年3月`, an unquoted year → "2021-03"), a vocabulary label where its code
belongs (已复制 → adopted). The schema explainer (`load/schema.py`) computes that value for its
message; the fixer writes the same value."""

from __future__ import annotations

from ftzkb.diagnostics import Diagnostic

from . import fixes
from .fixing import Fix, FixTarget, ValueFix


@fixes("schema-date", "schema-enum")
def fix(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    problem = target.schema_problem(diagnostic)
    if problem is None or problem.fix is None:
        return None
    return ValueFix(problem.path, problem.fix)
