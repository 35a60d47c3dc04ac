"""Charts as inline SVG, drawn in Python: they need no script or library, work offline and
print sharply. Every text is escaped; every chart has a title and a text alternative, uses
dark text on white and tells series apart by pattern as well as colour (for grey print)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#3949ab", "#f57c00", "#2e7d32", "#8e24aa", "#00838f", "#c62828", "#6d4c41", "#546e7a")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6")
WIDTH, HEIGHT = 720, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 16, 64
FONT = "font-family=\"system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif\""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


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


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _frame(title: str, body: list[str], legend: list[str], height: int = HEIGHT) -> Markup:
    parts = [f'<svg class="ftz-chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="13">',
             f"<title>{escape(title)}</title>", '<rect width="100%" height="100%" fill="#fff"/>', *body, *legend,
             "</svg>"]
    return Markup("\n".join(parts))


def _y_axis(top: float, plot_height: int) -> list[str]:
    lines = []
    for tick in _ticks(top):
        y = MARGIN_TOP + plot_height - tick / top * plot_height
        lines.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/>')
        lines.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
                     f"{_number(tick)}</text>")
    return lines


def _legend(series: Sequence[Series], height: int, swatch: str) -> list[str]:
    items, x = [], MARGIN_LEFT
    y = height - 14
    for i, s in enumerate(series):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        if swatch == "bar":
            items.append(f'<rect x="{x}" y="{y - 9}" width="12" height="12" fill="{colour}" '
                         f'fill-opacity="{_opacity(i)}" stroke="#222" stroke-width="0.5"/>')
        else:
            items.append(f'<line x1="{x}" x2="{x + 18}" y1="{y - 3}" y2="{y - 3}" stroke="{colour}" '
                         f'stroke-width="2.5" stroke-dasharray="{dash}"/>')
        label = escape(s.name)
        items.append(f'<text x="{x + 22}" y="{y + 1}" fill="#222">{label}</text>')
        x += 34 + 13 * len(s.name)
    return items


def _opacity(i: int) -> str:
    return ("1", "0.55", "0.3", "0.8")[i % 4]


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], height: int = HEIGHT) -> Markup:
    """Grouped bars: one group per category (e.g. a year), one bar per series, values printed above."""
    plot_height = height - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    top = axis_top(max((v for s in series for v in s.values), default=0))
    body = _y_axis(top, plot_height)
    group = plot_width / max(1, len(categories))
    bar = max(2.0, min(28.0, group * 0.8 / max(1, len(series))))
    for c, name in enumerate(categories):
        left = MARGIN_LEFT + c * group + (group - bar * len(series)) / 2
        for i, s in enumerate(series):
            value = s.values[c]
            h = value / top * plot_height
            x, y = left + i * bar, MARGIN_TOP + plot_height - h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[i % len(PALETTE)]}" fill-opacity="{_opacity(i)}" stroke="#222" '
                        f'stroke-width="0.5"><title>{escape(s.name)} {escape(name)}：{_number(value)}</title></rect>')
            if value and bar >= 10:
                body.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="11" '
                            f'fill="#222">{_number(value)}</text>')
        if _shows_label(c, len(categories)):
            body.append(f'<text x="{MARGIN_LEFT + (c + 0.5) * group:.1f}" y="{MARGIN_TOP + plot_height + 16}" '
                        f'text-anchor="middle" fill="#222">{escape(name)}</text>')
    return _frame(title, body, _legend(series, height, "bar"), height)


def _shows_label(index: int, count: int) -> bool:
    step = max(1, math.ceil(count / 14))
    return index % step == 0 or index == count - 1


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], height: int = HEIGHT) -> Markup:
    """Lines over shared x positions (e.g. months), each series in its own colour and dash; empty
    x labels are not printed (label only the years of a monthly axis)."""
    plot_height = height - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    top = axis_top(max((v for s in series for v in s.values), default=0))
    body = _y_axis(top, plot_height)
    step = plot_width / max(1, len(x_labels) - 1)
    for i, s in enumerate(series):
        points = " ".join(f"{MARGIN_LEFT + j * step:.1f},{MARGIN_TOP + plot_height - v / top * plot_height:.1f}"
                          for j, v in enumerate(s.values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{PALETTE[i % len(PALETTE)]}" '
                    f'stroke-width="2.5" stroke-dasharray="{DASHES[i % len(DASHES)]}">'
                    f"<title>{escape(s.name)}</title></polyline>")
        if s.values:
            x, y = MARGIN_LEFT + (len(s.values) - 1) * step, MARGIN_TOP + plot_height - s.values[-1] / top * plot_height
            body.append(f'<text x="{x - 4:.1f}" y="{y - 5:.1f}" text-anchor="end" font-size="11" fill="#222">'
                        f"{_number(s.values[-1])}</text>")
    labelled = [j for j, name in enumerate(x_labels) if name]
    for j in labelled[::max(1, math.ceil(len(labelled) / 14))]:
        body.append(f'<text x="{MARGIN_LEFT + j * step:.1f}" y="{MARGIN_TOP + plot_height + 16}" '
                    f'text-anchor="middle" fill="#222">{escape(x_labels[j])}</text>')
    return _frame(title, body, _legend(series, height, "line"), height)


def data_table(caption: str, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> Markup:
    """The chart's numbers as a table (a text alternative, and what prints in black and white)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return Markup(f'<details class="ftz-chart-data"><summary>{escape(caption)}</summary><table><thead><tr>{head}'
                  f"</tr></thead><tbody>{body}</tbody></table></details>")
