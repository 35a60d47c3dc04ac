"""A carrier's replication ledger (复制推广台账): the sheet the provincial office sends each carrier
every reporting round, and reads back when it is filled in (`ftzkb.record.ledger`).

One row per case the carrier is mandated to adopt (with its batch), is eligible for, or already
has records of. The case columns are read-only; the carrier fills in the current status, date,
evidence, note and an outcome figure. The last column, 校验码, holds two short hashes: of the
carrier's records of that case as exported, and of the row's editable cells as exported. Reading
back, a row whose cells still hash the same was not touched; a touched row whose records changed
in the repository since the export is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ftzkb.export.files import RowsCache, write_csv, write_xlsx
from ftzkb.export.rows import Column, Row, Sheet
from ftzkb.fsio import FileRefused
from ftzkb.load.audience import without_internal_text
from ftzkb.load.loader import worker_count
from ftzkb.load.model import PUBLIC, Adoption, Carrier, Case, Corpus
from ftzkb.load.version import DataVersion
from ftzkb.replication import index_of
from ftzkb.replication.batches import batch_cases, mandating_batches
from ftzkb.replication.core import cases_held_by, record_holders, record_rank, suits
from ftzkb.vocab import label, vocab

LEDGER_SHEET = "台账"
COVER_SHEET = "填写说明"
TITLE_MARK = "复制推广台账"  # the title row starts with it; the reader finds the carrier id in it
FINGERPRINT_KEY = "fingerprint"
SEPARATOR = "；"

# Read-only, then editable; the keys are what the sheet reader maps the headings to.
CASE_KEYS = ("case", "case_title", "origin", "categories", "batch", "group")
EDITABLE = frozenset({"status", "date", "evidence", "note", "outcome_metric", "outcome_before", "outcome_after",
                      "outcome_change", "outcome_unit", "outcome_source"})
LEDGER_COLUMNS = [
    Column("case", "案例编号", "case id", 30), Column("case_title", "案例名称", "case title", 40),
    Column("origin", "首创载体", "origin", 14), Column("categories", "改革领域", "categories", 16),
    Column("batch", "要求复制的批次", "mandating batch", 22), Column("group", "类别", "group", 12),
    Column("status", "复制状态", "status", 12), Column("date", "复制日期", "date", 13),
    Column("evidence", "证据（文号或网址）", "evidence", 34), Column("note", "备注", "note", 30),
    Column("outcome_metric", "成效指标", "outcome metric", 16), Column("outcome_before", "复制前数值", "before", 10),
    Column("outcome_after", "复制后数值", "after", 10), Column("outcome_change", "变化（%）", "change (%)", 10),
    Column("outcome_unit", "单位", "unit", 8), Column("outcome_source", "成效来源（文号或网址）", "outcome source", 28),
    Column(FINGERPRINT_KEY, "校验码（请勿修改）", "check code (do not edit)", 20),
]
NOTES = {
    "status": "从下拉列表中选：已复制、改良复制、试点中、计划复制、不复制、已撤回、状态不明。"
              "状态变了就改这一格，原记录会保留为历史。",
    "date": "写成 2021、2021-03 或 2021-03-05（也可写 2021年3月、2021.3）。是新状态的开始日期。",
    "evidence": "文号（如 苏自贸办〔2021〕3号）或网址；多条用“；”隔开。新记录必须有证据。",
    "outcome_metric": "可选：有来源的成效数字，如审批用时从 15 个工作日减到 5 个工作日。",
    "outcome_change": "变化百分比，减少写负数，如 -60。",
    "outcome_source": "成效数字的来源（文号或网址）；填了成效就必须填来源。",
}
MANDATED, HAS_RECORDS, ELIGIBLE = "mandated", "records", "eligible"
GROUP_LABELS = {MANDATED: "规定动作", HAS_RECORDS: "已有记录", ELIGIBLE: "可复制"}


@dataclass(frozen=True)
class LedgerRow:
    case: Case
    group: str
    batches: tuple[str, ...]  # batch keys that mandate the case for this carrier
    records: tuple[Adoption, ...]  # the carrier's records of the case, all periods


def ledger_rows(corpus: Corpus, carrier: Carrier, audience: str = PUBLIC) -> list[LedgerRow]:
    """The carrier's rows: mandated cases first (by batch), then cases with records, then the
    cases it is eligible for (neither originated by it nor withdrawn), each group by case id."""
    index = index_of(corpus)
    mandated = _mandated_cases(corpus, carrier.id)
    with_records = cases_held_by(corpus, carrier.id)
    groups: dict[str, list[LedgerRow]] = {MANDATED: [], HAS_RECORDS: []}
    for case_id in sorted(mandated.keys() | with_records):
        case = corpus.cases[case_id]
        if audience == PUBLIC and case.audience != PUBLIC:
            continue
        records = _visible(case.records_of(carrier.id), audience) if case_id in with_records else ()
        if case_id in mandated or records:  # else (its records are all internal) it is one to offer, below
            group = MANDATED if case_id in mandated else HAS_RECORDS
            groups[group].append(LedgerRow(case, group, tuple(mandated.get(case_id, ())), records))
    taken = {row.case.id for rows in groups.values() for row in rows}
    # The cases open to a carrier of its types are the same rows for every such carrier: worked out once.
    offered = index.remember("ledger-open", (frozenset(carrier.types), audience),
                             lambda: _open_rows(corpus, carrier.types, audience))
    eligible_rows = [row for row in offered if row.case.id not in taken and row.case.origin_carrier != carrier.id]
    return groups[MANDATED] + groups[HAS_RECORDS] + eligible_rows


def _open_rows(corpus: Corpus, carrier_types: Iterable[str], audience: str) -> list[LedgerRow]:
    """The active cases a carrier of these types is eligible for (shown to this audience), by id."""
    return [LedgerRow(case, ELIGIBLE, (), ()) for case in sorted(corpus.cases.values(), key=lambda c: c.id)
            if case.lifecycle == "active" and suits(case, carrier_types)
            and (audience != PUBLIC or case.audience == PUBLIC)]


def _mandated_cases(corpus: Corpus, carrier_id: str) -> dict[str, list[str]]:
    """case id -> the replication batches that mandate it for this carrier (not its own cases)."""
    mine = mandating_batches(corpus, carrier_id)
    found: dict[str, list[str]] = {}
    for key, case_ids in batch_cases(corpus).items():
        if key in mine:
            for case_id in case_ids:
                if corpus.cases[case_id].origin_carrier != carrier_id:
                    found.setdefault(case_id, []).append(key)
    return found


def shown_records(case: Case, carrier_id: str, audience: str = PUBLIC) -> tuple[Adoption, ...]:
    """The records of a carrier that a ledger shows and hashes: in a public ledger (the default:
    it leaves the office) only the public ones; in an internal ledger all of them."""
    return _visible(case.records_of(carrier_id), audience)


def _visible(records: tuple[Adoption, ...], audience: str) -> tuple[Adoption, ...]:
    """The records a ledger for this audience shows: for the public, the public ones with their
    internal text (a note, a figure's note) left out."""
    if audience != PUBLIC:
        return records
    return tuple(without_internal_text(a) for a in records if a.audience == PUBLIC)


def hidden_records(case: Case, carrier_id: str, audience: str = PUBLIC) -> bool:
    return audience == PUBLIC and any(a.audience != PUBLIC for a in case.records_of(carrier_id))


def state_hash(records: Iterable[Adoption]) -> str:
    """What the repository held for this carrier and case: changes whenever a record changes."""
    shape = [[r.status, r.date, r.until, r.mandate, r.mandated_by,
              [s.url or s.document or s.title for s in r.evidence], r.note.text if r.note else None,
              len(r.outcome_figures)] for r in records]
    return _short_hash(shape)


_EDITABLE_ORDER = tuple(sorted(EDITABLE))


def values_hash(values: dict[str, str]) -> str:
    """The editable cells as text (empty ones left out): tells whether the official touched the row.
    Run on every row of every returned ledger, so it joins plain text instead of encoding JSON."""
    text = "\x1f".join(f"{key}\x1e{values[key]}" for key in _EDITABLE_ORDER if values.get(key))
    return hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


def _short_hash(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


def fingerprint(state: str, values: str) -> str:
    return f"{state}-{values}"


def split_fingerprint(text: str) -> tuple[str, str] | None:
    state, _, values = text.strip().partition("-")
    if len(state) == 10 and len(values) == 10:
        return state, values
    return None


def editable_values(row: LedgerRow) -> dict[str, str]:
    """The current period as the official sees it, prefilled in the editable cells."""
    if not row.records:
        return {}
    current = max(row.records, key=record_rank)  # of the records the ledger shows (public ones)
    values = {"status": label("adoption_status", current.status, "zh"),
              "date": "" if current.date == "unknown" else current.date,
              "evidence": SEPARATOR.join(s.url or s.document or s.title for s in current.evidence),
              "note": current.note.text if current.note else ""}
    return {k: v for k, v in values.items() if v}


def ledger_row_cells(corpus: Corpus, row: LedgerRow) -> Row:
    """The row's cells. A row with no records is the same in the ledger of every carrier it is
    offered or mandated to alike, so its cells are worked out once (and must not be changed by
    whoever gets them)."""
    if not row.records:
        return index_of(corpus).remember("ledger-plain-row", (row.case.id, row.group, row.batches),
                                         lambda: _row_cells(corpus, row))
    return _row_cells(corpus, row)


def _row_cells(corpus: Corpus, row: LedgerRow) -> Row:
    values = editable_values(row)
    return {
        **_case_cells(corpus, row.case),
        "batch": SEPARATOR.join(batch_name(key) for key in row.batches), "group": GROUP_LABELS[row.group],
        **values,
        FINGERPRINT_KEY: fingerprint(state_hash(row.records), values_hash(values)),
    }


def _case_cells(corpus: Corpus, case: Case) -> Row:
    """The read-only cells of a case, the same in every carrier's ledger: worked out once."""
    def compute() -> Row:
        return {"case": case.id, "case_title": case.title, "origin": corpus.carrier_name(case.origin_carrier),
                "categories": "、".join(label("category", c, "zh") for c in case.categories)}

    return index_of(corpus).remember("ledger-case-cells", case.id, compute)


@cache
def batch_name(key: str) -> str:
    level, _, number = key.rpartition("-")
    return f"{label('recognition_level', level, 'zh')}第{number}批" if level in vocab("recognition_level") else key


INTERNAL_MARK = "内部版"


def title_line(carrier: Carrier, version: DataVersion, audience: str = PUBLIC) -> str:
    """The first line of the sheet: carrier (with its id, which the reader looks for), data
    version, and for an internal ledger the mark that it holds internal records."""
    stamp = version.date.strftime("%Y-%m-%d")
    line = f"{TITLE_MARK}｜{carrier.name}（{carrier.id}）｜数据版本 {version.label}（{stamp}）"
    return line + (f"｜{INTERNAL_MARK}（含内部记录，不得外传）" if audience != PUBLIC else "")


def cover_sheet(carrier: Carrier, version: DataVersion, return_to: str, exported_on: str, rows: int,
                audience: str = PUBLIC) -> Sheet:
    lines = [
        ("载体", f"{carrier.name}（{carrier.id}）"),
        ("数据版本", f"{version.label}（{version.date.strftime('%Y-%m-%d')}）"),
        ("导出日期", exported_on),
        ("案例行数", str(rows)),
        ("怎样填写", "在“台账”表中，只填浅黄色的格子：复制状态（下拉选择）、复制日期、证据（文号或网址）、备注；"
                   "有来源的成效数字填在“成效”各列。白底的案例信息受保护，不能改。"),
        ("状态变化", "状态变了（如 试点中 → 已复制），直接改成新状态并写新的日期："
                   "原来的记录会保留为历史，不会被覆盖。"),
        ("日期写法", "2021、2021-03 或 2021-03-05；也可写 2021年3月、2021.3、2021/03/05。"),
        ("不要改动", "不要改表头、不要删“校验码”列，也不要改文件的第一行（它标明载体和数据版本）；可以改文件名。"),
        ("交回", f"填好后交回：{return_to}。"),
    ]
    columns = [Column("item", "项目", "item", 14), Column("text", "内容", "text", 100)]
    return Sheet(COVER_SHEET, columns, [{"item": a, "text": b} for a, b in lines], freeze="A2", wrap=True,
                 title_rows=[title_line(carrier, version, audience)], filter=False)


def ledger_sheet(corpus: Corpus, carrier: Carrier, version: DataVersion, rows: list[LedgerRow],
                 audience: str = PUBLIC) -> Sheet:
    statuses = [vocab("adoption_status").label(v, "zh") for v in vocab("adoption_status").values]
    metrics = [vocab("outcome_metric").label(v, "zh") for v in vocab("outcome_metric").values]
    return Sheet(LEDGER_SHEET, LEDGER_COLUMNS, [ledger_row_cells(corpus, row) for row in rows], freeze="C3",
                 title_rows=[title_line(carrier, version, audience)], editable=EDITABLE, protect=True,
                 choices={"status": statuses, "outcome_metric": metrics}, notes=NOTES, wrap=True)


def ledger_file_name(carrier: Carrier, fmt: str) -> str:
    """`台账-昆山经开区-kunshan-etdz.xlsx`: officials may rename it; the reader goes by the title row."""
    safe = "".join(ch for ch in carrier.display_name if ch not in '\\/:*?"<>|').strip() or carrier.id
    return f"台账-{safe}-{carrier.id}.{fmt}"


def write_ledger(corpus: Corpus, carrier: Carrier, version: DataVersion, out: Path, fmt: str, return_to: str,
                 exported_on: str, audience: str = PUBLIC, cache: RowsCache | None = None) -> Path:
    """One carrier's ledger into `out`: a workbook with a cover sheet and the ledger sheet, or a
    CSV (UTF-8 with BOM, for Excel) with the title line above the headings."""
    rows = ledger_rows(corpus, carrier, audience)
    sheet = ledger_sheet(corpus, carrier, version, rows, audience)
    path = out / ledger_file_name(carrier, fmt)
    if fmt == "csv":
        write_csv(sheet.rows, path, sheet.columns, lang="zh", title_rows=sheet.title_rows)
    else:
        write_xlsx([cover_sheet(carrier, version, return_to, exported_on, len(rows), audience), sheet], path,
                   lang="zh", cache=cache)
    return path


@dataclass(frozen=True)
class Round:
    """What every ledger of one export shares."""
    corpus: Corpus
    version: DataVersion
    out: Path
    fmt: str
    return_to: str
    exported_on: str
    audience: str = PUBLIC
    rows: RowsCache = field(default_factory=RowsCache)  # most rows are the same in many ledgers


PARALLEL_FROM = 40  # carriers; fewer are written quicker in this process than a fork costs


def write_ledgers(round_: Round, carrier_ids: list[str], done: Callable[[int], None] | None = None) -> list[Path]:
    """The ledgers of these carriers, in their order. Many are shared between forked processes,
    which read the corpus this process loaded (the whole round at national scale is minutes
    of work in one process)."""
    workers = worker_count(len(carrier_ids), PARALLEL_FROM)
    if len(carrier_ids) > 1:
        record_holders(round_.corpus)  # one table for the round instead of a look through every case per carrier
    if workers < 2:
        return [_write_one(round_, carrier_id, done) for carrier_id in carrier_ids]
    global _ROUND
    _warm(round_.corpus)  # the tables every ledger reads, built once before the fork
    _ROUND = round_
    try:
        chunks = [carrier_ids[i:i + 10] for i in range(0, len(carrier_ids), 10)]
        written: list[Path] = []
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for paths, refused in pool.map(_write_chunk, chunks):
                if refused:
                    raise FileRefused(*refused)
                written += [Path(p) for p in paths]
                if done:
                    done(len(paths))
        return written
    finally:
        _ROUND = None


_ROUND: Round | None = None  # what a forked worker writes from


def _write_one(round_: Round, carrier_id: str, done: Callable[[int], None] | None = None) -> Path:
    path = write_ledger(round_.corpus, round_.corpus.carriers[carrier_id], round_.version, round_.out, round_.fmt,
                        round_.return_to, round_.exported_on, round_.audience, round_.rows)
    if done:
        done(1)
    return path


def _write_chunk(carrier_ids: list[str]) -> tuple[list[str], tuple[str, str] | None]:
    """In a worker: these carriers' ledgers; a refused file comes back as its two messages
    (the exception itself does not survive pickling)."""
    assert _ROUND is not None
    try:
        return [str(_write_one(_ROUND, carrier_id)) for carrier_id in carrier_ids], None
    except FileRefused as exc:
        return [], (exc.zh, exc.en)


def _warm(corpus: Corpus) -> None:
    mandating_batches(corpus, "")
    batch_cases(corpus)
