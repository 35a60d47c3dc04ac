"""Charts as inline SVG, drawn in Python: they need no script or library, work offline and
print sharply. Every text is escaped; every chart has a title and a text alternative, uses
dark text on white and tells series apart by pattern as well as colour (for grey print).

Each chart is drawn twice, for a wide and a narrow layout (`responsive`); the stylesheet shows
the one that fits, so that no text is drawn below 11 CSS px on a phone (390 px) or on a
desktop. Labels are placed from their estimated widths so that none overlaps another: x labels
are thinned to what fits, bar values are printed only where the bar is wide enough, line end
labels are moved apart, and legends wrap."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#3949ab", "#e65100", "#2e7d32", "#8e24aa", "#00838f", "#c62828", "#6d4c41", "#546e7a")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6")
FONT = "font-family=\"system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif\""


@dataclass(frozen=True)
class Layout:
    """The drawing's width in SVG units and the one font size of its texts. The stylesheet
    scales a wide drawing to at most its own width and a narrow one to at most 1.4×."""

    name: str
    width: int
    font: int
    plot_height: int


WIDE = Layout("wide", 720, 14, 210)
NARROW = Layout("narrow", 360, 12, 170)
LAYOUTS = (WIDE, NARROW)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def text_width(text: str, font: float) -> float:
    """An estimate of the drawn width: a Han character or full-width sign is one em, a digit or
    Latin letter about 0.6 em."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return (wide + 0.62 * (len(text) - wide)) * font


def axis_top(value: float, steps: int = 4) -> float:
    """The top of a count axis with `steps` whole-number steps of a round size (1, 2, 2.5, 3, 4,
    5, 6, 8 times a power of ten): 3 → 4, 8 → 8, 101 → 120."""
    needed = max(1.0, value / steps)
    power = 10 ** max(0, math.floor(math.log10(needed)))
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        step = factor * power
        if step >= needed and step == int(step):
            return step * steps
    return 10 * power * steps


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _text(x: float, y: float, text: str, anchor: str = "start", weight: str = "") -> str:
    bold = ' font-weight="700"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#222"{bold}>{escape(text)}</text>'


def _frame(layout: Layout, title: str, height: float, body: list[str]) -> str:
    return "\n".join([
        f'<svg class="ftz-chart ftz-chart--{layout.name}" viewBox="0 0 {layout.width} {math.ceil(height)}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" {FONT} '
        f'font-size="{layout.font}">', f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>', *body, "</svg>"])


def responsive(draw: Callable[[Layout], str]) -> Markup:
    """The chart in every layout; the stylesheet shows one (`.ftz-chart--wide` / `--narrow`)."""
    return Markup("\n".join(draw(layout) for layout in LAYOUTS))


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _opacity(i: int) -> str:
    return ("1", "0.55", "0.3", "0.8")[i % 4]


@dataclass(frozen=True)
class _Plot:
    """Where the plot area is: left, top, width and height in SVG units."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def y(self, value: float, top_value: float) -> float:
        return self.bottom - value / top_value * self.height


def _y_axis(plot: _Plot, top: float, font: int) -> list[str]:
    lines = []
    for i in range(5):
        tick = top * i / 4
        y = plot.y(tick, top)
        lines.append(f'<line x1="{plot.left:.1f}" x2="{plot.left + plot.width:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/>')
        lines.append(_text(plot.left - 6, y + font * 0.35, _number(tick), "end"))
    return lines


def _legend(series: Sequence[Series], layout: Layout, left: float, top: float, swatch: str) -> tuple[list[str], float]:
    """Legend items in rows that wrap at the drawing's width; returns them and the height used."""
    items, x, y, line = [], left, top + layout.font * 1.2, layout.font * 1.6
    for i, s in enumerate(series):
        width = 22 + text_width(s.name, layout.font) + 14
        if x > left and x + width > layout.width - 4:
            x, y = left, y + line
        if swatch == "bar":
            items.append(f'<rect x="{x:.1f}" y="{y - layout.font * 0.8:.1f}" width="12" height="12" '
                         f'fill="{_colour(i)}" fill-opacity="{_opacity(i)}" stroke="#222" stroke-width="0.5"/>')
        else:
            items.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y - layout.font * 0.35:.1f}" '
                         f'y2="{y - layout.font * 0.35:.1f}" stroke="{_colour(i)}" stroke-width="2.5" '
                         f'stroke-dasharray="{DASHES[i % len(DASHES)]}"/>')
        items.append(_text(x + 22, y, s.name))
        x += width
    return items, y - top + layout.font * 0.6


def _thinned(count: int, slot: float, widest: float) -> int:
    """Label every n-th of `count` evenly spaced positions `slot` apart so labels `widest` wide
    keep a gap between them."""
    return max(1, math.ceil((widest + 8) / max(slot, 0.1))) if count else 1


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], layout: Layout = WIDE) -> str:
    """Grouped vertical bars: one group per category (a year), one bar per series; a value is
    printed above its bar where the bar is wide enough for it."""
    font = layout.font
    top = axis_top(max((v for s in series for v in s.values), default=0))
    left = text_width(_number(top), font) + 10
    plot = _Plot(left, font, layout.width - left - 8, layout.plot_height)
    body = _y_axis(plot, top, font)
    group = plot.width / max(1, len(categories))
    bar = max(2.0, min(32.0, group * 0.8 / max(1, len(series))))
    for c, name in enumerate(categories):
        start = plot.left + c * group + (group - bar * len(series)) / 2
        for i, s in enumerate(series):
            body += _bar(plot, start + i * bar, bar, s.values[c], top, i, f"{s.name} {name}", font)
    step = _thinned(len(categories), group, max((text_width(n, font) for n in categories), default=0))
    for c, name in enumerate(categories):
        if c % step == 0:
            body.append(_text(plot.left + (c + 0.5) * group, _x_label_y(plot, font), name, "middle"))
    legend, used = _legend(series, layout, plot.left, _x_label_y(plot, font) + font * 0.6, "bar")
    return _frame(layout, title, _x_label_y(plot, font) + font * 0.6 + used + 4, body + legend)


