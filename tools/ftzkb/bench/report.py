"""The one results table (Markdown, so the same text prints in a terminal and goes into the README)."""

from __future__ import annotations

from typing import Any

from ..i18n import pick
from .steps import STEPS, TARGET_SIZE


def _seconds(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def cell(entry: dict[str, Any] | None) -> str:
    if not entry:
        return ""
    if entry["status"] != "ok":
        return entry["status"]
    memory = f"{entry['peak_mb']:.0f} MB"
    if "p50" in entry:
        return f"p50 {_seconds(entry['p50'])} / p95 {_seconds(entry['p95'])} · {memory}"
    return f"{_seconds(entry['seconds'])} · {memory}"


def _growth_cell(results: dict, step_id: str) -> str:
    if not results.get("growth"):
        return ""
    span = list(results["growth"])[-1]
    found = results["growth"][span]
    parts = [f"{found[k]['factor']:.1f}×" + ("" if found[k]["ok"] in (None, True) else " ✗")
             for k in (f"{step_id}.seconds", f"{step_id}.peak_mb") if k in found]
    return " / ".join(parts)


def render_table(results: dict[str, Any], lang: str | None = None) -> str:
    sizes = list(results["sizes"])
    span = list(results.get("growth") or {"": 0})[-1].replace("->", "→")
    header = [pick("步骤", "step", lang), *(pick(f"{int(s):,} 个案例", f"{int(s):,} cases", lang) for s in sizes),
              pick(f"目标（{TARGET_SIZE:,}）", f"target at {TARGET_SIZE:,}", lang), pick("达标", "met", lang),
              pick(f"增长 {span}（时间/内存）", f"growth {span} (time/memory)", lang)]
    rows = [header, ["---"] * len(header)]
    verdicts = results.get("targets", {})
    for step in STEPS:
        entries = [results["sizes"][s]["steps"].get(step.id) for s in sizes]
        if not any(entries):
            continue
        verdict = verdicts.get(step.id, {})
        met = {True: "✓", False: "✗"}.get(verdict.get("ok"), "")
        rows.append([pick(step.zh, step.en, lang), *map(cell, entries), verdict.get("target", ""), met,
                     _growth_cell(results, step.id)])
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join([*lines, "", *corpus_lines(results, lang), *ratio_lines(results, lang)])


def corpus_lines(results: dict[str, Any], lang: str | None = None) -> list[str]:
    lines = []
    for size, data in results["sizes"].items():
        corpus = data.get("corpus") or {}
        if corpus:
            lines.append(pick(f"- 语料 {int(size):,}：{corpus.get('carriers_written', 0):,} 个载体，"
                              f"{corpus.get('adoptions', 0):,} 条复制记录，{corpus.get('bytes', 0) / 1e6:.1f} MB",
                              f"- corpus {int(size):,}: {corpus.get('carriers_written', 0):,} carriers, "
                              f"{corpus.get('adoptions', 0):,} adoptions, {corpus.get('bytes', 0) / 1e6:.1f} MB", lang))
    return lines


def ratio_lines(results: dict[str, Any], lang: str | None = None) -> list[str]:
    names = sorted({name for found in results.get("ratios", {}).values() for name in found})
    lines = []
    for name in names:
        values = ", ".join(f"{int(size):,}: {found[name]['ratio']:.2f}×"
                           + ("" if found[name]["same_run"] else pick("（分两次运行）", " (separate runs)", lang))
                           for size, found in results["ratios"].items() if name in found)
        lines.append(pick(f"- 比值 {name}：{values}", f"- ratio {name}: {values}", lang))
    return lines
