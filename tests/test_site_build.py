"""Real MkDocs builds of the site (strict): audiences, reproducibility, links, intranet rules,
the generator adapter, and `ftzkb site build` on bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from browser.sitekit import HOSTILE_ID, SECRETS, built_site, output_texts, write_site_corpus
from conftest import minimal_case, write_corpus
from ftzkb.cli import main
from ftzkb.site.mkdocs_build import build_site, export_plain_mkdocs

pytestmark = pytest.mark.slow


def _tree(site: Path) -> dict[Path, bytes]:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory, "public")


def test_public_build_leaves_every_internal_text_out_of_every_file(site):
    assert (site / "cases" / "public-with-secrets.html").exists()
    found = [(path, secret) for path, text in output_texts(site)
             for secret in (*SECRETS, "secret-whole-case", "secret-carrier") if secret in text]
    assert found == []


def test_public_counts_do_not_reveal_internal_cases(site):
    import json

    index = json.loads((site / "api" / "v1" / "index.json").read_text("utf-8"))
    listed = json.loads((site / "api" / "v1" / "cases" / "index.json").read_text("utf-8"))
    assert index["counts"]["cases"] == len(listed) == len(list((site / "cases").glob("*.html"))) - 1


def test_two_builds_of_the_same_data_are_byte_identical(site, tmp_path):
    corpus = write_site_corpus(tmp_path / "corpus")
    build_site(corpus, "public", tmp_path / "again")
    first, second = _tree(site), _tree(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [str(p) for p in first if first[p] != second[p]] == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append((tag, name, value))


def _links(path: Path) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser.links


def test_every_internal_link_resolves_and_nothing_loads_from_another_host(site):
    broken, external = [], []
    for page in site.rglob("*.html"):
        for tag, attribute, value in _links(page):
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto"):
                if not (tag == "a" and attribute == "href"):
                    external.append((str(page.relative_to(site)), value))
                continue
            if parts.scheme or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(page.relative_to(site)), value))
    assert broken == []
    assert external == []  # scripts, styles, images, fonts: only from the site itself


def test_links_are_relative_so_the_site_works_under_a_sub_path(site):
    root_relative = [(str(p.relative_to(site)), v) for p in site.glob("cases/*.html") for _, _, v in _links(p)
                     if v.startswith("/")]
    assert root_relative == []


def test_case_and_carrier_pages_stay_out_of_the_navigation(site):
    home = (site / "index.html").read_text("utf-8")
    primary = home[home.index('md-nav--primary'):home.index('md-content')]
    assert re.findall(r'href="cases/(?!index)[^"]+"', primary) == []
    assert re.findall(r'href="carriers/(?!index)[^"]+"', primary) == []


class _Elements(HTMLParser):
    """Tags and attributes inside the page's <article> (the content, not the theme)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.found.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def test_hostile_case_is_inert_in_the_built_page(site):
    parser = _Elements()
    parser.feed((site / "cases" / f"{HOSTILE_ID}.html").read_text("utf-8"))
    tags = {tag for tag, _ in parser.found}
    assert tags and not tags & {"script", "iframe", "img", "svg", "object", "embed", "style"}
    for tag, attributes in parser.found:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        for name in ("href", "src"):
            value = (attributes.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attributes)
            assert "evil.example" not in value or tag == "a", (tag, attributes)


def test_a_build_shared_with_a_forked_copy_is_byte_identical_to_one_process(tmp_path, monkeypatch):
    """`ftzkb site build` shares a big build with a forked copy of itself (every second page off
    the navigation); forced on for this small corpus, every file, the search index included, must
    be what one process makes."""
    import json
    import os
    import sys

    from ftzkb.site.mkdocs_build import SHARE_ENV

    forked_by: list[str] = []  # the functions that forked: the hook's on_nav when it shares
    fork = os.fork

    def recorded_fork() -> int:
        forked_by.append(sys._getframe(1).f_code.co_name)
        return fork()

    monkeypatch.setattr(os, "fork", recorded_fork)
    corpus = write_site_corpus(tmp_path / "corpus")
    monkeypatch.setenv(SHARE_ENV, "off")
    build_site(corpus, "public", tmp_path / "alone")
    assert "on_nav" not in forked_by
    monkeypatch.setenv(SHARE_ENV, "1")
    build_site(corpus, "public", tmp_path / "shared")
    assert forked_by.count("on_nav") == 1
    alone, shared = _tree(tmp_path / "alone"), _tree(tmp_path / "shared")
    assert alone.keys() == shared.keys()
    assert [str(p) for p in alone if alone[p] != shared[p]] == []
    index = json.loads(shared[Path("search/search_index.json")])
    assert len({entry["location"].split("#")[0] for entry in index["docs"]}) > 100