def _x_label_y(plot: _Plot, font: int) -> float:
    """The baseline of x labels: low enough that their boxes clear the lowest y tick label."""
    return plot.bottom + font * 1.4 + 4


def _bar(plot: _Plot, x: float, width: float, value: float, top: float, i: int, what: str, font: int) -> list[str]:
    y = plot.y(value, top)
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{width - 1:.1f}" height="{plot.bottom - y:.1f}" '
             f'fill="{_colour(i)}" fill-opacity="{_opacity(i)}" stroke="#222" stroke-width="0.5">'
             f"<title>{escape(what)}：{_number(value)}</title></rect>"]
    if value and width - 1 >= text_width(_number(value), font) + 1:
        parts.append(_text(x + width / 2, y - 3, _number(value), "middle"))
    return parts


def hbar_chart(title: str, categories: Sequence[str], series: Sequence[Series], layout: Layout = WIDE) -> str:
    """Horizontal bars for categories with long names (directions, durations): each name on its
    own line above its bars, each value at the end of its bar."""
    font = layout.font
    top = max((v for s in series for v in s.values), default=0) or 1
    reserve = max((text_width(_number(v), font) for s in series for v in s.values), default=font) + 8
    left, width = 8.0, layout.width - 16 - reserve
    bar_height, body, y = font + 2, [], 4.0
    for c, name in enumerate(categories):
        y += font
        body.append(_text(left, y, name))
        y += 4
        for i, s in enumerate(series):
            value = s.values[c]
            length = max(0.0, value / top * width)
            body.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(length, 1):.1f}" height="{bar_height}" '
                        f'fill="{_colour(i)}" fill-opacity="{_opacity(i)}" stroke="#222" stroke-width="0.5">'
                        f"<title>{escape(s.name)} {escape(name)}：{_number(value)}</title></rect>")
            body.append(_text(left + max(length, 1) + 5, y + bar_height - 3, _number(value)))
            y += bar_height + 2
        y += font * 0.6
    if len(series) > 1:
        legend, used = _legend(series, layout, left, y, "bar")
        body += legend
        y += used
    return _frame(layout, title, y + 6, body)


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], layout: Layout = WIDE) -> str:
    """Lines over shared x positions (months), each series in its own colour and dash, with a
    dot at each point when there are few and its last value at its end; empty x labels are not
    printed (label only the years of a monthly axis)."""
    font = layout.font
    top = axis_top(max((v for s in series for v in s.values), default=0))
    left = text_width(_number(top), font) + 10
    reserve = max((text_width(_number(s.values[-1]), font) for s in series if s.values), default=0) + 10
    plot = _Plot(left, font, layout.width - left - reserve, layout.plot_height)
    body = _y_axis(plot, top, font)
    count = len(x_labels)
    step = plot.width / (count - 1) if count > 1 else 0.0

    def x_of(j: int) -> float:
        return plot.left + (j * step if count > 1 else plot.width / 2)

    for i, s in enumerate(series):
        points = [(x_of(j), plot.y(v, top)) for j, v in enumerate(s.values)]
        if len(points) > 1:
            body.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" fill="none" '
                        f'stroke="{_colour(i)}" stroke-width="2.5" stroke-dasharray="{DASHES[i % len(DASHES)]}">'
                        f"<title>{escape(s.name)}</title></polyline>")
        for x, y in points if len(points) <= 36 else points[-1:]:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{_colour(i)}"/>')
    body += _end_labels(series, plot, top, font)
    labelled = [j for j, name in enumerate(x_labels) if name]
    slot = (plot.width / max(1, len(labelled) - 1)) if len(labelled) > 1 else plot.width
    every = _thinned(len(labelled), slot, max((text_width(x_labels[j], font) for j in labelled), default=0))
    for j in labelled[::every]:
        body.append(_text(x_of(j), _x_label_y(plot, font), x_labels[j], "middle"))
    legend, used = _legend(series, layout, plot.left, _x_label_y(plot, font) + font * 0.6, "line")
    return _frame(layout, title, _x_label_y(plot, font) + font * 0.6 + used + 4, body + legend)


def _end_labels(series: Sequence[Series], plot: _Plot, top: float, font: int) -> list[str]:
    """Each line's last value right of the plot, at its height, moved apart so none overlaps."""
    wanted = sorted((plot.y(s.values[-1], top) + font * 0.35, _number(s.values[-1]))
                    for s in series if s.values)
    placed: list[tuple[float, str]] = []
    for y, text in wanted:
        if placed and y < placed[-1][0] + font * 1.3:  # a line of text is about 1.2 em high
            y = placed[-1][0] + font * 1.3
        placed.append((y, text))
    return [_text(plot.left + plot.width + 6, y, text) for y, text in placed]


def data_table(caption: str, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> Markup:
    """The chart's numbers as a table (a text alternative, and what prints in black and white)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return Markup(f'<details class="ftz-chart-data"><summary>{escape(caption)}</summary><div class="ftz-table-wrap">'
                  f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>")
