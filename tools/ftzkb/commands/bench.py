from __future__ import annotations

from pathlib import Path

import click

from ftzkb.bench.steps import step_ids
from ftzkb.commands.common import echo_json, fail, format_option
from ftzkb.paths import REPO_ROOT


def _int_list(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter("应为逗号分隔的整数，如 300,5000 / comma-separated integers, e.g. 300,5000") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("至少一个正整数 / at least one positive integer")
    return sizes


def _step_list(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    chosen = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(chosen - set(step_ids()))
    if unknown:
        raise click.BadParameter(f"未知步骤 / unknown steps: {', '.join(unknown)}; "
                                 f"可选 / choose from: {', '.join(step_ids())}")
    return chosen


@click.command(epilog=f"""\b
示例 / Examples:
  ftzkb bench                                   300、5,000、20,000 个案例，全部步骤（耗时较长）
  ftzkb bench --sizes 300,5000 --runs 3
  ftzkb bench --sizes 30 --runs 1 --skip site,site-plain-mkdocs,check-jsonschema   快速试跑
  ftzkb bench --only validate,check-jsonschema --sizes 5000
  ftzkb bench --only site,site-plain-mkdocs --merge      只重测这些步骤，其余沿用上次结果
\b
步骤 / steps: {', '.join(step_ids())}
合成语料缓存在 OUT/corpora/，结果写入 OUT/results.json。
Synthetic corpora are cached in OUT/corpora/; results go to OUT/results.json.
""")
@click.option("--sizes", default="300,5000,20000", show_default=True, callback=_int_list,
              help="语料规模（案例数，逗号分隔） / corpus sizes in cases, comma-separated")
@click.option("--runs", type=click.IntRange(min=1), default=5, show_default=True,
              help="每步运行次数（取中位数） / runs per step (median)")
@click.option("--slow-runs", type=click.IntRange(min=1), default=3, show_default=True,
              help="慢步骤（站点、索引、无缓存校验）的运行次数 / runs of the slow steps")
@click.option("--baseline-runs", type=click.IntRange(min=1), default=1, show_default=True,
              help="check-jsonschema 的运行次数（它很慢） / runs of check-jsonschema (it is slow)")
@click.option("--seed", type=int, default=1, show_default=True, help="合成语料的随机种子 / synthetic corpus seed")
@click.option("--skip", callback=_step_list, default=None, help="跳过的步骤 / steps to skip")
@click.option("--only", callback=_step_list, default=None, help="只运行这些步骤 / run only these steps")
@click.option("--merge", is_flag=True,
              help="保留上次结果中未运行步骤的数据 / keep the figures of steps not run now from the last results")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=REPO_ROOT / "bench-out",
              show_default="bench-out/", help="输出目录 / output directory")
@format_option("text", "json")
def command(sizes: tuple[int, ...], runs: int, slow_runs: int, baseline_runs: int, seed: int,
            skip: frozenset[str] | None, only: frozenset[str] | None, merge: bool, out: Path, fmt: str) -> None:
    """运行性能基准：在合成语料上测量各命令的耗时中位数与内存峰值，并与基线比较。

    Run the benchmarks: median time and peak memory of each command on synthetic corpora,
    with baselines (check-jsonschema, plain MkDocs) measured in the same run.
    """
    from ftzkb.bench import BenchOptions, render_table, run_bench
    from ftzkb.bench.synth import SynthRefused

    options = BenchOptions(sizes=sizes, runs=runs, slow_runs=slow_runs, baseline_runs=baseline_runs, seed=seed,
                           out=out, skip=skip or frozenset(), only=only, merge=merge)
    try:
        results = run_bench(options, echo=lambda line: click.echo(line, err=True))
    except SynthRefused as exc:
        fail(exc.zh, exc.en, code=2)
    if fmt == "json":
        echo_json(results)
    else:
        click.echo(render_table(results))
