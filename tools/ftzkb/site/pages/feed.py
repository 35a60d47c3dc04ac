"""The Atom feed of new and changed cases (feed.xml). Dates come from the data's git history
(or, outside git, from the newest dated event of each case), never from the clock."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from .. import links
from ..context import SITE_TITLE, Site
from ..text import plain_text

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50


def feed_files(site: Site) -> Iterator[tuple[str, str]]:
    yield links.FEED, atom_feed(site)


def _stamp(when: dt.datetime | dt.date | None, fallback: dt.datetime) -> str:
    if when is None:
        when = fallback
    if not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time(), dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(site: Site) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", "urn:ftzkb:feed:cases")
    _add(feed, "title", (f"【{site.notice}】" if site.notice else "") + SITE_TITLE + "：案例更新")
    _add(feed, "updated", _stamp(site.build_date, site.build_date))
    _add(feed, "link", rel="self", href=links.FEED)
    _add(feed, "link", rel="alternate", type="text/html", href=links.url_of(links.HOME))
    author = _add(feed, "author")
    _add(author, "name", SITE_TITLE)
    kinds = {"new": "新增", "changed": "修改", "event": "动态"}
    for case, when, what in site.recent_cases(ENTRIES):
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:ftzkb:case:{case.id}")
        _add(entry, "title", f"[{kinds[what]}] {plain_text(case.title)}")
        _add(entry, "updated", _stamp(site.history[case.id].updated if case.id in site.history else when,
                                      site.build_date))
        _add(entry, "link", rel="alternate", type="text/html", href=links.url_of(links.case_page(case.id)))
        _add(entry, "summary", plain_text(case.summary))
        for category in case.categories:
            _add(entry, "category", term=category)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
