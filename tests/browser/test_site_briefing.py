"""The carrier briefing (打印简报) printed to PDF in Chromium, as an official prints it for a
meeting: A4, at most four pages for the busiest carrier, with its figures and its stamp."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .sitekit import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_PAGES = 4


def _printed(page, url: str) -> tuple[PdfReader, bytes]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    data = page.pdf(prefer_css_page_size=True)  # A4, from the stylesheet's @page
    return PdfReader(io.BytesIO(data)), data


def test_the_busiest_briefing_prints_on_at_most_four_a4_pages(watched, base_url, site_dir):
    page, _ = watched
    busiest = max(site_dir.glob("briefings/*.html"), key=lambda p: p.stat().st_size)
    reader, data = _printed(page, base_url + f"briefings/{busiest.name}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "briefing-print.pdf").write_bytes(data)
    assert 1 <= len(reader.pages) <= MAX_PAGES, (busiest.name, len(reader.pages))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    headings = ("复制推广简报", "首创的案例", "复制的案例", "尚未复制的规定动作", "值得优先复制的案例",
                "与同类载体比较")
    assert [h for h in headings if h not in text] == []
    assert "数据版本" in text and "构建日期" in text
    assert f"/kb/briefings/{busiest.name}" in text  # the page's own address, filled in by the page
    assert "打印本简报" not in text  # the button is left off the paper


def test_the_briefing_has_a_print_button_and_is_reached_from_the_carrier_page(watched, base_url):
    page, _ = watched
    page.goto(base_url + "carriers/suzhou-area.html")
    page.wait_for_load_state("networkidle")
    page.locator("a.ftz-briefing-link").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kb/briefings/suzhou-area.html")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.locator("button[data-ftz-print]").click()
    assert page.evaluate("window.__printed") == 1
    stamp = page.locator(".ftz-briefing__stamp").inner_text()
    assert "数据版本" in stamp and "构建日期" in stamp and "/kb/briefings/suzhou-area.html" in stamp
