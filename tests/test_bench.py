"""Quick smoke tests of the benchmark runner (the full benchmark is `ftzkb bench`, outside the test run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ftzkb.bench import BenchOptions, render_table, run_bench
from ftzkb.bench.measure import percentile, run_process
from ftzkb.bench.runner import growth, ratios

FAST_STEPS = frozenset({"validate", "validate-cold", "help", "stats", "gaps", "matrix", "adopt"})


def test_tiny_benchmark_writes_results_and_a_table(tmp_path):
    options = BenchOptions(sizes=(30,), runs=1, slow_runs=1, out=tmp_path, only=FAST_STEPS)
    results = run_bench(options, echo=lambda line: None)
    saved = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert saved["sizes"]["30"]["corpus"]["cases_written"] == 30
    validate = saved["sizes"]["30"]["steps"]["validate"]
    assert validate["status"] == "ok" and validate["seconds"] > 0 and validate["peak_mb"] > 5
    for step in saved["sizes"]["30"]["steps"].values():
        assert step["status"] in ("ok", "n/a"), step  # a missing command is n/a, never a crash
    assert saved["machine"]["cpus"] and saved["command"].startswith("ftzkb bench --sizes 30")
    table = render_table(results, "en")
    assert "| validate | " in table and "30 cases" in table
    assert (tmp_path / "corpora" / "s30-seed1" / "SYNTHETIC").is_file()

    again = BenchOptions(sizes=(30,), runs=2, out=tmp_path, only=frozenset({"help"}), merge=True)
    merged = run_bench(again, echo=lambda line: None)["sizes"]["30"]["steps"]
    assert merged["validate"] == validate and merged["help"]["runs"] == 2


def test_peak_memory_is_the_childs_own_not_the_runners():
    ballast = bytearray(300 * 1024 * 1024)  # makes this process large; a small child must still look small
    small = run_process([sys.executable, "-c", "pass"])
    big = run_process([sys.executable, "-c", "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"])
    assert small.ok and small.peak_mb < 100
    assert 200 < big.peak_mb < 300 + len(ballast) // 2**20
    assert run_process([sys.executable, "-c", "import sys; sys.exit(3)"]).returncode == 3


def test_percentiles_ratios_and_growth_limit():
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile(list(range(1, 21)), 0.95) == 19
    ok = {"status": "ok"}
    baseline = {**ok, "seconds": 40}
    results = {"sizes": {
        "5000": {"steps": {"validate": {**ok, "seconds": 1.0, "peak_mb": 100}, "check-jsonschema": baseline}},
        "20000": {"steps": {"validate": {**ok, "seconds": 5.0, "peak_mb": 400}, "check-jsonschema": baseline}},
    }}
    assert ratios(results)["5000"]["check-jsonschema / validate"] == {"ratio": 40, "same_run": True}
    found = growth(results)["5000->20000"]
    assert found["validate.seconds"] == {"factor": 5.0, "limit": 4.5, "ok": False}
    assert found["validate.peak_mb"]["ok"] is True


@pytest.mark.parametrize("args", [["--sizes", "abc"], ["--sizes", "0"], ["--only", "nonsense"]])
def test_bad_options_are_usage_errors(args, tmp_path):
    result = subprocess.run([sys.executable, "-m", "ftzkb", "bench", *args, "--out", str(tmp_path)],
                            capture_output=True, text=True, env={**os.environ, "FTZKB_LANG": "en"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
