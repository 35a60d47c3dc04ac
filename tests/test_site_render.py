"""The site renderer as a plain function of the corpus (no MkDocs): pages, API, downloads,
feed, audiences, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from conftest import minimal_case, write_corpus
from ftzkb import export
from ftzkb.load import schema
from ftzkb.load.loader import load_corpus
from ftzkb.site import defer
from ftzkb.site.pages import downloads
from ftzkb.site.pages.api import JsonList, case_document, dumps
from ftzkb.site.render import make_site, render_site

WHEN = dt.datetime(2025, 6, 30, 8, 0, tzinfo=dt.UTC)

ADOPTIONS = """\
title_en: Multimodal single document
recognitions:
  - level: provincial-replication
    batch: 2
    date: "2022-03"
    document: 苏政办发〔2022〕1号
preconditions:
  carrier_types:
    - national-etdz
    - national-htz
adoptions:
  - carrier: zone-c
    status: adopted
    date: "2022-06"
    mandate: mandated
    mandated_by:
      level: provincial-replication
      batch: 2
    evidence:
      - title: 复制文件
        url: https://example.org/evidence
  - carrier: zone-b
    status: planned
    date: "2023"
    learned_from:
      carrier: zone-c
  - carrier: no-such-carrier
    status: adopted
    date: "2023-02"
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = write_corpus(tmp_path_factory.mktemp("render"), {
        "multimodal": minimal_case("multimodal", ADOPTIONS).replace("测试案例multimodal", "多式联运一单制"),
        "plain": minimal_case("plain", "related:\n  - multimodal\n", origin="zone-b"),
        "secret": minimal_case("secret", "audience: internal\n"),
    })
    loaded = load_corpus(root)
    assert not loaded.diagnostics
    return loaded.corpus


@pytest.fixture(scope="module")
def files(corpus):
    return render_site(corpus, audience="public", data_version="abc123def456", build_date=WHEN)


def text_of(files, path):
    content = files[path]
    return content if isinstance(content, str) else content.decode()


def test_every_case_and_carrier_has_a_page_and_a_document(files, corpus):
    public = [c for c in corpus.cases.values() if c.audience == "public"]
    for case in public:
        assert f"cases/{case.id}.md" in files and f"api/v1/cases/{case.id}.json" in files
    for carrier_id in corpus.carriers:
        assert f"carriers/{carrier_id}.md" in files and f"api/v1/carriers/{carrier_id}.json" in files


def test_every_nav_page_is_generated_or_static(files):
    from ftzkb.paths import REPO_ROOT

    nav = re.findall(r":\s+([\w/-]+\.md)\s*$", (REPO_ROOT / "mkdocs.yml").read_text("utf-8"), re.MULTILINE)
    assert len(nav) > 10
    for page in nav:
        assert page in files or (REPO_ROOT / "docs" / page).exists(), page


def test_case_page_groups_adoptions_by_carrier_type(files):
    page = text_of(files, "cases/multimodal.md")
    groups = re.findall(r'<tr class="ftz-group"><th[^>]*><a href="\.\./carrier-types/([\w-]+)\.html">', page)
    assert groups == ["national-etdz", "national-htz", "other"]  # vocabulary order; unknown carriers last
    assert "规定动作" in page and "../batches/provincial-replication-2.html" in page
    assert "计划复制" in page and "已复制" in page
    assert '<span class="ftz-unknown" title="登记表中没有这个载体">no-such-carrier</span>' in page


def test_case_page_badges_citation_and_front_matter(files):
    page = text_of(files, "cases/multimodal.md")
    assert page.startswith('---\ntitle: "多式联运一单制"\n')
    assert "全省复制推广（省政府办公厅批次） 第2批</span>" in page  # the badge: the full label
    assert ">全省复制推广 第2批</a>" in page  # batch links: the short name
    assert "数据版本 abc123def456（2025-06-30）" in page
    assert '<a href="../api/v1/cases/multimodal.json">JSON</a>' in page


def test_related_cases_link_both_ways(files):
    assert "../cases/plain.html" in text_of(files, "cases/multimodal.md")
    assert "../cases/multimodal.html" in text_of(files, "cases/plain.md")


def test_carrier_page_lists_gaps_and_peers(files):
    page = text_of(files, "carriers/zone-b.md")
    assert "可复制而未复制的案例" in page and "与同类载体比较" in page
    assert '<tr class="ftz-self">' in page
    document = json.loads(files["api/v1/carriers/zone-c.json"])
    assert document["adopted"][0]["case"] == "multimodal"
    assert document["gaps"]["total"] == len(document["gaps"]["top"])


