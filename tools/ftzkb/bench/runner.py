"""Run the steps at each corpus size, keep medians, ratios, growth and target verdicts,
and write `results.json` (the table is rendered from it by `report.render_table`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ftzkb.bench.measure import Sample, median, percentile, run_process
from ftzkb.bench.steps import GROWTH_LIMIT, RATIOS, STEPS, TARGET_SIZE, Context, Step, ftzkb, missing
from ftzkb.bench.synth import SynthSpec, is_complete, marker_info, write_synthetic
from ftzkb.fsio import write_output
from ftzkb.load.loader import load_corpus
from ftzkb.paths import REPO_ROOT

RESULTS_NAME = "results.json"


@dataclass
class BenchOptions:
    sizes: tuple[int, ...] = (300, 5000, 20000)
    runs: int = 5
    slow_runs: int = 3
    baseline_runs: int = 1
    seed: int = 1
    out: Path = field(default_factory=lambda: REPO_ROOT / "bench-out")
    skip: frozenset[str] = frozenset()
    only: frozenset[str] | None = None
    timeout: float = 3600.0
    merge: bool = False  # keep the other steps' figures from the previous results.json

    def wants(self, step: Step) -> bool:
        return step.id not in self.skip and (self.only is None or step.id in self.only)

    def runs_for(self, step: Step) -> int:
        return self.baseline_runs if step.baseline else self.slow_runs if step.slow else self.runs


def run_bench(options: BenchOptions, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run every wanted step at every size; results.json is rewritten after each step, so an
    interrupted run keeps what it measured."""
    started = dt.datetime.now().isoformat(timespec="seconds")
    compile_package()
    results: dict[str, Any] = {
        "machine": machine_info(), "started": started, "command": reproduce_command(options),
        "options": _options_dict(options), "sizes": _previous_sizes(options)}
    for size in options.sizes:
        corpus, summary = corpus_for(size, options, echo)
        ctx = context_for(corpus, options.out / "work" / f"s{size}")
        entry = results["sizes"].setdefault(str(size), {})
        entry["corpus"], steps = summary, entry.setdefault("steps", {})
        for step in (s for s in STEPS if options.wants(s)):
            steps[step.id] = {**run_step(step, ctx, options), "measured": started}
            echo(f"  {size:>6} {step.id:<18} {_brief(steps[step.id])}")
            _save(results, options)
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    _save(results, options)
    return results


