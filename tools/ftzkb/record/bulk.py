"""The one sheet importer: adoptions from a sheet (CSV or XLSX) as officials send it back —
`ftzkb adopt --from-sheet` and `ftzkb ledger import` both read through here. Every row is
understood and checked first; nothing is written unless every row is right.

The heading row may sit under a title row or two; headings may be the export's keys (`case`,
`carrier`, `status`…), its Chinese or English headings, or common Chinese words (案例, 载体,
状态, 日期…). Values may be ids or labels (已复制 → adopted), dates as Excel dates, `2021.3`,
`2021年3月`, `2021/03/05`, with full-width digits. A heading nobody knows, a heading given twice
and two rows that say different things about one record are errors, named `file:sheet:row:column`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb.dates import parse_date
from ftzkb.export import ADOPTION_COLUMNS
from ftzkb.export.ledger import (
    FINGERPRINT_KEY,
    INTERNAL_MARK,
    LEDGER_COLUMNS,
    TITLE_MARK,
    split_fingerprint,
    values_hash,
)
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.record.adopt import (
    AdoptError,
    AdoptionChange,
    Planned,
    evidence_source,
    ids_in,
    plan_adoption,
    plan_new_records,
    read_case_text,
    with_ids,
)
from ftzkb.record.sheets import SheetError, Table, column_letter, folded, read_tables
from ftzkb.suggest import hint_among
from ftzkb.vocab import lookup, vocab

_EXTRA_HEADINGS = {
    "case": ("案例", "案例编号", "案例id", "case_id", "编号"),
    "case_title": ("案例名称", "案例标题", "标题", "名称"),
    "carrier": ("载体", "复制载体", "复制载体id", "载体编号", "carrier_id"),
    "status": ("复制状态", "状态", "进展"),
    "date": ("复制日期", "时间", "日期", "开始日期"),
    "mandate": ("复制性质", "规定动作/自选动作"),
    "mandated_by": ("批次", "要求复制批次", "batch"),
    "learned_from": ("学习来源", "借鉴载体"),
    "learned_from_case": ("借鉴案例",),
    "evidence": ("文号", "网址", "证据（文号或网址）", "依据"),
    "note": ("说明", "备注"),
    "serial": ("序号", "行号", "no", "序"),
}
# Columns a sheet may carry for people that are not read back (they come from the case itself).
IGNORED_KEYS = frozenset({"case_title", "origin", "carrier_name", "categories", "batch", "group", "serial"})
_OUTCOME_KEYS = ("outcome_metric", "outcome_before", "outcome_after", "outcome_change", "outcome_unit",
                 "outcome_source")
_LIST_SEPARATORS = re.compile(r"[;；\n]+")
_CARRIER_IN_TITLE = re.compile(r"（([a-z0-9]+(?:-[a-z0-9]+)*)）")
_VERSION_IN_TITLE = re.compile(r"数据版本\s*([0-9a-f]{7,40}\+?|unknown)")
_HEADER_SEARCH_ROWS = 10


def _fold(heading: str) -> str:
    return re.sub(r"[\s_()（）:：*-]+", "", heading).casefold()


def heading_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for column in (*ADOPTION_COLUMNS, *LEDGER_COLUMNS):
        # An export shows a label column (状态: 已复制) and, after it, the code column (状态代码:
        # adopted): both name the same field, and the later one in a row wins.
        for name in (column.key, column.zh, column.en):
            keys.setdefault(_fold(name), column.key.removesuffix("_label"))
    for key, names in _EXTRA_HEADINGS.items():
        for name in names:
            keys.setdefault(_fold(name), key)
    return keys


@dataclass(frozen=True, order=True)
class Problem:
    row: int
    column: int
    place: str  # file:sheet:row[:column]
    zh: str
    en: str


@dataclass(frozen=True)
class BulkRow:
    number: int
    place: str
    case: str
    carrier: str
    change: AdoptionChange
    cells: dict[str, str] = field(default_factory=dict)  # key -> text as in the sheet


@dataclass
class SheetInfo:
    """What the sheet says about itself: its table, and from a ledger's title row the carrier
    and the data version it was exported from."""

    table: Table
    header_row: int
    carrier: str | None = None
    data_version: str | None = None
    audience: str = "public"  # an internal ledger says so in its title row
    untouched: int = 0  # ledger rows whose editable cells are as exported
    columns: dict[str, int] = field(default_factory=dict)  # key -> column index


@dataclass
class BulkPlan:
    rows: list[BulkRow]
    plans: list[Planned]
    problems: list[Problem]
    skipped: list[tuple[BulkRow, str]] = field(default_factory=list)  # (row, reason): unchanged rows


# --- finding the table ---------------------------------------------------------------------------

def find_sheet(path: Path) -> tuple[SheetInfo, list[Problem]]:
    """The first table with a heading row naming a case column and at least one other known column
    (title rows above it are read for the carrier and data version). SheetError if there is none."""
    keys = heading_keys()
    for table in read_tables(path):
        for position, (number, cells) in enumerate(table.rows[:_HEADER_SEARCH_ROWS]):
            found = [keys.get(_fold(cell)) for cell in cells]
            if ("case" in found or "case_title" in found) and len([k for k in found if k]) >= 2:
                info = SheetInfo(table, number)
                _read_title(info, [c for _, row in table.rows[:position] for c in row])
                return info, _map_columns(info, cells, found)
    if not any(table.rows for table in read_tables(path)):
        raise SheetError(f"{path} 是空表：不是复制推广台账", f"{path} is empty: not a ledger")
    raise SheetError(f"{path} 不是复制推广台账或记录表：找不到表头（需要“案例编号”和“载体”等列，或台账的标题行）",
                     f"{path} is not a ledger or adoption sheet: no heading row "
                     "(the sheet needs 'case id' and 'carrier id' columns, or a ledger's title row)")


def _read_title(info: SheetInfo, title_cells: list[str]) -> None:
    for text in title_cells:
        if TITLE_MARK in text:
            carrier = _CARRIER_IN_TITLE.search(text)
            version = _VERSION_IN_TITLE.search(text)
            info.carrier = carrier.group(1) if carrier else None
            info.data_version = version.group(1) if version else None
            info.audience = "internal" if INTERNAL_MARK in text else "public"


def _map_columns(info: SheetInfo, headings: list[str], keys: list[str | None]) -> list[Problem]:
    problems = []
    known = heading_keys()
    names = {key: [name for name, k in known.items() if k == key] for key in set(known.values())}
    for index, (heading, key) in enumerate(zip(headings, keys, strict=True)):
        place = info.table.place(info.header_row, index)
        if not heading:
            continue
        if key is None:
            zh, en = hint_among(_fold(heading), names)
            problems.append(Problem(info.header_row, index, place, f"不认识的列名“{heading}”{zh}",
                                    f"unknown column heading '{heading}'{en}"))
        elif key in info.columns and _code_column(headings[info.columns[key]]) != _code_column(heading):
            # an export's label column and its code column (状态 / 状态代码): the code is read
            if _code_column(heading):
                info.columns[key] = index
        elif key in info.columns:
            first = column_letter(info.columns[key])
            problems.append(Problem(info.header_row, index, place, f"列名“{heading}”与 {first} 列重复：只能有一列",
                                    f"heading '{heading}' repeats column {first}"))
        else:
            info.columns[key] = index
    return problems


def _code_column(heading: str) -> bool:
    """The heading of an export's column of codes beside a column of labels (状态代码, 载体 id)."""
    return _fold(heading).endswith(("代码", "id", "code"))


