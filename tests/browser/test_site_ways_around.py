"""The site as officials use it, in headless Chromium under /kb/ at a desktop (1366 px) and a
phone (390 px) width: a way around every page, a 404 page that works under the sub-path,
charts and tables that read on a phone, the matrix filters in the address, Chinese search by
pinyin and with whole-word highlights, and no serious accessibility problem (axe-core)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .test_site_browser import FIRST_RESULT, SEARCH_INPUT, search

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# One page of each kind an official opens (batch: the test corpus's only batch)
PAGES = {"home": "index.html", "case": "cases/public-with-secrets.html", "carrier": "carriers/suzhou-area.html",
         "matrix": "matrix.html", "flow": "flow.html", "stats": "stats.html",
         "batch": "batches/provincial-replication-1.html", "downloads": "downloads.html"}


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser, base_url):
    """A watched page at one width: no foreign request, failed request or console error."""
    from .conftest import Watch

    context = browser.new_context(viewport=WIDTHS[request.param])
    page = context.new_page()
    watch = Watch(page, base_url)
    yield page, request.param
    context.close()
    assert watch.foreign() == [] and watch.failed == [] and watch.errors == []


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_a_way_around(sized, base_url, name):
    page, width = sized
    page.goto(base_url + PAGES[name])
    page.wait_for_load_state("networkidle")  # the search index loads in the background
    if width == "desktop":
        tabs = page.locator(".md-tabs__link")
        assert tabs.count() >= 5 and tabs.first.is_visible()
    else:  # the menu button opens the drawer with the sections
        page.locator("label.md-header__button[for='__drawer']").click()
        drawer = page.locator(".md-sidebar--primary .md-nav__link", has_text="复制推广矩阵")
        drawer.first.wait_for(state="visible")
        page.locator("label.md-overlay").click(position={"x": 380, "y": 400})  # close it again
        page.wait_for_function("!document.getElementById('__drawer').checked")
    if name != "home":
        crumbs = page.locator("nav.ftz-crumbs li")
        assert crumbs.count() >= 2 and crumbs.first.inner_text().strip() == "首页"
        assert crumbs.last.locator("[aria-current=page]").count() == 1
        crumbs.first.locator("a").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/kb/index.html")


def test_a_carrier_page_leads_up_to_its_type(watched, base_url):
    page, _ = watched
    page.goto(base_url + "carriers/zone-b.html")
    page.wait_for_load_state("networkidle")
    texts = [t.strip() for t in page.locator("nav.ftz-crumbs li").all_inner_texts()]
    assert texts == ["首页", "全部载体", "国家级经济技术开发区", "测试乙经开区"]
    page.locator("nav.ftz-crumbs a", has_text="国家级经济技术开发区").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kb/carrier-types/national-etdz.html")


@pytest.mark.parametrize("missing", ["cases/no-such-case.html", "no-such-page.html", "carriers/x/y.html"])
def test_the_404_page_works_under_the_sub_path_in_chinese(page, base_url, missing):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(base_url + missing)
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").inner_text()
    assert "Not found" not in page.content()
    home = page.locator("a", has_text="首页").first.get_attribute("href")
    assert home == "/kb/index.html"
    assert all("/kb/" in url for url in requests if url.startswith("http")), requests
    page.wait_for_load_state("networkidle")
    page.locator("a", has_text="全部案例").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kb/cases/index.html") and page.locator("article h1").inner_text().startswith("全部案例")


def test_charts_are_legible_on_a_phone_and_a_desktop(sized, base_url):
    """No chart text under 11 CSS px, no two labels overlapping, numbers as a table."""
    page, _ = sized
    page.goto(base_url + "stats.html")
    charts = page.locator("svg.ftz-chart:visible")
    assert charts.count() >= 3
    report = page.evaluate("""() => [...document.querySelectorAll('svg.ftz-chart')]
        .filter(svg => svg.getBoundingClientRect().width > 0).map(svg => {
            const texts = [...svg.querySelectorAll('text')].map(t => {
                const r = t.getBoundingClientRect();
                return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a,
                        box: [r.left, r.top, r.right, r.bottom]};
            });
            return {title: svg.getAttribute('aria-label'), texts};
        })""")
    for chart in report:
        small = [(t["text"], round(t["size"], 1)) for t in chart["texts"] if t["size"] < 11]
        assert small == [], (chart["title"], small)
        boxes = [t for t in chart["texts"] if t["text"].strip()]
        overlaps = [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                    if _overlap(a["box"], b["box"])]
        assert overlaps == [], (chart["title"], overlaps)
    for figure in page.locator("figure.ftz-figure").all():
        assert figure.locator("details.ftz-chart-data table").count() == 1


def _overlap(a, b, slack: float = 0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def test_a_single_dated_adoption_still_draws_a_point(watched, base_url):
    page, _ = watched
    page.goto(base_url + "stats.html")
    curve = page.locator("#curves ~ figure svg.ftz-chart--wide").first
    assert curve.locator("polyline, circle").count() >= 1


@pytest.mark.parametrize("path", ["carriers/suzhou-area.html", "batches/provincial-replication-1.html",
                                  "cases/index.html", "carriers/index.html", "stats.html"])
def test_tables_fit_their_space(sized, base_url, path):
    """No table wrapper wider than its column (no stray scroll bar); on a phone each row is a
    card with every cell inside the screen and names that do not wrap every few characters."""
    page, width = sized
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    wraps = page.evaluate("""() => [...document.querySelectorAll('.ftz-table-wrap:not(.ftz-flow)')]
        .filter(w => w.offsetParent).map(w => ({
            over: w.getBoundingClientRect().width - w.parentElement.getBoundingClientRect().width,
            scroll: w.scrollWidth - w.clientWidth, stacked: w.classList.contains('ftz-stacked')}))""")
    assert wraps and all(w["over"] <= 1 for w in wraps), wraps
    if width == "phone":
        assert all(w["stacked"] and w["scroll"] <= 1 for w in wraps), wraps
        cells = page.evaluate("""() => [...document.querySelectorAll('.ftz-stacked td, .ftz-stacked th')]
            .filter(c => c.offsetParent).map(c => c.getBoundingClientRect().right)""")
        assert max(cells) <= 390
        first = page.locator(".ftz-stacked tbody tr").first.locator("td, th").first
        assert first.bounding_box()["width"] > 300  # the name has the card's whole width


def test_matrix_headers_show_whole_names_and_filters_live_in_the_address(watched, base_url):
    page, _ = watched
    page.goto(base_url + "matrix.html")
    page.locator(".ftz-matrix__table").wait_for()
    page.wait_for_load_state("networkidle")
    names = page.evaluate("""() => [...document.querySelectorAll('.ftz-matrix__carrier span')].map(s => ({
        text: s.textContent, full: s.scrollHeight <= s.clientHeight + 1 && s.scrollWidth <= s.clientWidth + 1}))""")
    assert names and all(n["full"] for n in names), names
    page.select_option('select[data-filter="status"]', "adopted")
    assert "status=adopted" in page.url
    rows = page.locator(".ftz-matrix").get_attribute("data-rows")
    sent = page.context.new_page()  # the address opened elsewhere, as a bookmark or a link sent by mail
    sent.goto(page.url)
    sent.locator(".ftz-matrix__table").wait_for()
    assert sent.locator('select[data-filter="status"]').input_value() == "adopted"
    assert sent.locator(".ftz-matrix").get_attribute("data-rows") == rows
    sent.close()
    page.locator(".ftz-matrix__reset").click()
    page.wait_for_function("!location.search.includes('status=')")


@pytest.mark.parametrize("query", ["dsly", "duoshilianyun"])
def test_pinyin_finds_the_case_in_the_browser(watched, base_url, query):
    page, _ = watched
    page.goto(base_url)
    href = search(page, query)
    title = page.locator(FIRST_RESULT).locator("h1, h2").first.inner_text()
    assert "cases/" in href and "多式联运" in title


def test_results_highlight_whole_words_and_show_the_title_once(watched, base_url):
    page, _ = watched
    page.goto(base_url)
    search(page, "多式联运")
    first = page.locator(FIRST_RESULT)
    marks = first.locator("mark").all_inner_texts()
    assert marks and set(marks) == {"多式联运"}
    title = first.locator("h1").inner_text()
    article = first.locator("article").inner_text()
    assert article.count(title) == 1
    assert "h=%E5%A4%9A%E5%BC%8F%E8%81%94%E8%BF%90" in first.get_attribute("href")


def test_pasted_text_searches_without_a_key(watched, base_url):
    page, _ = watched
    page.goto(base_url)
    page.locator(SEARCH_INPUT).click()
    page.locator(SEARCH_INPUT).fill("白名单")  # one input event, no key press, as a paste is
    first = page.locator(FIRST_RESULT)
    first.wait_for(timeout=10_000)
    assert "js-rd-items-import-whitelist" in first.get_attribute("href")


def test_no_permanent_link_or_english_tooltips_on_a_case_page(watched, base_url):
    page, _ = watched
    page.goto(base_url + "cases/public-with-secrets.html")
    titles = page.evaluate("[...document.querySelectorAll('article [title]')].map(e => e.title)")
    assert "Permanent link" not in titles
    assert [t for t in titles if re.fullmatch(r"[ -~]+", t)] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_no_critical_or_serious_accessibility_violations(sized, base_url, name):
    page, width = sized
    page.goto(base_url + PAGES[name])
    if name == "matrix":
        page.locator(".ftz-matrix__table").wait_for()
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
             for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert found == [], (name, width, found)


def test_a_printed_case_page_carries_its_own_address(watched, base_url):
    page, _ = watched
    page.goto(base_url + "cases/public-with-secrets.html")
    page.emulate_media(media="print")
    address = page.locator(".ftz-print-url")
    assert address.is_visible() and "/kb/cases/public-with-secrets.html" in address.inner_text()
    widths = page.evaluate("""() => [...document.querySelectorAll('.ftz-table-wrap table')].map(t =>
        t.getBoundingClientRect().width / t.closest('article').getBoundingClientRect().width)""")
    assert widths and min(widths) > 0.95
