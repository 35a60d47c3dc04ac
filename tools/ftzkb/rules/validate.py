"""`ftzkb validate`: strict loading, schema checks and the rule registry, over a corpus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ftzkb.diagnostics import ERROR, WARNING, Diagnostic, display_path
from ftzkb.gitrepo import GitError, checked_revision, git
from ftzkb.load.loader import load_corpus
from ftzkb.load.model import Corpus
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.rules import run_rules


class UsageError(Exception):
    """A problem with how validate was called (exit code 2)."""


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(d.severity == ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def validate(root: Path, paths: Iterable[Path] = (), changed_since: str | None = None) -> Report:
    root = Path(root)
    explicit = expand_paths(paths)
    if not explicit and not (root / CASES_DIRNAME).is_dir() and not (root / CARRIERS_DIRNAME).is_dir():
        raise UsageError(f"{root} 下没有 cases/ 或 carriers/ 目录 / {root} has no cases/ or carriers/ directory")
    result = load_corpus(root, extra_files=explicit)
    diagnostics = result.diagnostics + list(run_rules(result.corpus))
    selected = None
    if explicit:
        selected = {display_path(p, root) for p in explicit}
    if changed_since:
        changed = changed_files(root, changed_since)
        selected = (selected or set()) | affected_files(result.corpus, changed, root)
    if selected is not None:
        diagnostics = [d for d in diagnostics if d.file in selected]
    checked = len(selected) if selected is not None else len(result.files)
    return Report(sorted(set(diagnostics)), checked)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.rglob("*.yaml")))
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"找不到文件或目录：{path} / no such file or directory: {path}")
    return files


def changed_files(root: Path, ref: str) -> set[Path]:
    """Files under cases/ and carriers/ that differ from `ref`, plus untracked ones."""
    root = Path(root).resolve()
    try:
        revision = checked_revision(ref)
        top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        diffed = git(root, "diff", "--name-only", "--end-of-options", revision, "--", CASES_DIRNAME,
                     CARRIERS_DIRNAME).split()
        untracked = git(root, "ls-files", "--others", "--exclude-standard", "--", CASES_DIRNAME,
                        CARRIERS_DIRNAME).split()
    except GitError as exc:
        raise UsageError(f"无法与 {ref} 比较：{exc.zh} / cannot compare with {ref}: {exc.en}") from None
    return {top / name for name in diffed} | {root / name for name in untracked}


def affected_files(corpus: Corpus, changed: set[Path], root: Path) -> set[str]:
    """Changed files plus every case that references a changed (or removed) id."""
    changed_ids = {p.stem for p in changed}
    shown = {display_path(p, root) for p in changed}
    for case in corpus.cases.values():
        referenced = {case.origin_carrier, *case.related, case.superseded_by}
        for adoption in case.adoptions:
            referenced |= {adoption.carrier, adoption.learned_from_carrier, adoption.learned_from_case}
        if referenced & changed_ids:
            shown.add(display_path(case.path, root))
    return shown