def compile_package() -> None:
    """The package's bytecode written before anything is timed, as a user's Python writes it on
    the first run: where PYTHONDONTWRITEBYTECODE is set (as on some build machines), every timed
    run would otherwise compile again each module it imports."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=2)


def _save(results: dict[str, Any], options: BenchOptions) -> None:
    results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda item: int(item[0])))
    results["ratios"] = ratios(results)
    results["growth"] = growth(results)
    results["targets"] = target_verdicts(results)
    options.out.mkdir(parents=True, exist_ok=True)
    write_output(options.out / RESULTS_NAME, json.dumps(results, ensure_ascii=False, indent=2) + "\n")


def _previous_sizes(options: BenchOptions) -> dict[str, Any]:
    """With --merge, the figures of an earlier run (e.g. before some commands existed) are kept
    for the steps not run now; each step records when it was measured."""
    if not options.merge:
        return {}
    try:
        previous = json.loads((options.out / RESULTS_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return previous.get("sizes", {})


def corpus_for(size: int, options: BenchOptions, echo: Callable[[str], None]) -> tuple[Path, dict]:
    """The synthetic corpus of this size and seed, generated once and reused (bench-out/corpora/)."""
    spec = SynthSpec(cases=size, seed=options.seed)
    directory = options.out / "corpora" / f"s{size}-seed{options.seed}"
    if not is_complete(directory, spec):
        echo(f"synth {size} → {directory}")
        write_synthetic(spec, directory)
    return directory, (marker_info(directory) or {}).get("summary", {})


def context_for(corpus: Path, work: Path) -> Context:
    """Pick the sample ids: an economic zone for `gaps`, and for `adopt` the most adopted case that
    some carrier has not adopted yet, and that carrier."""
    work.mkdir(parents=True, exist_ok=True)
    loaded = load_corpus(corpus).corpus
    carriers = sorted(loaded.carriers)
    zones = [c for c in carriers if "national-etdz" in loaded.carriers[c].types] or carriers
    ctx = Context(corpus=corpus, work=work, sample_carrier=zones[0] if zones else "")
    for case in sorted(loaded.cases.values(), key=lambda c: (-len(c.adoptions), c.id)):
        taken = {a.carrier for a in case.adoptions} | {case.origin_carrier}
        free = [c for c in carriers if c not in taken]
        if free:
            ctx.adopt_case, ctx.adopt_carrier = case.id, free[0]
            break
    return ctx


def run_step(step: Step, ctx: Context, options: BenchOptions) -> dict[str, Any]:
    reason = missing(step.needs) or (step.prepare(ctx) if step.prepare else None)
    if reason:
        return {"status": "n/a", "reason": reason}
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **dict(step.env)}
    if step.queries:
        return _run_queries(step, ctx, env, options)
    try:
        samples = _samples(step, ctx, env, options)
    finally:
        if step.finish:
            step.finish(ctx)
    failed = next((s for s in samples if not s.ok), None)
    if failed:
        return {"status": "failed", "returncode": failed.returncode, "reason": failed.stderr_tail[-600:]}
    seconds = [s.seconds for s in samples]
    return {"status": "ok", "runs": len(samples), "seconds": median(seconds), "min": min(seconds),
            "max": max(seconds), "samples": seconds, "peak_mb": max(s.peak_mb for s in samples)}


def _samples(step: Step, ctx: Context, env: dict[str, str], options: BenchOptions) -> list[Sample]:
    """The step's runs, up to the first that fails."""
    samples: list[Sample] = []
    for _ in range(options.runs_for(step)):
        sample = _combined([run_process(argv, cwd=ctx.corpus if step.cwd_is_corpus else None, env=env,
                                        timeout=options.timeout) for argv in step.invocations(ctx)])
        if step.after_run:
            step.after_run(ctx)
        samples.append(sample)
        if not sample.ok:
            break
    return samples


def _combined(parts: list[Sample]) -> Sample:
    """Several processes making up one step (e.g. one per schema): times add up, the peak is the largest."""
    failed = next((p for p in parts if not p.ok), None)
    return Sample(sum(p.seconds for p in parts), max(p.peak_mb for p in parts),
                  failed.returncode if failed else 0, failed.stderr_tail if failed else "")


def _run_queries(step: Step, ctx: Context, env: dict[str, str], options: BenchOptions) -> dict[str, Any]:
    output = ctx.work / f"{step.id}.json"
    argv = [sys.executable, "-m", step.driver, json.dumps(step.invocations(ctx), ensure_ascii=False)]
    sample = run_process(argv, env=env, timeout=options.timeout, stdout_path=output)
    try:
        timings = json.loads(output.read_text("utf-8"))
    except (OSError, ValueError):
        timings = []
    if not sample.ok or not timings or any(t["code"] for t in timings):
        return {"status": "failed", "returncode": sample.returncode, "reason": sample.stderr_tail[-600:]}
    latencies = [t["seconds"] for t in timings[1:]]  # the first pays for imports and opening the index
    return {"status": "ok", "runs": len(latencies), "seconds": median(latencies), "p50": median(latencies),
            "p95": percentile(latencies, 0.95), "first": timings[0]["seconds"], "samples": latencies,
            "peak_mb": sample.peak_mb}


def _figure(results: dict, size: str, step_id: str, key: str = "seconds") -> float | None:
    entry = results["sizes"].get(size, {}).get("steps", {}).get(step_id, {})
    return entry.get(key) if entry.get("status") == "ok" else None


