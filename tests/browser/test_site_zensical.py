"""The second engine: the same pages built by Zensical (`ftzkb site build --engine zensical`),
served under /kb/ and searched in Chromium, with the promises of the MkDocs build: Chinese and
pinyin search finds the right case first, nothing is loaded from another host, nothing internal
reaches the public build, and two builds of one corpus are byte-identical."""

from __future__ import annotations

import pytest

from ftzkb.site.zensical_build import build_site_zensical, zensical_command

from .sitekit import SECRETS, output_texts, serve, write_site_corpus
from .test_site_browser import SEARCHES, title_of

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(zensical_command() is None, reason="Zensical is not installed")]


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("zensical")
    corpus = write_site_corpus(base / "corpus")
    build_site_zensical(corpus, "public", base / "site")
    return corpus, base / "site"


@pytest.fixture(scope="module")
def zensical_url(zensical_site):
    with serve(zensical_site[1]) as url:
        yield url


def zensical_search(page, query: str) -> str:
    """Zensical's search dialog lives in a shadow root (Playwright's locators reach into it)."""
    page.locator(".md-search__button").first.click()
    field = page.locator("input[aria-controls]")
    field.wait_for()
    field.press_sequentially(query, delay=40)
    page.wait_for_function("""() => [...document.querySelectorAll('*')].some(e => e.shadowRoot &&
        e.shadowRoot.querySelector("a[href*='/cases/']"))""", timeout=10_000)
    return page.evaluate("""() => { for (const e of document.querySelectorAll('*')) {
        const a = e.shadowRoot && e.shadowRoot.querySelector("a[href*='/cases/']"); if (a) return a.href; } }""")


@pytest.mark.parametrize("query", [*SEARCHES, "dsly"])
def test_search_finds_the_right_case_first_with_zensical(page, zensical_url, query):
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url) if not request.url.startswith(
        (zensical_url, "data:", "blob:")) else None)
    page.goto(zensical_url)
    page.wait_for_load_state("networkidle")
    href = zensical_search(page, query)
    case_id = href.split("/cases/")[1].split(".html")[0]
    expected = SEARCHES.get(query)
    if expected:
        assert case_id == expected
    else:
        assert "多式联运" in title_of(case_id)
    assert foreign == []


def test_zensical_build_has_every_page_and_no_internal_text(zensical_site, tmp_path_factory):
    from .sitekit import built_site

    _corpus, site = zensical_site
    mkdocs = built_site(tmp_path_factory, "public")
    pages = {p.relative_to(mkdocs).as_posix() for p in mkdocs.rglob("*.html")}
    assert pages <= {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    leaks = [(path, secret) for path, text in output_texts(site) for secret in SECRETS if secret in text]
    assert leaks == []
    case = (site / "cases" / "public-with-secrets.html").read_text("utf-8")
    assert "nav class=\"md-path ftz-crumbs\"" in case and "assets/ftzkb/ftzkb.css" in case


def test_two_zensical_builds_are_byte_identical(zensical_site, tmp_path):
    corpus, site = zensical_site
    build_site_zensical(corpus, "public", tmp_path / "again")
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in (tmp_path / "again").rglob("*")
              if p.is_file()}
    assert first.keys() == second.keys()
    assert [str(p) for p in first if first[p] != second[p]] == []
