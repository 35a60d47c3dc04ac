"""Running one step as a real process: wall time and that process's own peak memory."""

from __future__ import annotations

import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    returncode: int
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


# A small Python process starts the step and measures it. Linux counts a process's peak memory from
# before its exec, and a child started straight from this (large) process would inherit our peak; a
# child forked from the small starter does not. The starter writes "seconds peak_kb" to argv[1].
_STARTER = """\
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{time.perf_counter() - start} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                timeout: float | None = None, stdout_path: Path | None = None) -> Sample:
    """Run `argv` to completion: wall time and peak RSS of that process (the largest of it and the
    children it waited for, such as worker processes), in MB."""
    with tempfile.TemporaryDirectory() as scratch, open(stdout_path or os.devnull, "wb") as out:
        report, err_path = Path(scratch) / "report", Path(scratch) / "stderr"
        with open(err_path, "wb") as err:
            process = subprocess.Popen([sys.executable, "-I", "-S", "-c", _STARTER, str(report), *argv], cwd=cwd,
                                       env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the starter and the step it started
                code = process.wait()
        tail = err_path.read_bytes()[-2000:].decode("utf-8", "replace")
        try:
            seconds, peak_kb = map(float, report.read_text().split())
        except (OSError, ValueError):
            return Sample(float("nan"), float("nan"), code or 1, tail or "the program did not start")
    return Sample(seconds, peak_kb / 1024, code, tail)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