def test_batch_page_shows_progress_per_carrier(files):
    page = text_of(files, "batches/provincial-replication-2.md")
    assert "各载体复制进度" in page and "ftz-progress__bar" in page


def test_public_render_leaves_internal_cases_out_everywhere(files, corpus):
    assert corpus.cases["secret"].audience == "internal"
    leaks = [path for path, content in files.items()
             if isinstance(content, str) and ("测试案例secret" in content or "cases/secret" in content)]
    assert leaks == []
    assert json.loads(files["api/v1/index.json"])["counts"]["cases"] == 2


def test_internal_render_shows_internal_cases_with_a_badge(corpus):
    internal = render_site(corpus, audience="internal", data_version="x", build_date=WHEN)
    page = text_of(internal, "cases/secret.md")
    assert "测试案例secret" in page and "ftz-badge--internal" in page
    assert json.loads(internal["api/v1/index.json"])["counts"]["cases"] == 3


def test_api_documents_match_the_documented_shape(files, corpus):
    documented = text_of(files, "downloads.md")
    document = json.loads(files["api/v1/cases/multimodal.json"])
    for key in document:
        assert f"<code>{key}</code>" in documented, key
    for key in json.loads(files["api/v1/index.json"]):
        assert f"<code>{key}</code>" in documented, key
    assert set(document) >= {"id", "title", "adoptions", "origin", "recognitions"}


def test_case_document_texts_keep_their_audience(corpus):
    from ftzkb.site.context import Site

    site = Site(corpus, "internal", "x", WHEN)
    document = case_document(site, corpus.cases["multimodal"])
    assert document["adoptions"][0]["carrier"] == "zone-c"
    assert document["recognitions"][0]["batch_key"] == "provincial-replication-2"


