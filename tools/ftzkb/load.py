"""Load a corpus directory (cases/ and carriers/) into the model, collecting
every problem as a diagnostic instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .diagnostics import ERROR, Diagnostic, display_path
from .model import Carrier, Case, Corpus
from .paths import CARRIERS_DIRNAME, CASES_DIRNAME
from .yamlload import LoadedYaml, YamlLoadError, load_yaml_file


@dataclass
class LoadResult:
    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.diagnostics)


def corpus_files(root: Path) -> list[Path]:
    return sorted((root / CARRIERS_DIRNAME).glob("*.yaml")) + sorted((root / CASES_DIRNAME).glob("*.yaml"))


def kind_of(path: Path) -> str:
    return "carrier" if path.parent.name == CARRIERS_DIRNAME else "case"


def load_corpus(root: Path, extra_files: Iterable[Path] = ()) -> LoadResult:
    """Load every case and carrier under `root` (plus `extra_files`, e.g. a new case
    being checked before it is moved into place)."""
    root = Path(root)
    files = corpus_files(root)
    files += [Path(p) for p in extra_files if Path(p).resolve() not in {f.resolve() for f in files}]
    result = LoadResult(Corpus(root=root), files=files)
    for path in files:
        record, problems = load_record(path, root)
        result.diagnostics.extend(problems)
        if isinstance(record, Case):
            result.corpus.cases.setdefault(record.id, record)
        elif isinstance(record, Carrier):
            result.corpus.carriers.setdefault(record.id, record)
    return result


def load_record(path: Path, root: Path | None = None) -> tuple[Case | Carrier | None, list[Diagnostic]]:
    shown = display_path(path, root)
    try:
        loaded = load_yaml_file(path)
    except YamlLoadError as exc:
        return None, [Diagnostic(shown, exc.line, exc.col, ERROR, exc.rule, exc.zh, exc.en)]
    return record_from_loaded(loaded, path, shown)


def record_from_loaded(loaded: LoadedYaml, path: Path, shown: str) -> tuple[Case | Carrier | None, list[Diagnostic]]:
    kind = kind_of(path)
    problems = [_placed(p, loaded, shown) for p in schema.check(kind, loaded.data)]
    if problems:
        return None, problems
    builder = Carrier if kind == "carrier" else Case
    return builder.of(loaded.data, path, loaded), []


def _placed(problem: schema.SchemaProblem, loaded: LoadedYaml, shown: str) -> Diagnostic:
    line, col = loaded.key_position(problem.path) if problem.at_key else loaded.position(problem.path)
    return Diagnostic(shown, line, col, ERROR, problem.rule, problem.zh, problem.en)
