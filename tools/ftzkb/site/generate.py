"""From a corpus directory to the site's files: load (the one loader), read the data
version from git, filter for the audience and render. No site generator is imported here;
`ftzkb.mkdocs_hook` hands the result to MkDocs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..audience import AUDIENCES
from ..diagnostics import ERROR, Diagnostic
from ..load import load_corpus
from ..model import PUBLIC
from ..paths import default_corpus_root
from .render import SiteFiles, render_site
from .version import DataVersion, case_history, data_version

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
    files: SiteFiles
    version: DataVersion
    audience: str
    warnings: list[Diagnostic] = field(default_factory=list)


def audience_from_env() -> str:
    audience = os.environ.get(AUDIENCE_ENV, PUBLIC) or PUBLIC
    if audience not in AUDIENCES:
        raise AudienceError(f"{AUDIENCE_ENV}={audience!r}: expected one of {', '.join(AUDIENCES)}")
    return audience


def generate(root: Path | None = None, audience: str | None = None) -> Generated:
    root = Path(root) if root is not None else default_corpus_root()
    audience = audience or audience_from_env()
    if audience not in AUDIENCES:
        raise AudienceError(f"audience {audience!r}: expected one of {', '.join(AUDIENCES)}")
    loaded = load_corpus(root)
    errors = [d for d in loaded.diagnostics if d.severity == ERROR]
    if errors:
        raise SiteDataError(errors)
    version = data_version(root, loaded.corpus)
    files = render_site(loaded.corpus, audience=audience, data_version=version.label, build_date=version.date,
                        history=case_history(root))
    return Generated(files, version, audience, [d for d in loaded.diagnostics if d.severity != ERROR])
