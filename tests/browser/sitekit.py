"""What the site tests share: a test corpus (the repository's real cases and carriers, plus
hostile and internal records written for the tests), one real MkDocs build of it per session
and audience, a static server that serves a build under a sub-path, and a Chromium."""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import write_corpus
from ftzkb.paths import REPO_ROOT
from ftzkb.site.mkdocs_build import build_site

SUBPATH = "/kb/"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO_ROOT / "test-artifacts"

# Markers that only internal records hold: a public build must contain none of them anywhere.
SECRETS = ("机密甲案例", "机密乙做法", "机密丙备注", "机密丁载体", "机密戊记录", "机密己认定", "机密庚载体说明")
HOSTILE_ID = "hostile-xss-case"
HOSTILE_TITLE = '恶意输入测试<script>window.__ftzkbXss="title"</script><img src=x onerror="window.__ftzkbXss=\'img\'">'

HOSTILE_CASE = f"""\
id: {HOSTILE_ID}
title: '{HOSTILE_TITLE.replace("'", "''")}'
summary: '摘要<script>window.__ftzkbXss="summary"</script><b onmouseover="window.__ftzkbXss=1">粗</b>'
problem: |
  问题 {{: onclick="window.__ftzkbXss='attr'"}} <iframe src="https://evil.example/"></iframe>
measures: |
  1. [点我](javascript:window.__ftzkbXss='link') 与 [也点我](JaVaScRiPt:alert(1))
  2. ![图](https://evil.example/tracker.png) <a href="javascript:alert(2)">原始链接</a>
  3. <svg onload="window.__ftzkbXss='svg'"></svg> [数据](data:text/html,<script>alert(3)</script>)
origin:
  carrier: area-a
  started: "2021-03"
categories:
  - finance
tags:
  - '"><script>__ftzkbXss=1</script>'
sources:
  - title: 来源<script>window.__ftzkbXss="source"</script>
    url: https://example.org/"onmouseover="window.__ftzkbXss='url'"
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2022-05"
    note: 备注<img src=x onerror="window.__ftzkbXss='note'">
"""

INTERNAL_CASES = {
    "secret-whole-case": """\
id: secret-whole-case
title: 机密甲案例的标题
summary: 整个案例标为内部：机密甲案例。
origin:
  carrier: area-a
  started: "2022-01"
categories:
  - investment
audience: internal
sources:
  - title: 内部来源
    url: https://example.org/secret
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2023-01"
""",
    "public-with-secrets": """\
id: public-with-secrets
title: 含内部内容的公开案例
summary: 这个案例是公开的，但部分内容是内部的。
measures:
  text: 机密乙做法，不能出现在公开版。
  audience: internal
outcomes: 公开的成效。
origin:
  carrier: area-a
  started: "2021-06"
categories:
  - government
recognitions:
  - level: provincial-replication
    batch: 1
    date: "2022-03"
    note:
      text: 机密己认定说明
      audience: internal
sources:
  - title: 公开来源
    url: https://example.org/public
adoptions:
  - carrier: zone-b
    status: adopted
    date: "2022-04"
    note:
      text: 机密丙备注
      audience: internal
  - carrier: zone-c
    status: piloting
    date: "2022-08"
    note: 机密戊记录的备注
    audience: internal
  - carrier: secret-carrier
    status: adopted
    date: "2022-09"
""",
}

SECRET_CARRIER = """\
id: secret-carrier
name: 机密丁载体开发区
types:
  - national-etdz
province: 江苏
audience: internal
note: 机密庚载体说明
sources:
  - title: 测试来源
    url: https://example.org/secret-carrier
"""

TEST_CARRIERS = {"area-a": ("测试甲片区", "ftz-area"), "zone-b": ("测试乙经开区", "national-etdz"),
                 "zone-c": ("测试丙高新区", "national-htz")}


def write_site_corpus(root: Path) -> Path:
    """The real corpus plus the test records (hostile input, internal records) beside it."""
    write_corpus(root, {HOSTILE_ID: HOSTILE_CASE, **INTERNAL_CASES}, TEST_CARRIERS)
    for kind in ("cases", "carriers"):
        for path in (REPO_ROOT / kind).glob("*.yaml"):
            shutil.copy(path, root / kind / path.name)
    (root / "carriers" / "secret-carrier.yaml").write_text(SECRET_CARRIER, "utf-8")
    return root


_BUILDS: dict[str, Path] = {}


def built_site(tmp_path_factory, audience: str = "public") -> Path:
    """One real MkDocs build of the test corpus per audience and test session."""
    if audience not in _BUILDS:
        base = tmp_path_factory.mktemp(f"site-{audience}")
        corpus = write_site_corpus(base / "corpus")
        build_site(corpus, audience, base / "site")
        _BUILDS[audience] = base / "site"
    return _BUILDS[audience]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under SUBPATH only, as an intranet server would under /kb/, and the
    site's 404.html for any missing file (nginx: `error_page 404 /kb/404.html`)."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUBPATH):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(SUBPATH):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A threaded static server; yields the site's base URL (ending in /kb/)."""
    handler = functools.partial(_Handler, directory=str(directory))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUBPATH}"
    finally:
        server.shutdown()
        server.server_close()


def output_texts(site: Path) -> Iterator[tuple[str, str]]:
    """Every file of a build as text (XLSX and gzip members unpacked), for searching."""
    import gzip

    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        shown = str(path.relative_to(site))
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    yield f"{shown}!{member}", book.read(member).decode("utf-8", "replace")
        elif path.suffix == ".gz":
            yield shown, gzip.decompress(data).decode("utf-8", "replace")
        else:
            yield shown, data.decode("utf-8", "replace")
