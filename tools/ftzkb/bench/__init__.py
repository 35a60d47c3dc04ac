"""The benchmark suite: synthetic corpora at national scale (`ftzkb.synth`), each step run as a
real process, medians of several runs, peak memory, baselines measured in the same run, and
one table (`report.render_table`) saved with every figure in `bench-out/results.json`.

Steps whose command does not exist yet are reported as n/a.
"""

from .report import render_table
from .runner import BenchOptions, run_bench

__all__ = ["BenchOptions", "render_table", "run_bench"]