# --- rows ----------------------------------------------------------------------------------------

def read_rows(path: Path, root: Path, carrier: str | None = None, names: Names | None = None
              ) -> tuple[list[BulkRow], list[Problem], SheetInfo]:
    """The sheet's rows as changes. A row's carrier is its own column, else the ledger's title,
    else `carrier`. Every problem of every row is collected, none stops the reading. Ledger rows
    whose cells still hash as exported are only counted (`info.untouched`): nothing to read there."""
    info, problems = find_sheet(path)
    names = names or Names(root)
    rows: list[BulkRow] = []
    checked = FINGERPRINT_KEY in info.columns
    for number, cells in info.table.rows:
        if number <= info.header_row:
            continue
        values = {key: cells[i] for key, i in info.columns.items() if i < len(cells) and cells[i]}
        if checked and _untouched(values):
            info.untouched += 1
            continue
        row, found = _row(info, number, values, names, carrier)
        problems += found
        if row is not None:
            rows.append(row)
    problems += _conflicting_duplicates(rows)
    return rows, problems, info


def _untouched(values: dict[str, str]) -> bool:
    exported = split_fingerprint(values.get(FINGERPRINT_KEY, ""))
    return exported is not None and values_hash(values) == exported[1]


def _row(info: SheetInfo, number: int, values: dict[str, str], names: Names, carrier: str | None
         ) -> tuple[BulkRow | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(key: str, zh: str, en: str) -> None:
        column = info.columns.get(key, 0)
        problems.append(Problem(number, column, info.table.place(number, column), zh, en))

    case_text = values.get("case") or values.get("case_title", "")
    carrier_text = values.get("carrier") or values.get("carrier_name") or info.carrier or carrier
    if not case_text:
        if any(values.get(k) for k in ("status", "date", "evidence", "note")):
            problem("case", "缺少案例编号", "the case is missing")
        return None, problems
    if not carrier_text:
        problem("carrier", "看不出是哪个载体：表中没有“载体”列，第一行也没有载体 id（或用 --carrier 指定）",
                "cannot tell the carrier: no carrier column and no carrier id in the title row (or give --carrier)")
        return None, problems
    get = values.get
    change = with_ids(AdoptionChange(
        date=_date(get("date"), "date", problem), until=_date(get("until"), "until", problem),
        status=_vocabulary("status", "adoption_status", get("status"), problem),
        mandate=get("mandate"), mandated_by=get("mandated_by"), learned_from=get("learned_from"),
        learned_from_case=get("learned_from_case"), note=get("note"), audience=get("audience"),
        evidence=_evidence(values), outcome_figures=_outcome(values, problem)))
    row = BulkRow(number, info.table.place(number), names.case(case_text), names.carrier(carrier_text), change,
                  values)
    return row, problems


def _evidence(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(p.strip() for p in _LIST_SEPARATORS.split(values.get("evidence", "")) if p.strip())


_DATE_FORMS = (
    (re.compile(r"^(\d{4})[./年-](\d{1,2})[./月-](\d{1,2})日?$"), 3),
    (re.compile(r"^(\d{4})[./年-](\d{1,2})月?$"), 2),
    (re.compile(r"^(\d{4})年?$"), 1),
)
UNKNOWN_WORDS = frozenset({"unknown", "不详", "未知", "不明", "日期不明"})


def read_date(text: str | None) -> str | None:
    """`2021.3`, `2021年3月`, `2021/03/05`, `２０２１-3` → `2021-03`, `2021-03-05`…; None if it is not a date."""
    if text is None:
        return None
    cleaned = folded(text).replace(" ", "")
    if cleaned.casefold() in UNKNOWN_WORDS:
        return "unknown"
    for pattern, parts in _DATE_FORMS:
        match = pattern.match(cleaned)
        if match:
            numbers = [int(g) for g in match.groups()]
            iso = f"{numbers[0]:04d}" + "".join(f"-{n:02d}" for n in numbers[1:parts])
            return iso if parse_date(iso) else None
    return cleaned if parse_date(cleaned) else None


def _date(text: str | None, key: str, problem: Callable[[str, str, str], None]) -> str | None:
    if not text:
        return None
    iso = read_date(text)
    if iso is None:
        problem(key, f"日期“{text}”看不懂或不存在：请写 2021、2021-03 或 2021-03-05",
                f"'{text}' is not a date: write 2021, 2021-03 or 2021-03-05")
    return iso or text


def _vocabulary(key: str, vocabulary: str, text: str | None, problem: Callable[[str, str, str], None]) -> str | None:
    if not text:
        return None
    value = lookup(vocabulary, folded(text)) or lookup(vocabulary, text)
    if value is None:
        entries = vocab(vocabulary)
        labels = {v: [entries.label(v, "zh"), entries.label(v, "en")] for v in entries.values}
        zh, en = hint_among(text, labels)
        allowed = "、".join(entries.label(v, "zh") for v in entries.values)
        problem(key, f"“{text}”不在可选值中{zh}可选：{allowed}", f"'{text}' is not an allowed value{en}")
        return text
    return value


def _number(text: str | None, key: str, problem: Callable[[str, str, str], None]) -> float | None:
    if not text:
        return None
    cleaned = folded(text).replace(",", "").replace("%", "")
    try:
        value = float(cleaned)
    except ValueError:
        problem(key, f"“{text}”不是数字", f"'{text}' is not a number")
        return None
    if not -1e12 <= value <= 1e12:
        problem(key, f"数字“{text}”超出范围", f"'{text}' is out of range")
        return None
    return int(value) if value.is_integer() else value


def _outcome(values: dict[str, str], problem: Callable[[str, str, str], None]) -> tuple[dict, ...]:
    if not any(values.get(k) for k in _OUTCOME_KEYS):
        return ()
    figure: dict = {"metric": _vocabulary("outcome_metric", "outcome_metric", values.get("outcome_metric") or "其他",
                                          problem)}
    for key, name in (("outcome_before", "before"), ("outcome_after", "after"), ("outcome_change", "change_pct")):
        number = _number(values.get(key), key, problem)
        if number is not None:
            figure[name] = number
    if values.get("outcome_unit"):
        figure["unit"] = values["outcome_unit"][:20]
    source = values.get("outcome_source", "")
    if not source:
        problem("outcome_source", "填了成效数字就必须写来源（文号或网址）", "an outcome figure needs its source")
        return ()
    figure["source"] = evidence_source(source)
    return (figure,)


def _conflicting_duplicates(rows: list[BulkRow]) -> list[Problem]:
    seen: dict[tuple[str, str], BulkRow] = {}
    problems = []
    for row in rows:
        key = (row.case, row.carrier)
        first = seen.setdefault(key, row)
        if first is not row and first.change != row.change:
            problems.append(Problem(row.number, 0, row.place,
                                    f"与第 {first.number} 行说的是同一条记录（{row.case} ← {row.carrier}），"
                                    "但内容不同：请只留一行",
                                    f"says something else about the same record as row {first.number}"))
    return problems


class Names:
    """Ids for names and titles, read from the files only when a sheet uses names."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.case_ids = ids_in(root, CASES_DIRNAME)
        self.carrier_ids = ids_in(root, CARRIERS_DIRNAME)
        self._carriers: dict[str, str] | None = None
        self._cases: dict[str, str] | None = None

    def carrier(self, text: str) -> str:
        text = folded(text)
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
        if folded(text) in self.case_ids:
            return folded(text)
        if self._cases is None:
            self._cases = {case.title: case.id for case in self._records(CASES_DIRNAME)}
        return self._cases.get(text, text)

    def _records(self, dirname: str) -> list:
        from ftzkb.load.loader import load_records

        paths = sorted((self.root / dirname).glob("*.yaml"))
        return [record for record, _ in load_records(paths, self.root) if record is not None]


# --- planning ------------------------------------------------------------------------------------

def plan_sheet(path: Path, root: Path) -> BulkPlan:
    """Check every row of the sheet and work out the new files (nothing written)."""
    rows, problems, _ = read_rows(path, root)
    return plan_rows(rows, problems, root)


def plan_rows(rows: list[BulkRow], problems: list[Problem], root: Path,
              on_row: Callable[[int], None] | None = None) -> BulkPlan:
    """`on_row(n)` is called as rows are done (for a progress bar). Rows are planned file by file:
    changes to existing records one by one, then every new record of the file in one edit."""
    problems = list(problems)
    known = {CASES_DIRNAME: ids_in(root, CASES_DIRNAME), CARRIERS_DIRNAME: ids_in(root, CARRIERS_DIRNAME)}
    bad_rows = {p.row for p in problems}
    by_file: dict[str, list[BulkRow]] = {}
    for row in rows:
        if row.number not in bad_rows:
            by_file.setdefault(row.case, []).append(row)
    plans = []
    for case_id, file_rows in by_file.items():
        planned = _plan_file(root, case_id, file_rows, known, problems)
        if planned is not None:
            plans.append(planned)
        if on_row:
            on_row(len(file_rows))
    return BulkPlan(rows, plans, sorted(problems))


def _plan_file(root: Path, case_id: str, rows: list[BulkRow], known: dict[str, set[str]],
               problems: list[Problem]) -> Planned | None:
    if case_id not in known[CASES_DIRNAME]:
        problems += [_problem(row, plan_error(root, row, known)) for row in rows]
        return None
    path = root / CASES_DIRNAME / f"{case_id}.yaml"
    try:
        planned = Planned(path, read_case_text(path), "")
    except AdoptError as exc:
        problems += [_problem(row, exc) for row in rows]
        return None
    planned.text = planned.original
    recorded = {a.get("carrier") for a in _adoptions(planned.text)}
    fresh = [row for row in rows if row.carrier not in recorded]
    if len({row.carrier for row in fresh}) < len(fresh):  # one carrier twice: plan one by one
        fresh = []
    for row in rows:
        if row in fresh:
            continue
        try:
            plan_adoption(root, row.case, row.carrier, row.change, planned, known)
        except AdoptError as exc:
            problems.append(_problem(row, exc))
    results, whole_file = plan_new_records(root, case_id, [(r.carrier, r.change) for r in fresh], planned, known)
    problems += [_problem(row, exc) for row, exc in zip(fresh, results, strict=True) if exc is not None]
    if whole_file is not None:  # the new records together break a rule: one by one tells which row
        for row in fresh:
            try:
                plan_adoption(root, row.case, row.carrier, row.change, planned, known)
            except AdoptError as exc:
                problems.append(_problem(row, exc))
    return planned


def plan_error(root: Path, row: BulkRow, known: dict[str, set[str]]) -> AdoptError:
    try:
        plan_adoption(root, row.case, row.carrier, row.change, None, known)
    except AdoptError as exc:
        return exc
    return AdoptError("无法处理这一行", "cannot process this row")


def _problem(row: BulkRow, exc: AdoptError) -> Problem:
    return Problem(row.number, 0, row.place, exc.zh, exc.en)


def _adoptions(text: str) -> list[dict]:
    from ftzkb.load.yamlload import YamlLoadError, load_yaml_text_shared

    try:
        data = load_yaml_text_shared(text).data
    except YamlLoadError:
        return []
    found = data.get("adoptions") if isinstance(data, dict) else None
    return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def fingerprint_of(row: BulkRow) -> str | None:
    return row.cells.get(FINGERPRINT_KEY)
