"""Many adoptions from a sheet (CSV or XLSX), as officials receive them: every row is checked
and planned first; nothing is written unless every row is right.

Headings may be the export's keys (`case`, `carrier`, `status`…), its Chinese or English
headings, or common Chinese words (案例, 载体, 状态, 日期…). Values may be ids or labels
(已复制 → adopted); a carrier or case may also be named by its exact name or title.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ftzkb.export import ADOPTION_COLUMNS
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.record.adopt import AdoptError, AdoptionChange, Planned, ids_in, plan_adoption, with_ids
from ftzkb.record.sheets import read_sheet

_EXTRA_HEADINGS = {
    "case": ("案例", "案例编号", "案例id", "case_id"),
    "carrier": ("载体", "复制载体", "复制载体id", "载体编号", "carrier_id"),
    "status": ("复制状态",),
    "date": ("复制日期", "时间"),
    "mandate": ("复制性质", "规定动作/自选动作"),
    "mandated_by": ("批次", "要求复制批次", "batch"),
    "learned_from": ("学习来源", "借鉴载体"),
    "learned_from_case": ("借鉴案例",),
    "evidence": ("文号", "网址", "证据（文号或网址）"),
    "note": ("说明",),
}
_FIELDS = ("status", "date", "until", "mandate", "mandated_by", "learned_from", "learned_from_case", "note",
           "audience")
_LIST_SEPARATORS = re.compile(r"[;；\n]+")


def _fold(heading: str) -> str:
    return re.sub(r"[\s_()（）-]+", "", heading).casefold()


def heading_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for column in ADOPTION_COLUMNS:
        # An export shows a label column (状态: 已复制) and, after it, the code column (状态代码:
        # adopted): both name the same field, and the later one in a row wins.
        for name in (column.key, column.zh, column.en):
            keys[_fold(name)] = column.key.removesuffix("_label")
    for key, names in _EXTRA_HEADINGS.items():
        keys.update({_fold(name): key for name in names})
    return keys


@dataclass(frozen=True)
class BulkRow:
    number: int
    case: str
    carrier: str
    change: AdoptionChange


@dataclass
class BulkPlan:
    rows: list[BulkRow]
    plans: list[Planned]
    problems: list[tuple[int, str, str]]  # (sheet row, zh, en)


def read_rows(path: Path, root: Path) -> tuple[list[BulkRow], list[tuple[int, str, str]]]:
    """The sheet's rows as changes; rows that cannot be understood become problems."""
    sheet = read_sheet(path)
    keys = heading_keys()
    names = _Names(root)
    rows, problems = [], []
    for raw in sheet:
        values = {keys[_fold(h)]: v for h, v in raw.values.items() if _fold(h) in keys}
        if not values.get("case") or not values.get("carrier"):
            problems.append((raw.number, "缺少案例或载体（表头应有“案例 id”和“载体 id”列）",
                             "case or carrier missing (the sheet needs 'case id' and 'carrier id' columns)"))
            continue
        rows.append(BulkRow(raw.number, names.case(values["case"]), names.carrier(values["carrier"]),
                            _change(values)))
    return rows, problems


def _change(values: dict[str, str]) -> AdoptionChange:
    evidence = tuple(p.strip() for p in _LIST_SEPARATORS.split(values.get("evidence", "")) if p.strip())
    return with_ids(AdoptionChange(**{name: values.get(name) for name in _FIELDS}, evidence=evidence))


class _Names:
    """Ids for names and titles, read from the files only when a sheet uses names."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.case_ids = ids_in(root, CASES_DIRNAME)
        self.carrier_ids = ids_in(root, CARRIERS_DIRNAME)
        self._carriers: dict[str, str] | None = None
        self._cases: dict[str, str] | None = None

    def carrier(self, text: str) -> str:
        if text in self.carrier_ids:
            return text
        if self._carriers is None:
            self._carriers = {}
            for carrier in self._records(CARRIERS_DIRNAME):
                for name in (carrier.name, carrier.short_name, carrier.name_en):
                    if name:
                        self._carriers.setdefault(name, carrier.id)
        return self._carriers.get(text, text)

    def case(self, text: str) -> str:
        if text in self.case_ids:
            return text
        if self._cases is None:
            self._cases = {case.title: case.id for case in self._records(CASES_DIRNAME)}
        return self._cases.get(text, text)

    def _records(self, dirname: str) -> list:
        from ftzkb.load.loader import load_records

        paths = sorted((self.root / dirname).glob("*.yaml"))
        return [record for record, _ in load_records(paths, self.root) if record is not None]


def plan_sheet(path: Path, root: Path) -> BulkPlan:
    """Check every row of the sheet and work out the new files (nothing written)."""
    return plan_rows(*read_rows(path, root), root)


def plan_rows(rows: list[BulkRow], problems: list[tuple[int, str, str]], root: Path,
              on_row: Callable[[int], None] | None = None) -> BulkPlan:
    """`on_row(1)` is called as each row is done (for a progress bar)."""
    problems = list(problems)
    known = {CASES_DIRNAME: ids_in(root, CASES_DIRNAME), CARRIERS_DIRNAME: ids_in(root, CARRIERS_DIRNAME)}
    plans: dict[Path, Planned] = {}
    for row in rows:
        if on_row:
            on_row(1)
        target = root / CASES_DIRNAME / f"{row.case}.yaml"
        try:
            plans[target] = plan_adoption(root, row.case, row.carrier, row.change, plans.get(target), known)
        except AdoptError as exc:
            problems.append((row.number, exc.zh, exc.en))
    return BulkPlan(rows, list(plans.values()), sorted(problems))
