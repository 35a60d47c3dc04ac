"""Contributor text on the site: rendered safely (no raw HTML, no script links, no images
that would call another host), and the fast path for plain text agrees with Markdown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftzkb.site import text

HOSTILE = [  # (contributor text, what must not appear in the HTML)
    ("<script>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ('<b onmouseover="alert(1)">x</b>', "<b "),
    ("[x](javascript:alert(1))", "javascript:"),
    ("[x](JaVaScRiPt:alert(1))", "javascript:"),
    ("[x](data:text/html,<script>alert(1)</script>)", 'href="data:'),
    ("[x](vbscript:msgbox(1))", "vbscript:"),
    ("<a href='javascript:alert(1)'>x</a>", "<a "),
    ("<iframe src='https://evil.example/'></iframe>", "<iframe"),
    ("<svg onload=alert(1)>", "<svg"),
    ("<style>body{display:none}</style>", "<style"),
    ("![t](https://evil.example/p.png)", "<img"),
    ("[x](../relative/page)", 'href="../'),
]


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_hostile_markdown_renders_inert(source, forbidden):
    assert forbidden not in str(text.markdown_html(source)).lower()


@pytest.mark.parametrize("source", [s for s, _ in HOSTILE])
def test_no_element_carries_an_event_handler_or_unsafe_href(source):
    html = str(text.markdown_html(source))
    tags = re.findall(r"<([a-z0-9]+)([^>]*)>", html)
    for name, attributes in tags:
        assert name in {"p", "a", "span", "strong", "em", "ol", "ul", "li", "br", "code", "blockquote", "h1", "h2",
                        "h3", "h4", "hr", "pre"}, name
        assert not re.search(r"\bon\w+\s*=", attributes)
        for href in re.findall(r'href="([^"]*)"', attributes):
            assert href.startswith(("http://", "https://", "mailto:")), href


def test_images_become_links_and_safe_links_survive():
    html = str(text.markdown_html("见![示意图](https://example.org/a.png)和[文件](https://example.org/doc?a=1&b=2)"))
    assert "<img" not in html
    external = 'class="ftz-ext" href="{}" rel="noopener noreferrer" title="{}"'.format
    assert f'<a {external("https://example.org/a.png", text.EXTERNAL_TITLE)}>[示意图]</a>' in html
    assert f'<a {external("https://example.org/doc?a=1&amp;b=2", text.EXTERNAL_TITLE)}>文件</a>' in html


def test_links_to_other_sites_say_they_leave_the_intranet_and_mail_links_do_not():
    html = str(text.markdown_html("[文件](https://example.org/x) 或 <mailto:a@example.org>"))
    assert html.count('class="ftz-ext"') == 1 and "外部网站" in html


def test_markdown_structure_is_kept():
    html = str(text.markdown_html("1. **一**\n2. 二\n\n第二段\n第二行"))
    assert "<ol>" in html and "<strong>一</strong>" in html
    assert "<p>第二段<br>\n第二行</p>" in html


def test_markdown_inline_escapes_what_markdown_and_attr_list_would_act_on():
    escaped = str(text.markdown_inline('名称 {: onclick="x"} *强调* [链接](u) <b>'))
    assert "{" not in escaped.replace("\\{", "")
    assert "<b>" not in escaped and "&lt;b&gt;" in escaped
    assert "\\*" in escaped and "\\[" in escaped


def test_meta_text_has_no_html_significant_characters():
    shown = text.meta_text('</title><script>alert("x")</script> & \'q\'\n下一行')
    assert not set(shown) & set("<>&\"'\n")
    assert "＜script＞" in shown


_plain = st.text(alphabet=st.sampled_from(list("自贸试验区案例复制推广，。、（）“”：； \nab12")),
                 max_size=80)


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_fast_path_matches_markdown(source):
    """Text without Markdown syntax skips the Markdown parser: the result must be the same."""
    source = source.strip()
    if not source or text._MARKDOWN_SYNTAX.search(source):
        return
    md = text._renderer()
    md.reset()
    assert str(text._plain_paragraphs(source)) == md.convert(source)
