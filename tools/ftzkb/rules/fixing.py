"""What a fixer proposes, and the new text of a file once the proposals are applied — computed,
never written (`record/fix.py` writes, through the one writer).

A fix is one of:

- `ValueFix(path, value)`: the value at `path` becomes `value`; only that value's characters
  change (a block `|` text keeps its lines), written by the canonical writer's `scalar`;
- `TextFix(line, col, old, new)`: the characters `old` at line:col become `new` — for files that
  do not parse yet (a full-width colon after a key);
- `Rewrite(text)`: the whole file (the canonical layout).

Every result is read back: value fixes must give exactly the data intended, or they are dropped.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ftzkb.diagnostics import Diagnostic
from ftzkb.load.yamlload import LoadedYaml, Path_, YamlLoadError, event_paths, load_yaml_text, split_lines

if TYPE_CHECKING:
    from ftzkb.load.model import Corpus
    from ftzkb.load.schema import SchemaProblem

# The line breaks libyaml counts (its line and column numbers are what diagnostics give).


@dataclass(frozen=True)
class ValueFix:
    path: Path_
    value: Any


@dataclass(frozen=True)
class TextFix:
    line: int
    col: int
    old: str
    new: str


@dataclass(frozen=True)
class Rewrite:
    text: str


Fix = ValueFix | TextFix | Rewrite


@dataclass
class FixTarget:
    """One file as its fixers see it: its text, what it parses to (None if it does not), and the corpus."""

    path: Path
    text: str
    kind: str
    corpus: Corpus | None = None
    _problems: dict[tuple[str, int, int], SchemaProblem] | None = field(default=None, repr=False)

    @cached_property
    def loaded(self) -> LoadedYaml | None:
        try:
            return load_yaml_text(self.text)
        except YamlLoadError:
            return None

    @cached_property
    def _paths_by_place(self) -> dict[tuple[int, int], Path_]:
        """(line, col) -> the deepest path whose value starts there."""
        found: dict[tuple[int, int], Path_] = {}
        if self.loaded is not None:
            for path, place in self.loaded.value_marks.items():
                if len(path) >= len(found.get(place, ())):
                    found[place] = path
        return found

    def path_at(self, line: int, col: int) -> Path_:
        return self._paths_by_place.get((line, col), ())

    def value_at(self, path: Path_) -> Any:
        value: Any = self.loaded.data if self.loaded is not None else None
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def schema_problem(self, diagnostic: Diagnostic) -> SchemaProblem | None:
        """The schema's explanation of the problem this diagnostic reports (its `fix` is the check's own)."""
        if self._problems is None:
            self._problems = {}
            if self.loaded is not None:
                from ftzkb.load import schema

                for problem in schema.check(self.kind, self.loaded.data, self.loaded):
                    loaded = self.loaded
                    place = loaded.key_position(problem.path) if problem.at_key else loaded.position(problem.path)
                    self._problems.setdefault((problem.rule, *place), problem)
        return self._problems.get((diagnostic.rule, diagnostic.line, diagnostic.col))

    def lines(self) -> list[str]:
        return split_lines(self.text)


def fix_for(target: FixTarget, diagnostic: Diagnostic) -> Fix | None:
    """The fix the diagnostic's rule proposes, or None (no fixer, or this finding needs a person)."""
    from ftzkb.rules import rule_by_id

    found = rule_by_id(diagnostic.rule)
    fixer = found.fixer if found is not None else None
    if fixer is None:
        return None
    try:
        return fixer(target, diagnostic)
    except Exception:  # a fixer that fails proposes nothing: the finding stays for a person
        return None


def applied(target: FixTarget, fixes: list[Fix]) -> str:
    """The text with the fixes applied (a rewrite only when it is the one fix left); the text as it
    was if nothing applies cleanly."""
    text_fixes = [f for f in fixes if isinstance(f, TextFix)]
    value_fixes = [f for f in fixes if isinstance(f, ValueFix)]
    if text_fixes:
        return _apply_text(target.text, text_fixes)
    if value_fixes:
        return _apply_values(target, value_fixes)
    rewrites = [f for f in fixes if isinstance(f, Rewrite)]
    return rewrites[0].text if rewrites else target.text


def _apply_text(text: str, fixes: list[TextFix]) -> str:
    starts = [0]
    for written in split_lines(text):
        starts.append(starts[-1] + len(written))
    edits = []
    for fix in {(f.line, f.col, f.old, f.new) for f in fixes}:
        line, col, old, new = fix
        if line > len(starts) - 1:
            continue
        offset = starts[line - 1] + col - 1
        if text[offset:offset + len(old)] == old:
            edits.append((offset, offset + len(old), new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _apply_values(target: FixTarget, fixes: list[ValueFix]) -> str:
    if target.loaded is None:  # no value to change in a text that does not parse
        return target.text
    spans = _scalar_spans(target.text)
    intended = copy.deepcopy(target.loaded.data)
    edits, kept = [], []
    for fix in fixes:
        span = spans.get(fix.path)
        if span is None or not _set(intended, fix.path, fix.value):
            continue
        edits.append((*span[:2], _rendered(target.text, span, fix.value)))
        kept.append(fix)
    text = target.text
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    if _reads_as(text, intended):
        return text
    if len(kept) > 1:  # one of them does not fit: keep those that do, one at a time
        for fix in kept:
            single = _apply_values(target, [fix])
            if single != target.text:
                return single
    return target.text


def _set(data: Any, path: Path_, value: Any) -> bool:
    try:
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _reads_as(text: str, intended: Any) -> bool:
    try:
        return load_yaml_text(text).data == intended
    except YamlLoadError:
        return False


def _scalar_spans(text: str) -> dict[Path_, tuple[int, int, str]]:
    """path -> (start, end, style) of every scalar value, as character offsets into the text."""
    spans: dict[Path_, tuple[int, int, str]] = {}
    for event, path, is_key in event_paths(yaml.parse(text, Loader=yaml.CSafeLoader)):
        if not is_key and isinstance(event, yaml.ScalarEvent):
            start, end = event.start_mark, event.end_mark
            assert start is not None and end is not None  # the parser marks every event it emits
            spans[path] = (start.index, end.index, event.style or "")
    return spans


def _rendered(text: str, span: tuple[int, int, str], value: Any) -> str:
    from ftzkb.load.layout import scalar

    start, end, style = span
    if style not in ("|", ">") or not isinstance(value, str):
        return scalar(value)
    original = text[start:end]
    body = original.split("\n")
    content = [line for line in body[1:] if line.strip()]
    indent = (len(content[0]) - len(content[0].lstrip(" "))) if content else 2
    last = max((i for i, line in enumerate(body) if line.strip()), default=0)
    tail = "\n".join(body[last + 1:])  # the blank lines after the text stay
    if not _blockable(value):
        return scalar(value) + "\n" + tail
    header = "|\n" if value.endswith("\n") else "|-\n"
    lines = value[:-1].split("\n") if value.endswith("\n") else value.split("\n")
    return header + "".join((" " * indent + line if line else "") + "\n" for line in lines) + tail


def _blockable(value: str) -> bool:
    body = value[:-1] if value.endswith("\n") else value
    return bool(body) and not (body.endswith("\n") or body.startswith((" ", "\n")) or "\t" in body or "\r" in body
                               or any(line != line.rstrip() for line in body.split("\n")))
