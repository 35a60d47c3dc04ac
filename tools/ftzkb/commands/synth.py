from __future__ import annotations

from pathlib import Path

import click

from ftzkb.commands.common import echo_json, fail, format_option
from ftzkb.i18n import pick


@click.command(epilog="""\b
示例 / Examples:
  ftzkb synth --cases 5000 --out bench-out/corpora/demo      5,000 个案例、600 个载体、约 10 万条复制记录
  ftzkb synth --cases 300 --carriers 40 --seed 7 --out /tmp/small
  ftzkb validate --root bench-out/corpora/demo                合成语料应当校验无误
\b
默认每个案例 0.12 个载体、平均 20 条复制记录（重尾分布）。输出目录不能是仓库的 cases/ 或 carriers/，
也不能含有非合成文件；目录中会写入 SYNTHETIC 标记。
By default 0.12 carriers per case and a mean of 20 adoptions per case (heavy-tailed). The output may
not be the repository's cases/ or carriers/ nor hold non-synthetic files; a SYNTHETIC marker is written.
""")
@click.option("--cases", type=click.IntRange(min=1), required=True, help="案例数 / number of cases")
@click.option("--carriers", type=click.IntRange(min=1), default=None,
              help="载体数（默认案例数 × 0.12，至少 12） / number of carriers (default cases × 0.12, at least 12)")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子 / random seed")
@click.option("--adoptions-per-case", type=click.FloatRange(min=0), default=20.0, show_default=True,
              help="每个案例平均复制记录数 / mean adoption records per case")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="输出目录（将含 cases/、carriers/ 与 SYNTHETIC） / output directory")
@format_option("text", "json")
def command(cases: int, carriers: int | None, seed: int, adoptions_per_case: float, out: Path, fmt: str) -> None:
    """生成确定性的合成语料（同一种子得到同样的文件），用于基准测试。

    Generate a deterministic synthetic corpus (same seed, same files) for benchmarks.
    """
    from ftzkb.bench.synth import SynthRefused, SynthSpec, write_synthetic

    spec = SynthSpec(cases=cases, carriers=carriers, seed=seed, adoptions_per_case=adoptions_per_case)
    try:
        summary = write_synthetic(spec, out)
    except SynthRefused as exc:
        fail(exc.zh, exc.en, code=2)
    if fmt == "json":
        echo_json(summary.as_dict())
        return
    click.echo(pick(f"已写入 {out}：{summary.cases} 个案例，{summary.carriers} 个载体，{summary.adoptions} 条复制记录，"
                    f"{summary.bytes_written / 1e6:.1f} MB",
                    f"wrote {out}: {summary.cases} cases, {summary.carriers} carriers, {summary.adoptions} adoptions, "
                    f"{summary.bytes_written / 1e6:.1f} MB"))
