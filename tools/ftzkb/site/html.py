"""Small HTML pieces that every page repeats many times (links to cases and carriers, status
marks, badges). They are built here in Python rather than as Jinja macros: a site of 5,000
cases prints them hundreds of thousands of times, and a macro call costs ten times more.
Every piece of data is escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ftzkb import dates
from ftzkb.load.model import INTERNAL, CarrierFlow, OutcomeFigure, Source, Text
from ftzkb.site.links import Linker
from ftzkb.site.templating import STATUS_MARKS, batch_name, safe_href
from ftzkb.site.text import EXTERNAL_TITLE, markdown_html
from ftzkb.vocab import label

INTERNAL_BADGE = Markup('<span class="ftz-badge ftz-badge--internal" title="内部：公开版不含此项">内部</span>')

# Field names that editors' notes mention ("见 sources"), as a reader knows them.
FIELD_WORDS = {"sources": "来源", "reported_figures": "公布的数字", "flows": "载体层面的流向", "learned_from": "借鉴自",
               "outcome_figures": "成效数字", "mandated_by": "要求复制的批次"}
_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"(?<![A-Za-z0-9_./:@#=-])([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)(?![A-Za-z0-9_/@=-])")
_MAYBE_REFERENCE = re.compile(r"[a-z0-9][-_][a-z0-9]|sources|flows")


@dataclass
class Html:
    """HTML helpers for one page (links are relative to it). Pieces that depend only on the
    page's folder depth are shared between pages through `shared`."""

    link: Linker
    shared: dict = field(default_factory=dict)

    def _cached(self, key: tuple, make) -> Markup:
        key = (self.link.prefix, *key)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = make()
        return found

    def carrier(self, carrier_id: str | None) -> Markup:
        return self._cached(("carrier", carrier_id), lambda: self._carrier(carrier_id))

    def _carrier(self, carrier_id: str | None) -> Markup:
        href = self.link.carrier(carrier_id)
        name = escape(self.link.corpus.carrier_name(carrier_id or ""))
        if href is None:
            return Markup(f'<span class="ftz-unknown" title="登记表中没有这个载体">{escape(carrier_id or "")}</span>')
        return Markup(f'<a href="{escape(href)}">{name}</a>')

    def case(self, case_id: str | None) -> Markup:
        return self._cached(("case", case_id), lambda: self._case(case_id))

    def _case(self, case_id: str | None) -> Markup:
        href = self.link.case(case_id)
        if href is None:
            return Markup(f'<span class="ftz-unknown">{escape(case_id or "")}</span>')
        return Markup(f'<a href="{escape(href)}">{escape(self.link.corpus.cases[case_id].title)}</a>')

    def batch(self, key: str | None) -> Markup:
        return self._cached(("batch", key), lambda: self._batch(key))

    def _batch(self, key: str | None) -> Markup:
        href = self.link.batch(key)
        name = escape(batch_name(key))
        return Markup(f'<a href="{escape(href)}">{name}</a>') if href else name

    def term(self, vocabulary: str, value: str) -> Markup:
        return self._cached(("term", vocabulary, value), lambda: Markup(
            f'<a class="ftz-chip" href="{escape(self.link.vocab(vocabulary, value))}">'
            f"{escape(label(vocabulary, value, 'zh'))}</a>"))

    def status(self, value: str | None) -> Markup:
        return status_badge(value)

    @staticmethod
    def internal(record: object) -> Markup:
        return INTERNAL_BADGE if getattr(record, "audience", None) == INTERNAL else Markup("")

    def text(self, value: Text | None) -> Markup:
        """Contributor Markdown, made safe, with the internal badge when it is marked internal;
        case and carrier ids in it become links named by their titles, field names their labels."""
        if value is None:
            return Markup("")
        html = markdown_html(value.text)
        return self.internal(value) + (self.references(html) if _MAYBE_REFERENCE.search(value.text) else html)

    def references(self, html: Markup) -> Markup:
        """Ids and field names in the text of safe HTML (not inside links or code) replaced."""
        out, skip = [], 0
        for piece in _TAG.split(str(html)):
            if piece.startswith("<"):
                name = piece[1:].split(">")[0].split()[0].lower() if len(piece) > 2 else ""
                skip += 1 if name in ("a", "code") else -1 if name in ("/a", "/code") else 0
                out.append(piece)
            else:
                out.append(piece if skip else _WORD.sub(self._reference, piece))
        return Markup("".join(out))

    def _reference(self, match: re.Match) -> str:
        word = match.group(1)
        if word in self.link.corpus.cases:
            return str(self.case(word))
        if word in self.link.corpus.carriers:
            return str(self.carrier(word))
        return FIELD_WORDS.get(word, word)

    @staticmethod
    def url(href: str | None, caption: object) -> Markup:
        """A link to another site (http(s) only), or the caption alone."""
        safe = safe_href(href)
        if safe is None:
            return escape(caption)
        return Markup(f'<a class="ftz-ext" href="{escape(safe)}" rel="noopener noreferrer" '
                      f'title="{EXTERNAL_TITLE}">{escape(caption)}</a>')

    def source(self, source: Source) -> Markup:
        parts = [self.url(source.url, source.title)]
        if source.document:
            parts.append(Markup('<span class="ftz-doc">{}</span>').format(source.document))
        for meta in (source.publisher, dates.display(source.date) if source.date else None):
            if meta:
                parts.append(Markup('<span class="ftz-meta">{}</span>').format(meta))
        if source.verification:
            parts.append(Markup('<span class="ftz-verify ftz-verify--{0}">{1}</span>').format(
                source.verification, label("verification", source.verification, "zh")))
        if source.note:
            parts.append(Markup('<span class="ftz-source-note">{}</span>').format(source.note))
        return Markup("").join(parts)

    def flow_end(self, carrier_id: str | None, label: str | None) -> Markup:
        """One end of a carrier-level flow: the carrier, or what the source calls it."""
        return self.carrier(carrier_id) if carrier_id else escape(label or "（来源未写明）")

    def flow(self, flow: CarrierFlow) -> Markup:
        """A carrier-level flow as a sentence: who to whom, what, how many, when, on what evidence."""
        kind = "计划" if flow.kind == "planned" else "来源报告"
        count = ""
        if flow.count is not None:
            count = f"，{flow.count} 项" + {"at-least": "以上", "about": "左右"}.get(flow.qualifier, "")
        parts = [Markup('<span class="ftz-flow-kind ftz-flow-kind--{}">{}</span>').format(flow.kind, kind),
                 self.flow_end(flow.source_carrier, flow.source_label), Markup(" → "),
                 self.flow_end(flow.target_carrier, flow.target_label),
                 Markup("：{}{}").format(flow.subject, count),
                 Markup('<span class="ftz-meta">{}</span>').format(dates.display(flow.date)),
                 Markup('<span class="ftz-verify ftz-verify--{0}">{1}</span>').format(
                     flow.verification, label("verification", flow.verification, "zh"))]
        parts += [Markup('<span class="ftz-evidence">{}</span>').format(self.source(s)) for s in flow.evidence]
        if flow.outcome_figures:
            parts.append(Markup('<ul class="ftz-outcomes">{}</ul>').format(
                Markup("").join(Markup("<li>{}</li>").format(self.outcome(f)) for f in flow.outcome_figures)))
        if flow.note:
            parts.append(self.text(flow.note))
        return Markup("").join(parts)

    def outcome(self, figure: OutcomeFigure) -> Markup:
        """An outcome figure: what was measured, before → after (or the change), as of when, and its source."""
        name = figure.label or label("outcome_metric", figure.metric, "zh")
        unit = figure.unit or ""
        values = []
        if figure.before is not None and figure.after is not None:
            values.append(f"{_figure(figure.before)}{unit} → {_figure(figure.after)}{unit}")
        elif figure.after is not None:
            values.append(f"{_figure(figure.after)}{unit}")
        if figure.change_pct is not None:
            more = {"at-least": "以上", "about": "左右"}.get(figure.qualifier, "")
            values.append(f"{'减少' if figure.change_pct < 0 else '增加'} {_figure(abs(figure.change_pct))}%{more}")
        parts = [Markup("<strong>{}</strong>：{}").format(name, "，".join(values) or "（来源未给数字）")]
        if figure.as_of:
            parts.append(Markup('<span class="ftz-meta">截至 {}</span>').format(dates.display(figure.as_of)))
        parts.append(Markup('<span class="ftz-evidence">{}</span>').format(self.source(figure.source)))
        if figure.note:
            parts.append(self.text(figure.note))
        return Markup("").join(parts)

    def lineage(self, nodes) -> Markup:
        """The replication tree (`replication.LineageNode`s) as nested lists."""
        items = []
        for node in nodes:
            item = [Markup('<li class="ftz-tree__{}">').format(node.link), self.carrier(node.carrier_id)]
            if node.link == "origin":
                item.append(Markup('<span class="ftz-meta">首创 · {}</span>').format(dates.display(node.date)))
            else:
                if node.status:
                    item += [Markup(" "), self.status(node.status)]
                if node.date:
                    item.append(Markup('<span class="ftz-meta">{}</span>').format(dates.display(node.date)))
                if node.link == "unrecorded":
                    item.append(Markup('<span class="ftz-meta">（本案例中无其复制记录）</span>'))
            if node.children:
                item.append(self.lineage(node.children))
            items.append(Markup("").join(item) + Markup("</li>"))
        return Markup('<ul class="ftz-tree">\n') + Markup("\n").join(items) + Markup("\n</ul>")


def _figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


_STATUS_BADGES: dict[str | None, Markup] = {}


def status_badge(value: str | None) -> Markup:
    found = _STATUS_BADGES.get(value)
    if found is None:
        found = _STATUS_BADGES[value] = Markup(
            f'<span class="ftz-status ftz-status--{escape(value or "unknown")}"><span class="ftz-status__mark" '
            f'aria-hidden="true">{STATUS_MARKS.get(value or "unknown", "?")}</span>'
            f'{escape(label("adoption_status", value or "unknown", "zh"))}</span>')
    return found
