"""`ftzkb validate`: strict loading, schema checks and the rule registry, over a corpus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ftzkb.diagnostics import ERROR, WARNING, Diagnostic, display_path
from ftzkb.load.loader import LoadResult, Snapshot, load_corpus, record_from_loaded
from ftzkb.load.model import Carrier, Case, Corpus
from ftzkb.load.yamlload import YamlLoadError, load_yaml_text
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.rules import run_rules
from ftzkb.rules.memo import Memo
from ftzkb.rules.places import Places

if TYPE_CHECKING:
    from ftzkb.rules.fixing import FixTarget


class UsageError(Exception):
    """A problem with how validate was called (exit code 2), said in Chinese and in English: the
    command shows the one asked for (`pick(exc.zh, exc.en)`)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    files_checked: int
    # None only for an answer from the stored verdict (`reuse_verdict`), which loads no corpus
    corpus: Corpus | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> int:
        return sum(d.severity == ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == WARNING for d in self.diagnostics)

    @property
    def fixable(self) -> int:
        return sum(d.fixable for d in self.diagnostics)

    def exit_code(self, strict: bool) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def validate(root: Path, paths: Iterable[Path] = (), changed_since: str | None = None,
             overrides: Mapping[Path, str] | None = None, reuse_verdict: bool = False,
             snapshot: Snapshot | None = None) -> Report:
    """Load, check the schema, run the rules; `overrides` (path -> text) are checked as if written
    (how `validate --fix` re-validates its fixes before writing them). With `reuse_verdict`, a
    whole-corpus run whose files and judging code are unchanged since the last one is answered
    from that run's stored verdict (`rules/verdict.py`; the report then carries no corpus)."""
    root = Path(root)
    explicit = expand_paths(paths)
    if not explicit and not (root / CASES_DIRNAME).is_dir() and not (root / CARRIERS_DIRNAME).is_dir():
        raise UsageError(f"{root} 下没有 cases/ 或 carriers/ 目录", f"{root} has no cases/ or carriers/ directory")
    whole = reuse_verdict and not explicit and not changed_since and not overrides
    if whole:
        from ftzkb.rules import verdict

        recalled = verdict.recall(root)
        if recalled.answer is not None:
            return Report(*recalled.answer)
        report = validate(root, snapshot=recalled.snapshot)
        if recalled.key is not None and not (recalled.snapshot and recalled.snapshot.drifted):
            verdict.remember(root, recalled.key, report.diagnostics, report.files_checked)
        return report
    result = load_corpus(root, extra_files=explicit, snapshot=snapshot)
    if overrides:
        _overlay(result, root, overrides)
    memo = None if explicit or overrides else Memo.open(root)  # the memo knows the corpus's own files only
    places = Places.open(root) if memo is not None else None
    diagnostics = result.diagnostics + list(run_rules(result.corpus, memo=memo, places=places))
    if memo is not None:
        memo.save()
    if places is not None:
        places.save()
    selected = None
    if explicit:
        selected = {display_path(p, root) for p in explicit}
    if changed_since:
        changed = changed_files(root, changed_since)
        selected = (selected or set()) | affected_files(result.corpus, changed, root)
    if selected is not None:
        diagnostics = [d for d in diagnostics if d.file in selected]
    checked = len(selected) if selected is not None else len(result.files)
    return Report(mark_fixable(sorted(set(diagnostics)), result.corpus, overrides or {}), checked, result.corpus)


def _overlay(result: LoadResult, root: Path, overrides: Mapping[Path, str]) -> None:
    """Replace the loaded records and problems of the overridden files by those of their new texts."""
    corpus = result.corpus
    for path, text in overrides.items():
        shown = display_path(path, root)
        result.diagnostics = [d for d in result.diagnostics if d.file != shown]
        here = Path(path).resolve()
        for table in (corpus.cases, corpus.carriers):
            for record_id in [k for k, r in table.items() if r.path.resolve() == here]:
                del table[record_id]
        try:
            loaded = load_yaml_text(text)
        except YamlLoadError as exc:
            result.diagnostics.append(Diagnostic(shown, exc.line, exc.col, ERROR, exc.rule, exc.zh, exc.en))
            continue
        record, problems = record_from_loaded(loaded, Path(path), shown)
        result.diagnostics.extend(problems)
        if isinstance(record, Case):
            corpus.cases.setdefault(record.id, record)
        elif isinstance(record, Carrier):
            corpus.carriers.setdefault(record.id, record)


def mark_fixable(diagnostics: list[Diagnostic], corpus: Corpus, overrides: Mapping[Path, str]) -> list[Diagnostic]:
    """The diagnostics, those a fixer can repair marked `fixable` (each file read once, only if needed)."""
    from ftzkb.rules import rule_by_id
    from ftzkb.rules.fixing import fix_for

    targets: dict[str, FixTarget | None] = {}
    marked = []
    for diagnostic in diagnostics:
        found = rule_by_id(diagnostic.rule)
        if found is None or found.fixer is None:
            marked.append(diagnostic)
            continue
        if diagnostic.file not in targets:
            targets[diagnostic.file] = fix_target(corpus, diagnostic.file, overrides)
        target = targets[diagnostic.file]
        fixable = target is not None and fix_for(target, diagnostic) is not None
        marked.append(replace(diagnostic, fixable=True) if fixable else diagnostic)
    return marked


def fix_target(corpus: Corpus, shown: str, overrides: Mapping[Path, str]) -> FixTarget | None:
    """A file as its fixers see it (its text as overridden, or as on disk), or None if unreadable."""
    from ftzkb.load.loader import kind_of
    from ftzkb.rules.fixing import FixTarget

    path = Path(shown) if Path(shown).is_absolute() else corpus.root / shown
    by_path = {Path(p).resolve(): text for p, text in overrides.items()}
    text = by_path.get(path.resolve())
    if text is None:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    return FixTarget(path, text, kind_of(path), corpus)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.rglob("*.yaml")))
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"找不到文件或目录：{path}", f"no such file or directory: {path}")
    return files


def changed_files(root: Path, ref: str) -> set[Path]:
    """Files under cases/ and carriers/ that differ from `ref`, plus untracked ones."""
    from ftzkb.gitrepo import GitError, checked_revision, git  # here: subprocess is slow to import

    root = Path(root).resolve()
    try:
        revision = checked_revision(ref)
        top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        diffed = git(root, "diff", "--name-only", "--end-of-options", revision, "--", CASES_DIRNAME,
                     CARRIERS_DIRNAME).split()
        untracked = git(root, "ls-files", "--others", "--exclude-standard", "--", CASES_DIRNAME,
                        CARRIERS_DIRNAME).split()
    except GitError as exc:
        raise UsageError(f"无法与 {ref} 比较：{exc.zh}", f"cannot compare with {ref}: {exc.en}") from None
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
