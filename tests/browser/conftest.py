"""Fixtures of the browser tests: Debian's Chromium for pytest-playwright, the test site built
once per session and served under a sub-path, and a watch on every request and console error."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest

from .sitekit import CHROMIUM, CHROMIUM_ARGS, built_site, serve


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (run scripts/setup.sh --browser)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory):
    return built_site(tmp_path_factory, "public")


@pytest.fixture(scope="session")
def base_url(site_dir):
    with serve(site_dir) as url:
        yield url


class Watch:
    """Every request the page makes and every console error it logs."""

    def __init__(self, page, base_url: str) -> None:
        self.base = urlsplit(base_url)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.on("dialog", lambda dialog: (self.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))

    def foreign(self) -> list[str]:
        """Requests to any host but the site's own, or outside its sub-path."""
        return [url for url in self.requests if not url.startswith(("data:", "blob:")) and
                (urlsplit(url).netloc != self.base.netloc or not urlsplit(url).path.startswith(self.base.path))]


@pytest.fixture
def watched(page, base_url):
    """The page, watched: after the test, no foreign request, failed request or console error."""
    watch = Watch(page, base_url)
    yield page, watch
    assert watch.foreign() == []
    assert watch.failed == []
    assert watch.errors == []