def ratios(results: dict) -> dict[str, dict[str, dict[str, Any]]]:
    """Baseline over ftzkb, per size; `same_run` is false when --merge put figures of two runs together."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for size in results["sizes"]:
        for name, (top, bottom) in RATIOS.items():
            a, b = _figure(results, size, top), _figure(results, size, bottom)
            if a is not None and b:
                when = {_figure(results, size, step, "measured") for step in (top, bottom)}
                found.setdefault(size, {})[name] = {"ratio": round(a / b, 2), "same_run": len(when) == 1}
    return found


def growth(results: dict) -> dict[str, dict[str, Any]]:
    """How each figure grows between consecutive sizes; the 4.5× limit applies where the data grows 4×."""
    sizes = sorted(results["sizes"], key=int)
    found: dict[str, dict[str, Any]] = {}
    for small, large in itertools.pairwise(sizes):
        limited = int(large) == 4 * int(small)
        for step_id in results["sizes"][large]["steps"]:
            for key in ("seconds", "peak_mb"):
                a, b = _figure(results, small, step_id, key), _figure(results, large, step_id, key)
                if a and b is not None:
                    factor = round(b / a, 2)
                    entry = {"factor": factor, "limit": GROWTH_LIMIT if limited else None,
                             "ok": factor <= GROWTH_LIMIT if limited else None}
                    found.setdefault(f"{small}->{large}", {})[f"{step_id}.{key}"] = entry
    return found


def target_verdicts(results: dict) -> dict[str, dict[str, Any]]:
    size = str(TARGET_SIZE)
    verdicts: dict[str, dict[str, Any]] = {}
    for step in STEPS:
        if step.target is None:
            continue
        seconds, peak = _figure(results, size, step.id), _figure(results, size, step.id, "peak_mb")
        checks = []
        if step.target.seconds is not None and seconds is not None:
            checks.append(seconds <= step.target.seconds)
        if step.target.peak_mb is not None and peak is not None:
            checks.append(peak <= step.target.peak_mb)
        verdicts[step.id] = {"target": step.target.describe(), "size": TARGET_SIZE,
                             "ok": all(checks) if checks else None}
    return verdicts


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(), "python": platform.python_version(),
                            "cpus": os.cpu_count()}
    for path, key, label in (("/proc/cpuinfo", "model name", "cpu"), ("/proc/meminfo", "MemTotal", "memory")):
        try:
            line = next(li for li in Path(path).read_text().splitlines() if li.startswith(key))
            info[label] = line.split(":", 1)[1].strip()
        except (OSError, StopIteration):
            pass
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        info["commit"] = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                                        capture_output=True, text=True, check=True).stdout.strip()
    return info


def reproduce_command(options: BenchOptions) -> str:
    parts = ["ftzkb", "bench", "--sizes", ",".join(map(str, options.sizes)), "--runs", str(options.runs)]
    if options.skip:
        parts += ["--skip", ",".join(sorted(options.skip))]
    if options.only:
        parts += ["--only", ",".join(sorted(options.only))]
    if options.merge:
        parts.append("--merge")
    return " ".join(parts)


def _options_dict(options: BenchOptions) -> dict[str, Any]:
    data = asdict(options)
    data.update(out=str(options.out), skip=sorted(options.skip), only=sorted(options.only or ()) or None,
                ftzkb=" ".join(ftzkb()))
    return data


def _brief(entry: dict) -> str:
    if entry["status"] != "ok":
        last_lines = (entry.get("reason") or "").strip().splitlines()[-1:]
        return f"{entry['status']}: {' '.join(last_lines)}"
    if "p50" in entry:
        return f"p50 {entry['p50'] * 1000:.1f} ms, p95 {entry['p95'] * 1000:.1f} ms, {entry['peak_mb']:.0f} MB"
    return f"{entry['seconds']:.3f} s, {entry['peak_mb']:.0f} MB"
