from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ftzkb.commands.tables import fit, format_table

from ..i18n import pick
from ..vocab import label, vocab
from .common import VocabularyValue, echo_json, fail, format_option, load_for_query, progress, resolved, root_option

if TYPE_CHECKING:  # the queries and the exporters load when the command runs, not for --help
    from ..export import Column
    from ..load.model import Corpus
    from ..replication import Flow, Matrix, MatrixFilters

_YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def parse_years(value: str | None) -> tuple[int, int] | None:
    """`2021` or `2019-2021` → an inclusive range; raises click.BadParameter otherwise."""
    if not value:
        return None
    match = _YEARS.match(value.strip())
    if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
        raise click.BadParameter(pick(f"“{value}”不是年份或年份区间（如 2021 或 2019-2021）",
                                      f"'{value}' is not a year or a range of years (e.g. 2021 or 2019-2021)"))
    first = int(match.group(1))
    return first, int(match.group(2) or first)


def resolve_recognitions(corpus: Corpus, values: tuple[str, ...]) -> tuple[str, ...]:
    """Levels or the corpus's batches, by key or name (全省复制推广第1批)."""
    from ftzkb.replication import batches
    from ftzkb.resolve import recognitions

    if not values:
        return ()
    resolver = recognitions([b.key for b in batches(corpus)])
    return tuple(dict.fromkeys(resolved(resolver, value) for value in values))


def resolve_origins(corpus: Corpus, values: tuple[str, ...]) -> tuple[str, ...]:
    """Carriers or carrier types, each by id, name or label (南京片区, 自贸试验区片区)."""
    from ftzkb.resolve import CARRIER, Kind, Resolver, carriers_of, vocabulary

    if not values:
        return ()
    carriers, types = carriers_of(corpus), vocabulary("carrier_type")
    both = Resolver(Kind("载体或载体类型", "carrier or carrier type", CARRIER.home),
                    lambda: {**types.names, **carriers.names},
                    is_id=lambda text: text in corpus.carriers or text in vocab("carrier_type"))
    return tuple(dict.fromkeys(resolved(both, value) for value in values))


@click.command(epilog="""\b
示例 / Examples:
  ftzkb matrix                                   终端里的矩阵（符号见图例）
  ftzkb matrix --origin nanjing-area --status adopted --year 2021-2023
  ftzkb matrix --origin ftz-area --carrier-type national-etdz      片区首创、经开区复制
  ftzkb matrix --origin 南京片区 --category 金融 --status 已复制       也可写中文名称
  ftzkb matrix --recognition provincial-replication-1 --format xlsx -o 第一批.xlsx
  ftzkb matrix --format csv -o matrix.csv        CSV（带 BOM，Excel 直接打开）
  ftzkb matrix --flow type                       首创 × 复制 流向（按载体类型），显示双向复制
  ftzkb matrix --flow carrier --format json
\b
筛选可重复 / filters repeat: --status adopted --status adapted
--origin 可写载体或载体类型；载体、领域、状态、批次都可写 id 或中文名称（南京片区、金融、已复制、全省复制推广第1批）。
--origin takes a carrier or a carrier type; every value may be an id or a name.
""")
@click.option("--origin", "origins", multiple=True, metavar="CARRIER|TYPE",
              help="首创载体或载体类型（id 或名称） / origin carrier or carrier type (id or name)")
@click.option("--category", "categories", multiple=True, type=VocabularyValue("category"),
              help="改革领域（代码或中文名称） / category (code or label)")
@click.option("--carrier-type", "carrier_types", multiple=True, type=VocabularyValue("carrier_type"),
              help="复制载体类型 / adopting carrier type")
@click.option("--recognition", "recognitions", multiple=True,
              help="认定层级或批次，如 provincial-replication-1 / recognition level or batch")
@click.option("--status", "statuses", multiple=True, type=VocabularyValue("adoption_status"),
              help="复制状态（代码或中文名称） / status (code or label)")
@click.option("--year", "years", metavar="YYYY[-YYYY]", help="复制年份或区间 / adoption year or range")
@click.option("--flow", type=click.Choice(["carrier", "type"]), default=None,
              help="输出首创 × 复制流向计数 / output origin × adopter counts instead")
@format_option("text", "json", "csv", "xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（xlsx 必填） / output file (required for xlsx)")
@root_option
def command(origins: tuple[str, ...], categories: tuple[str, ...], carrier_types: tuple[str, ...],
            recognitions: tuple[str, ...], statuses: tuple[str, ...], years: str | None, flow: str | None, fmt: str,
            output: Path | None, root: Path | None) -> None:
    """复制推广矩阵：案例 × 载体，单元格为状态与日期；或首创 × 复制的流向计数。

    The adoption matrix: cases × carriers with status and date; or origin × adopter flow counts.
    """
    if fmt == "xlsx" and output is None:
        fail("xlsx 需要用 -o 指定输出文件", "xlsx needs an output file: -o FILE", code=2)
    from ..replication import MatrixFilters, flow_matrix

    year_range = parse_years(years)
    corpus = load_for_query(root)
    filters = MatrixFilters(resolve_origins(corpus, origins), categories, carrier_types,
                            resolve_recognitions(corpus, recognitions), statuses, year_range)
    if flow:
        _emit_flow(flow_matrix(corpus, flow), fmt, output)
    else:
        _emit_matrix(corpus, filters, fmt, output)