def test_feed_is_atom_with_one_entry_per_case(files):
    root = ET.fromstring(files["feed.xml"].encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert {e.find("a:id", ns).text for e in entries} == {"urn:ftzkb:case:multimodal", "urn:ftzkb:case:plain"}
    assert root.find("a:updated", ns).text == "2025-06-30T08:00:00Z"


def test_downloads_in_three_formats(files):
    for name in ("cases", "carriers", "adoptions"):
        assert text_of(files, f"downloads/{name}.csv").startswith("\ufeff")
        assert json.loads(files[f"downloads/{name}.json"])
        with zipfile.ZipFile(io.BytesIO(files[f"downloads/{name}.xlsx"])) as book:
            assert "xl/workbook.xml" in book.namelist()
            assert all(info.date_time[:3] == (2025, 6, 30) for info in book.infolist())
            assert b"2025-06-30T08:00:00Z" in book.read("docProps/core.xml")
    assert "测试案例secret" not in text_of(files, "downloads/cases.csv")


def test_a_download_is_what_the_export_writers_make_of_the_same_rows(corpus, files, tmp_path):
    """The downloads are written row by row as the rows are made; what they hold is what
    `write_csv` to a file and `dumps` of the whole list make (the CLI's exports)."""
    for name, (_, columns, rows_of) in downloads.TABLES.items():
        rows = list(rows_of(corpus, public_only=True, lang="zh"))
        export.write_csv(rows, tmp_path / f"{name}.csv", columns, lang="zh")
        assert files[f"downloads/{name}.csv"] == (tmp_path / f"{name}.csv").read_bytes()
        assert files[f"downloads/{name}.json"].decode() == dumps(rows)


@pytest.mark.parametrize("notice", [None, "演示数据"])
@pytest.mark.parametrize("items", [[], [{"a": "中文"}], [{"a": 1}, {"b": [1, "二"]}, 3]])
def test_a_json_list_written_item_by_item_is_dumps_of_the_list(items, notice):
    stream = io.StringIO()
    written = JsonList(stream, notice)
    for item in items:
        written.write(item)
    written.close()
    assert stream.getvalue() == dumps(items, notice)


def test_a_table_gets_a_workbook_only_up_to_the_row_limit(corpus, monkeypatch):
    site = make_site(corpus, audience="internal", data_version="x", build_date=WHEN)
    rows = {name: len(list(rows_of(site.corpus))) for name, (_, _, rows_of) in downloads.TABLES.items()}
    for limit in (rows["cases"] - 1, rows["cases"]):  # one row too many, then just enough
        monkeypatch.setattr(downloads, "XLSX_MAX_ROWS", limit)
        made = dict(downloads.download_files(site))
        workbooks = {name for name in rows if f"downloads/{name}.xlsx" in made}
        assert workbooks == {name for name, count in rows.items() if count <= limit}, limit
        assert all(f"downloads/{name}.csv" in made and f"downloads/{name}.json" in made for name in rows)
    assert "downloads/cases.xlsx" in made


def test_two_renders_are_identical(corpus, files):
    again = render_site(corpus, audience="public", data_version="abc123def456", build_date=WHEN)
    assert again.keys() == files.keys()
    assert [p for p in files if files[p] != again[p]] == []


def test_stats_page_draws_inline_svg_charts(files):
    page = text_of(files, "stats.md")
    assert page.count("<svg") >= 3 and "<title>" in page
    assert "<script" not in page


def test_schema_reference_lists_every_case_field(files):
    page = text_of(files, "schema.md")
    for name in schema.raw_schema("case")["properties"]:
        assert f"<code>{name}</code>" in page, name
    assert "vocab-adoption_status" in page


def test_big_blocks_are_deferred_and_put_back_unchanged(files):
    page = text_of(files, "cases/multimodal.md")
    taken = defer.take_out(page)
    skeleton, blocks = taken.skeleton, taken.deferred
    assert blocks and "ftz-adoptions" not in skeleton and "<!--ftzkb:slot:0-->" in skeleton
    assert any("ftz-adoptions" in block for block in blocks)
    assert "<!--ftzkb:html-slot:0-->" in skeleton and "ftz-case-head" not in skeleton


def test_every_page_gives_its_blocks_back_whole(files):
    """No marker is left for Markdown on any page (a block nested in another once left the rest
    of every briefing to Markdown), and putting the blocks back gives the page without markers."""
    marker_line = re.compile(r"^<!--/?ftzkb:(?:defer|html)-->\n", re.MULTILINE)
    for path in [p for p in files if p.endswith(".md")]:
        page = text_of(files, path)
        taken = defer.take_out(page)
        assert "ftzkb:defer" not in taken.skeleton and "ftzkb:html-->" not in taken.skeleton, path
        restored = defer.put_back(defer.put_back(taken.skeleton, taken.html, defer.HTML_SLOT), taken.deferred)
        assert restored == marker_line.sub("", page).replace("\n<!--/ftzkb:", "<!--/ftzkb:"), path


def test_nested_blocks_are_taken_out_from_the_outermost():
    page = ("a\n<!--ftzkb:defer-->\nouter\n<!--ftzkb:defer-->\ninner\n<!--/ftzkb:defer-->\nrest\n"
            "<!--/ftzkb:defer-->\nb\n<!--ftzkb:html-->\n<div>text\n<!--ftzkb:defer-->\n<table></table>\n"
            "<!--/ftzkb:defer-->\n</div>\n<!--/ftzkb:html-->\nc")
    taken = defer.take_out(page)
    assert taken.skeleton == "a\n<!--ftzkb:slot:0-->\nb\n<!--ftzkb:html-slot:0-->\nc"
    assert taken.deferred == ["outer\ninner\nrest", "<table></table>"]
    assert taken.html == ["<div>text\n<!--ftzkb:slot:1-->\n</div>"]


@pytest.mark.parametrize("page", ["a\n<!--ftzkb:defer-->\nb", "a\n<!--/ftzkb:html-->\nb",
                                  "<!--ftzkb:html-->\n<!--ftzkb:html-->\nx\n<!--/ftzkb:html-->"])
def test_unbalanced_markers_are_a_template_error(page):
    with pytest.raises(defer.UnbalancedMarkers):
        defer.take_out(page)


def test_a_demo_site_says_so_in_every_download_and_api_document(corpus):
    demo = render_site(corpus, audience="public", data_version="x", build_date=WHEN, synthetic=True)
    notice = "演示数据（合成），非真实案例"
    documents = [path for path in demo if path.endswith(".json")]
    assert documents and [p for p in documents if notice not in text_of(demo, p)] == []
    assert json.loads(demo["api/v1/index.json"])["notice"] == notice
    assert all(item["notice"] == notice for item in json.loads(demo["api/v1/cases/index.json"]))
    for name in ("cases", "carriers", "adoptions"):
        assert text_of(demo, f"downloads/{name}.csv").startswith("\ufeff数据性质,")
        with zipfile.ZipFile(io.BytesIO(demo[f"downloads/{name}.xlsx"])) as book:
            assert any(notice in book.read(member).decode() for member in book.namelist())
    with zipfile.ZipFile(io.BytesIO(demo["downloads/matrix.xlsx"])) as book:
        assert "说明" in book.read("xl/workbook.xml").decode()
    assert notice in demo["feed.xml"]
    plain = render_site(corpus, audience="public", data_version="x", build_date=WHEN)
    assert [p for p, content in plain.items() if isinstance(content, str) and notice in content] == []


HISTORY = """\
adoptions:
  - carrier: zone-b
    status: planned
    date: "2021-03"
    until: "2021-05"
  - carrier: zone-b
    status: piloting
    date: "2021-06"
    until: "2021-12"
  - carrier: zone-b
    status: adopted
    date: "2022-01"
    evidence:
      - title: 复制文件
        url: https://example.org/adopted
    outcome_figures:
      - metric: processing-time
        label: 办理时间从15个工作日缩短到5个工作日
        before: 15
        after: 5
        unit: 工作日
        as_of: "2022-06"
        source:
          title: 成效报道
          url: https://example.org/outcome
"""

FLOW = """\
flows:
  - from: area-a
    to_label: 全部联动创新区
    kind: reported
    subject: 制度创新成果
    count: 47
    date: "2021-08"
    evidence:
      - title: 两周年报道
        url: https://example.org/flow
    verification: verified
  - from: area-a
    to: zone-c
    kind: planned
    subject: 支持复制推广自贸试验区经验
    date: "2021-05"
    evidence:
      - title: 支持措施
        url: https://example.org/plan
    verification: partial
"""


@pytest.fixture(scope="module")
def history_files(tmp_path_factory):
    from conftest import CARRIER_TEMPLATE

    root = write_corpus(tmp_path_factory.mktemp("history"), {"h": minimal_case("h", HISTORY)})
    area = CARRIER_TEMPLATE.format(id="area-a", name="甲片区", type="ftz-area") + FLOW
    (root / "carriers" / "area-a.yaml").write_text(area, "utf-8")
    loaded = load_corpus(root)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return render_site(loaded.corpus, audience="public", data_version="abc123def456", build_date=WHEN)


def test_carrier_page_shows_the_history_of_its_periods_and_its_outcomes(history_files):
    page = text_of(history_files, "carriers/zone-b.md")
    adopted = page[page.index("## 复制的案例"):page.index("## 可复制而未复制")]
    periods = (r"计划复制</span> 2021年3月–2021年5月 → .*?试点中</span> 2021年6月–2021年12月"
               r" → .*?已复制</span> 2022年1月")
    assert re.search(periods, adopted)
    assert "复制成效" in page and "15工作日 → 5工作日" in page
    assert "数据版本 abc123def456（2025-06-30）" in page


def test_case_page_shows_outcomes_per_carrier(history_files):
    page = text_of(history_files, "cases/h.md")
    section = page[page.index("各地成效"):page.index("复制时间线")]
    assert "乙经开区" in section and "办理时间从15个工作日缩短到5个工作日" in section and "成效报道" in section


def test_flows_are_shown_as_reported_beside_the_counts_and_never_as_adoptions(history_files):
    flow_page = text_of(history_files, "flow.md")
    reported = flow_page[flow_page.index("来源报告的载体层面流向"):]
    assert "全部联动创新区" in reported and "47 项" in reported and "计划" in reported
    carrier = text_of(history_files, "carriers/zone-c.md")
    assert "载体层面的复制推广" in carrier and "支持复制推广自贸试验区经验" in carrier
    assert "知识库中还没有本载体逐案的复制推广记录" in carrier  # the plan is not an adoption
    area = text_of(history_files, "carriers/area-a.md")
    assert "公开来源只报告数量" not in area  # it has case-level records (its case was adopted)
    stats = text_of(history_files, "stats.md")
    assert "共 2 条（报告 1 条，计划 1 条）" in stats


def test_a_carrier_without_records_says_so_and_shows_what_sources_report(history_files):
    page = text_of(history_files, "carriers/zone-c.md")
    statement = page[page.index("ftz-empty-records"):].split("</p>")[0]
    assert "知识库中还没有本载体逐案的复制推广记录" in statement
    assert "来源也没有报告数量" in statement  # its one flow is a plan, with no count


def test_briefing_page_for_every_carrier(history_files):
    for carrier_id in ("area-a", "zone-b", "zone-c"):
        page = text_of(history_files, f"briefings/{carrier_id}.md")
        assert "复制推广简报" in page and "数据版本 abc123def456" in page and "构建日期 2025-06-30" in page
        assert "data-ftz-print" in page and f"briefings/{carrier_id}.html" in page
    brief = text_of(history_files, "briefings/zone-b.md")
    for heading in ("首创的案例", "复制的案例", "尚未复制的规定动作", "值得优先复制的案例", "与同类载体比较"):
        assert heading in brief, heading
    assert "计划复制" in brief and "试点中" in brief  # the periods
    assert '<a class="md-button ftz-briefing-link" href="../briefings/zone-b.html">' in text_of(
        history_files, "carriers/zone-b.md")
