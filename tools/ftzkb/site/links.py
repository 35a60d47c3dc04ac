"""Where each page lives and how one page links to another.

Pages are Markdown sources (`cases/<id>.md`); the site serves them as `.html` files next
to each other (`use_directory_urls: false`). Links inside generated HTML are relative, so
the site works under any sub-path (`http://intranet/kb/`) without knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ftzkb.load.model import Corpus

HOME = "index.md"
CASES_INDEX = "cases/index.md"
CARRIERS_INDEX = "carriers/index.md"
AREAS = "areas.md"
MATRIX = "matrix.md"
FLOW = "flow.md"
STATS = "stats.md"
SCHEMA = "schema.md"
DOWNLOADS = "downloads.md"
COVERAGE = "coverage.md"
ABOUT = "about.md"
FEED = "feed.xml"
API = "api/v1"

# vocabulary -> folder of its index pages (one page per value plus index.md)
VOCAB_FOLDERS = {"category": "categories", "linkage": "linkage", "carrier_type": "carrier-types",
                 "recognition_level": "recognitions"}


def case_page(case_id: str) -> str:
    return f"cases/{case_id}.md"


def carrier_page(carrier_id: str) -> str:
    return f"carriers/{carrier_id}.md"


def vocab_page(vocabulary: str, value: str | None = None) -> str:
    return f"{VOCAB_FOLDERS[vocabulary]}/{value or 'index'}.md"


def briefing_page(carrier_id: str) -> str:
    return f"briefings/{carrier_id}.md"


def batch_page(key: str) -> str:
    return f"batches/{key}.md"


def url_of(src: str) -> str:
    """The served path of a source file: Markdown pages become .html, other files stay."""
    return src[:-3] + ".html" if src.endswith(".md") else src


@dataclass(frozen=True)
class Linker:
    """Relative hrefs from the page `here` (a source path) to other pages and files.
    Links to records the corpus does not hold come back as None (shown as plain text)."""

    here: str
    corpus: Corpus
    batch_keys: frozenset[str] = frozenset()

    @property
    def prefix(self) -> str:
        """From this page up to the site root ("" or "../" …)."""
        return "../" * self.here.count("/")

    def to(self, src: str, anchor: str | None = None) -> str:
        href = self.prefix + quote(url_of(src))
        return f"{href}#{anchor}" if anchor else href

    def case(self, case_id: str | None) -> str | None:
        return self.to(case_page(case_id)) if case_id in self.corpus.cases else None

    def carrier(self, carrier_id: str | None) -> str | None:
        return self.to(carrier_page(carrier_id)) if carrier_id in self.corpus.carriers else None

    def vocab(self, vocabulary: str, value: str | None = None) -> str:
        return self.to(vocab_page(vocabulary, value))

    def batch(self, key: str | None) -> str | None:
        return self.to(batch_page(key)) if key in self.batch_keys else None
