"""From a corpus directory to the site's files: load (the one loader), read the data
version from git, filter for the audience and render. No site generator is imported here;
`ftzkb.mkdocs_hook` hands the result to MkDocs.

Given a directory to write into (`spill`), the work is shared with a second process: it makes
the downloads and the API indexes and half of the case and carrier pages, while this one makes
the other half and the remaining pages; what it made is handed over as files on disk."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb.bench.synth import MARKER as SYNTHETIC_MARKER
from ftzkb.diagnostics import ERROR, Diagnostic
from ftzkb.load.audience import AUDIENCES, Views
from ftzkb.load.loader import load_corpus
from ftzkb.load.model import PUBLIC, Corpus
from ftzkb.load.version import DataVersion, data_version
from ftzkb.paths import default_corpus_root
from ftzkb.site.context import Site
from ftzkb.site.render import ALL_PRODUCERS, FILE_PRODUCERS, RECORD_PRODUCERS, SITE_PRODUCERS, make_site, produce
from ftzkb.site.version import case_history

AUDIENCE_ENV = "FTZKB_AUDIENCE"


class SiteDataError(Exception):
    """The corpus has errors (unreadable files, schema violations): no site is built from it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} data errors")
        self.diagnostics = diagnostics


class AudienceError(ValueError):
    pass


@dataclass
class Generated:
    files: dict[str, str | bytes | Path]  # content, or a file holding it
    version: DataVersion
    audience: str
    warnings: list[Diagnostic] = field(default_factory=list)


def is_synthetic(root: Path) -> bool:
    """A corpus that `ftzkb synth` wrote (it leaves a SYNTHETIC marker beside cases/)."""
    return (Path(root) / SYNTHETIC_MARKER).exists()


def audience_from_env() -> str:
    audience = os.environ.get(AUDIENCE_ENV, PUBLIC) or PUBLIC
    if audience not in AUDIENCES:
        raise AudienceError(f"{AUDIENCE_ENV}={audience!r}: expected one of {', '.join(AUDIENCES)}")
    return audience


def generate(root: Path | None = None, audience: str | None = None, spill: Path | None = None) -> Generated:
    site, version, audience, warnings = site_of(root, audience)
    if spill is None:
        return Generated(dict(produce(site, ALL_PRODUCERS)), version, audience, warnings)
    return Generated(_alongside(site, Path(spill)), version, audience, warnings)


def site_of(root: Path | None = None, audience: str | None = None) -> tuple[Site, DataVersion, str, list[Diagnostic]]:
    """The corpus at `root` as the site for `audience` sees it, its data version, the audience and
    the warnings of loading it. Raises SiteDataError if the corpus has errors."""
    root = Path(root) if root is not None else default_corpus_root()
    audience = audience or audience_from_env()
    if audience not in AUDIENCES:
        raise AudienceError(f"audience {audience!r}: expected one of {', '.join(AUDIENCES)}")
    loaded = load_corpus(root)
    errors = [d for d in loaded.diagnostics if d.severity == ERROR]
    if errors:
        raise SiteDataError(errors)
    site, version = site_from(root, loaded.corpus, audience)
    return site, version, audience, [d for d in loaded.diagnostics if d.severity != ERROR]


def site_from(root: Path, corpus: Corpus, audience: str, views: Views | None = None) -> tuple[Site, DataVersion]:
    """The site of a loaded corpus (of `root`), and its data version."""
    version = data_version(root, corpus)
    site = make_site(corpus, audience=audience, data_version=version.label, build_date=version.date,
                     history=case_history(root), synthetic=is_synthetic(root), views=views)
    return site, version


_SITE: Site | None = None  # what a forked worker renders from


def _alongside(site: Site, spill: Path) -> dict[str, str | bytes | Path]:
    """Half the record pages plus the site pages here; the other half plus the downloads and API
    indexes in a forked process, written into `spill`."""
    global _SITE
    _SITE = site.prepare()  # lookups built once, before the fork, for both processes
    try:
        if "fork" in multiprocessing.get_all_start_methods():
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
                written = pool.submit(_write_files, str(spill), 2)
                site.shard = (0, 2)
                paths = _written(spill, produce(site, SITE_PRODUCERS + RECORD_PRODUCERS)) + written.result()
        else:
            paths = _written(spill, produce(site, SITE_PRODUCERS + RECORD_PRODUCERS)) + _write_files(str(spill), 0)
    finally:
        _SITE = None
    # Files, not their content: the generator reads each page when it comes to it, so a site of
    # 20,000 cases is never all in memory at once.
    return {path: spill / path for path in paths}


def _write_files(spill: str, processes: int) -> list[str]:
    """In the worker: the files, and (when the work is shared) its share of the record pages."""
    producers = FILE_PRODUCERS
    if processes:
        _SITE.shard = (1, processes)
        producers += RECORD_PRODUCERS
    return _written(Path(spill), produce(_SITE, producers))


def _written(spill: Path, produced: Iterable[tuple[str, str | bytes]]) -> list[str]:
    """Each produced file written into `spill` as it comes; their paths."""
    written = []
    for path, content in produced:
        target = spill / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
        written.append(path)
    return written