def _emit_matrix(corpus: Corpus, filters: MatrixFilters, fmt: str, output: Path | None) -> None:
    from ..export import matrix_sheets, matrix_table, write_csv, write_xlsx
    from ..replication import adoption_matrix, flow_matrix

    matrix = adoption_matrix(corpus, filters)
    if fmt == "json":
        echo_json(matrix.as_dict(), indent=None)  # tens of megabytes for a national corpus
    elif fmt == "csv":
        columns, rows = matrix_table(matrix)
        write_csv(rows, output or sys.stdout, [_csv_column(c) for c in columns])
    elif fmt == "xlsx":
        assert output is not None, "the command refuses xlsx without -o"
        sheets = matrix_sheets(matrix, flow_matrix(corpus, "type"), filters_text=_describe(filters))
        with progress(len(matrix.rows), "写入 Excel", "writing Excel") as bar:
            write_xlsx(sheets, output, progress=bar.update)
        click.echo(pick(f"已写入 {output}：{len(matrix.rows)} 个案例 × {len(matrix.carriers)} 个载体",
                        f"wrote {output}: {len(matrix.rows)} cases × {len(matrix.carriers)} carriers"), err=True)
    else:
        click.echo(render_text(matrix))


def _csv_column(column: Column) -> Column:
    """Carrier columns are headed by id and name, so a CSV can be read by people and programs."""
    from ..export import Column

    if column.zh == column.en and column.key != column.zh:
        return Column(column.key, f"{column.zh} ({column.key})", f"{column.en} ({column.key})")
    return column


def _describe(filters: MatrixFilters) -> str:
    parts = [f"{name}={','.join(values)}" for name, values in (
        ("origin", filters.origins), ("category", filters.categories), ("carrier-type", filters.carrier_types),
        ("recognition", filters.recognitions), ("status", filters.statuses)) if values]
    if filters.years:
        parts.append(f"year={filters.years[0]}-{filters.years[1]}")
    return "; ".join(parts)


def render_text(matrix: Matrix) -> str:
    """Rows of symbols under numbered carrier columns, the carriers and a legend below."""
    from ..export import STATUS_SYMBOLS
    from ..replication import status_counts

    if not matrix.rows:
        return pick("没有符合条件的案例", "no cases match")
    numbers = [str(i + 1) for i in range(len(matrix.carriers))]
    width = max(len(n) for n in numbers) if numbers else 1
    lines = [fit("", 36) + " " + " ".join(n.rjust(width) for n in numbers)]
    for row in matrix.rows:
        symbols = [STATUS_SYMBOLS.get(row.cells[c].status, "?") if c in row.cells else "·" for c in matrix.carriers]
        lines.append(fit(row.title, 36) + " " + " ".join(s.rjust(width) for s in symbols) + f"  {row.case_id}")
    lines.append("")
    lines += [f"{n.rjust(width)} {matrix.carrier_names[c]} ({c})" for n, c in zip(numbers, matrix.carriers,
                                                                               strict=True)]
    counts = status_counts(matrix)
    legend = "  ".join(f"{STATUS_SYMBOLS[s]} {label('adoption_status', s)} {counts.get(s, 0)}"
                       for s in vocab("adoption_status").values)
    lines += ["", pick("图例：", "legend: ") + legend + "  · " + pick("无记录", "no record")]
    return "\n".join(lines)


def _emit_flow(flow: Flow, fmt: str, output: Path | None) -> None:
    from ..export import flow_sheet, write_csv, write_xlsx

    if fmt == "json":
        echo_json(flow.as_dict())
        return
    sheet = flow_sheet(flow)
    if fmt == "csv":
        write_csv(sheet.rows, output or sys.stdout, sheet.columns)
    elif fmt == "xlsx":
        assert output is not None, "the command refuses xlsx without -o"
        write_xlsx([sheet], output)
    else:
        headings = [c.heading() for c in sheet.columns]
        click.echo(format_table(headings, [[row[c.key] for c in sheet.columns] for row in sheet.rows], 24))
        click.echo("")
        click.echo(render_directions(flow.directions))


def render_directions(directions: dict[str, int]) -> str:
    names = {"ftz-to-ftz": ("自贸片区 → 自贸片区", "FTZ → FTZ"),
             "ftz-to-other": ("自贸片区 → 其他载体", "FTZ → other carriers"),
             "other-to-ftz": ("其他载体 → 自贸片区", "other carriers → FTZ"),
             "other-to-other": ("其他载体 → 其他载体", "other → other")}
    return "\n".join(f"{pick(*names[key])}: {count}" for key, count in directions.items())
