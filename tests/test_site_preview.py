"""`ftzkb site serve` as a contributor uses it: a real server on a copy of the repository's
corpus. An edited case is served by the quick lane (its page rendered alone), exactly as the
whole build that follows renders it; then the indexes follow; a new case is a whole build."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from ftzkb.paths import REPO_ROOT

pytestmark = pytest.mark.slow
INJECTED = re.compile(rb"<script>\s*var livereload.*?</script>", re.S)  # added by the server, not in the files


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return INJECTED.sub(b"", response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(what, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout  # a limit on waiting, not a measurement: the speed is ftzkb bench's
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "corpus"
    for name in ("cases", "carriers"):
        shutil.copytree(REPO_ROOT / name, root / name)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path)}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "ftzkb", "site", "serve", "--root", str(root), "--addr",
                                    f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/index.html"), timeout=300, step=0.5)
        yield root, f"http://127.0.0.1:{port}", log
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert not list(tmp_path.glob("ftzkb-preview-*")), "the server left its builds behind"


def test_an_edited_case_is_shown_at_once_and_the_whole_site_follows(server):
    root, url, log = server
    path = sorted((root / "cases").glob("*.yaml"))[0]
    page = f"{url}/cases/{path.stem}.html"
    assert "改过的标题" not in fetch(page).decode()
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^title: (.*)$", r"title: \1（改过的标题）", text, count=1, flags=re.M), "utf-8")

    quick = wait_for(lambda: (found := fetch(page)) and "改过的标题".encode() in found and found, timeout=120)
    assert "快速更新" in log.read_text("utf-8")  # the quick lane made it, not a whole build
    wait_for(lambda: "改过的标题".encode() in (fetch(f"{url}/cases/index.html") or b""), timeout=300)
    assert "整个站点已重建" in log.read_text("utf-8")
    assert fetch(page) == quick  # the whole build renders the page exactly as the quick lane did
    api = fetch(f"{url}/api/v1/cases/{path.stem}.json")
    assert api is not None and "改过的标题" in api.decode()


def test_a_new_case_is_a_whole_build(server):
    root, url, log = server
    source = sorted((root / "cases").glob("*.yaml"))[1]
    text = re.sub(r"^id: .*$", "id: preview-new-case", source.read_text("utf-8"), count=1, flags=re.M)
    (root / "cases" / "preview-new-case.yaml").write_text(text, "utf-8")
    wait_for(lambda: fetch(f"{url}/cases/preview-new-case.html"), timeout=300, step=0.2)
    assert "快速更新" not in log.read_text("utf-8")


def test_the_quick_lane_reads_the_corpus_a_fresh_load_reads(tmp_path, monkeypatch):
    """The quick lane loads only the changed files into the corpus it showed last: that corpus
    must be the one loading every file gives."""
    from ftzkb.load.loader import load_corpus
    from ftzkb.site.mkdocs_build import Preview, _environment

    root = tmp_path / "corpus"
    for name in ("cases", "carriers"):
        shutil.copytree(REPO_ROOT / name, root / name)
    base = tmp_path / "base"
    base.mkdir()
    behind: list[bool] = []
    monkeypatch.setattr(Preview, "_build_in_background", lambda self: behind.append(True))
    with _environment(root, "public"):
        preview = Preview(root, "public", base, f"127.0.0.1:{free_port()}")
        preview.start()
        case, carrier = sorted((root / "cases").glob("*.yaml"))[2], sorted((root / "carriers").glob("*.yaml"))[1]
        for path in (case, carrier):
            text = path.read_text("utf-8")
            path.write_text(re.sub(r"^(title|name): (.*)$", r"\1: \2（改）", text, count=1, flags=re.M), "utf-8")
        preview.rebuild()
        preview.stop()
    assert behind == [True]  # the quick lane ran, and asked for the whole build behind it
    fresh = load_corpus(root).corpus
    assert preview.corpus is not None
    assert preview.corpus.cases == fresh.cases and preview.corpus.carriers == fresh.carriers
    page = (preview.served / "cases" / f"{case.stem}.html").read_text("utf-8")
    assert "（改）" in page


def test_a_corpus_with_errors_is_refused_with_its_places_not_a_traceback(tmp_path):
    root = tmp_path / "corpus"
    for name in ("cases", "carriers"):
        shutil.copytree(REPO_ROOT / name, root / name)
    (root / "cases" / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "ftzkb", "site", "serve", "--root", str(root), "--addr",
                             f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cases/broken.yaml:" in result.stderr and "站点构建失败" in result.stderr
    assert not list(tmp_path.glob("ftzkb-preview-*"))
