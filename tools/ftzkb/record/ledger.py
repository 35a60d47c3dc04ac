"""Reading filled replication ledgers back (`ftzkb ledger import`): many files at once, through the
one sheet importer (`record.bulk`), with what only a ledger can tell — rows the official did not
touch (their cells still hash as exported) and conflicts (a touched row whose records changed in
the repository after the export). The plan is per carrier; it is applied all or nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb.export.ledger import (
    FINGERPRINT_KEY,
    hidden_records,
    shown_records,
    split_fingerprint,
    state_hash,
)
from ftzkb.load.model import PUBLIC, Case, Corpus
from ftzkb.record.bulk import BulkPlan, BulkRow, Names, Problem, SheetInfo, plan_rows, read_rows
from ftzkb.record.sheets import SheetError
from ftzkb.replication.core import current_record, record_rank

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_FILES = 2_000


@dataclass
class LedgerFile:
    path: Path
    info: SheetInfo
    rows: list[BulkRow] = field(default_factory=list)  # to apply
    untouched: int = 0
    conflicts: list[Problem] = field(default_factory=list)  # and rows refused for what only a ledger requires


@dataclass
class LedgerImport:
    files: list[LedgerFile]
    plan: BulkPlan

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems

    def summary(self) -> dict[str, Counter[str]]:
        """carrier -> counts of added, new-period, updated, unchanged, untouched, conflicts."""
        counts: dict[str, Counter[str]] = {}
        for file in self.files:
            for row in file.rows:
                counts.setdefault(row.carrier, Counter())
            carrier = file.info.carrier or (file.rows[0].carrier if file.rows else str(file.path.name))
            counts.setdefault(carrier, Counter())["untouched"] += file.untouched
            counts[carrier]["conflicts"] += len(file.conflicts)
        for planned in self.plan.plans:
            for _, carrier, action in planned.actions:
                counts.setdefault(carrier, Counter())[action] += 1
        return counts


def ledger_files(inputs: list[Path]) -> list[Path]:
    """The sheets named, and those inside named directories (Excel's `~$` lock files left out)."""
    found: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            found += sorted(p for p in item.iterdir() if p.suffix.lower() in SHEET_SUFFIXES
                            and not p.name.startswith(("~$", ".")) and p.is_file())
        else:
            found.append(item)
    if not found:
        raise SheetError("没有找到台账文件（.xlsx 或 .csv）", "no ledger files (.xlsx or .csv) found")
    if len(found) > MAX_FILES:
        raise SheetError(f"一次最多导入 {MAX_FILES} 个文件", f"at most {MAX_FILES} files at a time")
    return found


def read_ledgers(inputs: list[Path], root: Path, load: Callable[[], Corpus], carrier: str | None = None
                 ) -> tuple[list[LedgerFile], list[Problem]]:
    """Every sheet is read (and a file that is not a ledger refused) before `load()` reads the
    corpus, so a zip bomb or a stray text file is turned away at once."""
    names = Names(root)  # the ids of cases and carriers, read once for all the files
    read = [(path, *read_rows(path, root, carrier, names)) for path in ledger_files(inputs)]
    corpus = load()
    files, problems = [], []
    for path, rows, found, info in read:
        problems += found
        files.append(_sorted_rows(LedgerFile(path, info), rows, corpus))
        problems += files[-1].conflicts
    return files, problems


def _needs_evidence(row: BulkRow, corpus: Corpus, audience: str) -> bool:
    """A new record or a new period must carry its evidence (a document number or a URL)."""
    if row.change.status is None or row.change.evidence:
        return False
    case = corpus.cases.get(row.case)
    shown = shown_records(case, row.carrier, audience) if case else ()
    return not shown or max(shown, key=record_rank).status != row.change.status


def _would_replace_internal_note(row: BulkRow, case: Case, audience: str) -> bool:
    """A note written in a public ledger for a carrier whose current record (same status: the
    period is updated, not followed by a new one) holds an internal note the ledger left out."""
    if audience != PUBLIC or not row.change.note:
        return False
    current = current_record(case, row.carrier)
    if current is None:
        return False
    same_period = row.change.status in (None, current.status)
    return same_period and current.note is not None and current.note.audience != PUBLIC


def _sorted_rows(file: LedgerFile, rows: list[BulkRow], corpus: Corpus) -> LedgerFile:
    file.untouched = file.info.untouched  # counted while reading (`record.bulk.read_rows`)
    for row in rows:
        exported = split_fingerprint(row.cells.get(FINGERPRINT_KEY, ""))
        if exported is None and row.change.is_empty():
            continue
        case = corpus.cases.get(row.case)
        if case is not None and hidden_records(case, row.carrier, file.info.audience):
            file.conflicts.append(Problem(row.number, 0, row.place,
                                          f"{row.case} ← {row.carrier} 另有内部记录，公开版台账不能改动它："
                                          "请导出内部版台账（ftzkb ledger export --audience internal）再填",
                                          "this record has internal periods a public ledger cannot change: "
                                          "use an internal ledger (--audience internal)"))
            continue
        if case is not None and _would_replace_internal_note(row, case, file.info.audience):
            column = file.info.columns.get("note", 0)
            file.conflicts.append(Problem(row.number, column, file.info.table.place(row.number, column),
                                          f"{row.case} ← {row.carrier} 的当前记录有内部备注，公开版台账中不显示，"
                                          "这里写的备注会把它替换掉，本行未导入：请导出内部版台账"
                                          "（ftzkb ledger export --audience internal）再填，或清空本格",
                                          "the current record has an internal note this public ledger does not "
                                          "show, and this note would replace it: use an internal ledger "
                                          "(--audience internal), or empty this cell"))
            continue
        if _needs_evidence(row, corpus, file.info.audience):
            column = file.info.columns.get("evidence", 0)
            file.conflicts.append(Problem(row.number, column, file.info.table.place(row.number, column),
                                          "新的复制记录或状态变化必须写证据（文号或网址）",
                                          "a new record or status change needs evidence (document number or URL)"))
            continue
        if exported is None:  # not from an export: every row with something in it counts
            file.rows.append(row)
            continue
        state = exported[0]
        now = state_hash(shown_records(case, row.carrier, file.info.audience)) if case else state
        if now != state:
            version = file.info.data_version or "?"
            file.conflicts.append(Problem(
                row.number, 0, row.place,
                f"冲突：{row.case} ← {row.carrier} 的记录在导出此台账（数据版本 {version}）之后已在知识库中改动，"
                "本行未导入；请重新导出这个载体的台账，按新的内容再填",
                f"conflict: the record {row.case} <- {row.carrier} changed after this ledger was exported "
                f"(data version {version}); export the ledger again"))
            continue
        file.rows.append(row)
    return file


def plan_import(files: list[LedgerFile], problems: list[Problem], root: Path) -> LedgerImport:
    """The new files for every row to apply (nothing written); run under the write lock."""
    rows = [row for file in files for row in file.rows]
    return LedgerImport(files, plan_rows(rows, problems, root))
