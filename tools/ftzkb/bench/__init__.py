"""The benchmark suite: synthetic corpora at national scale (`ftzkb.synth`), each step run as a
real process, medians of several runs, peak memory, baselines measured in the same run, and
one table (`report.render_table`) saved with every figure in `bench-out/results.json`.

Steps whose command does not exist yet are reported as n/a.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BenchOptions", "render_table", "run_bench"]


def __getattr__(name: str) -> Any:
    """The runner (and with it the loader) is imported only when used: `ftzkb bench --help` stays light."""
    if name == "render_table":
        from .report import render_table

        return render_table
    if name in ("BenchOptions", "run_bench"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