@pytest.mark.parametrize("how", ["raises", "killed"])
def test_a_shared_build_whose_copy_fails_fails_with_a_message(tmp_path, monkeypatch, how):
    import os
    import signal

    import mkdocs.commands.build

    from ftzkb.site.mkdocs_build import SHARE_ENV, BuildFailed

    parent, real = os.getpid(), mkdocs.commands.build._build_page

    def failing_in_the_copy(*args, **kwargs):
        if os.getpid() != parent:
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("磁盘已满")
        return real(*args, **kwargs)

    monkeypatch.setattr(mkdocs.commands.build, "_build_page", failing_in_the_copy)
    monkeypatch.setenv(SHARE_ENV, "1")
    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a"), "b": minimal_case("b")})
    with pytest.raises(BuildFailed) as failed:
        build_site(corpus, "public", tmp_path / "out")
    assert "分担页面的构建进程失败" in str(failed.value)
    assert ("磁盘已满" if how == "raises" else "exit status -9 (signal 9)") in str(failed.value)


def test_blocks_taken_out_change_nothing_but_their_markers(tmp_path):
    """The hook lets HTML blocks bypass Markdown (and deferred ones search indexing too): plain
    MkDocs on the very same Markdown must give the same pages (but for the marker comments) and the
    same search index. The briefing nests one deferred block in another."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case(
        "a", "problem: 企业办事材料多、<跑腿>多。\nmeasures: |\n  1. **一站式**受理。\n  2. 并联审批。\n"
             "outcomes: 办理时间压缩 60%。\n"
             "adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: \"2021\"\n")})
    build_site(corpus, "public", tmp_path / "hooked")
    config = export_plain_mkdocs(corpus, tmp_path / "plain")
    build(load_config(config_file=str(config)))
    plain, hooked = tmp_path / "plain" / "site", tmp_path / "hooked"
    for page in ("cases/a.html", "carriers/zone-b.html", "briefings/zone-b.html", "index.html"):
        without_markers = re.sub(r"<!--/?ftzkb:(defer|html)-->\n", "", (plain / page).read_text("utf-8"))
        assert without_markers == (hooked / page).read_text("utf-8"), page
    import json

    def entries(site: Path) -> list[str]:
        data = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
        return sorted(json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in data["docs"])

    assert entries(plain) == entries(hooked)


def test_pages_and_deferred_blocks_wait_on_disk_not_in_memory(tmp_path, monkeypatch):
    """MkDocs reads every page before it writes one: the generated pages are handed over as files
    and each page's deferred blocks wait in a file until the page is written (a 20,000-case site
    would otherwise be in memory whole, twice)."""
    from types import SimpleNamespace

    from ftzkb import mkdocs_hook
    from ftzkb.site.generate import generate

    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a")})
    generated = generate(corpus, "public", spill=tmp_path / "spill")
    assert generated.files and all(isinstance(c, Path) and c.is_file() for c in generated.files.values())
    monkeypatch.setattr(mkdocs_hook, "_spill", [str(tmp_path / "spill")])
    page = SimpleNamespace(file=SimpleNamespace(src_uri="cases/a.md"))
    markdown = "前\n<!--ftzkb:defer-->\n<table><tr><td>大表</td></tr></table>\n<!--/ftzkb:defer-->\n后"
    left = mkdocs_hook.on_page_markdown(markdown, page)
    assert "大表" not in left and all(isinstance(v, Path) for v in mkdocs_hook._deferred.values())
    assert "<table><tr><td>大表</td></tr></table>" in mkdocs_hook.on_post_page(f"<p>{left}</p>", page)
    assert not mkdocs_hook._deferred


def _run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", "site", *args])


def test_build_command_refuses_a_missing_corpus(tmp_path):
    result = _run("build", "--root", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "not a corpus directory" in result.output


def test_build_command_refuses_to_empty_a_directory_that_is_not_a_site(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a")})
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    result = _run("build", "--root", str(corpus), "--out", str(tmp_path / "precious"))
    assert result.exit_code == 2 and (tmp_path / "precious" / "notes.txt").exists()
    result = _run("build", "--root", str(corpus), "--out", str(corpus))
    assert result.exit_code == 2


def test_build_command_reports_data_errors_with_their_place(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a"), "b": "id: b\ntitle: 缺少字段\n"})
    result = _run("build", "--root", str(corpus), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "cases/b.yaml:" in result.output and "Traceback" not in result.output


def test_build_command_builds_and_reports_in_json(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a")})
    result = _run("build", "--root", str(corpus), "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"pages":' in result.output and (tmp_path / "out" / "cases" / "a.html").exists()


def test_a_demo_built_from_synthetic_data_carries_a_banner_on_every_page(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a": minimal_case("a")})
    (corpus / "SYNTHETIC").write_text("ftzkb synth\n", "utf-8")
    build_site(corpus, "public", tmp_path / "demo")
    pages = sorted((tmp_path / "demo").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text("utf-8")
        assert "演示数据（合成），非真实案例" in html, page
        if page.name != "404.html":
            assert re.search(r"<title>[^<]*演示数据（合成），非真实案例", html), page
