"""Recording adoptions: one record from the command line, or many from a sheet, all or nothing.

Fast by design (a single `adopt` must finish in well under half a second on a corpus of
thousands of cases): it reads only the one case file and checks carrier and case ids by the
existence of their files; it never loads the corpus. Everything is checked before anything is
written: vocabulary values, dates, ids, the schema, and the rules that concern one case alone.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ftzkb.dates import parse_date
from ftzkb.load.model import Adoption, Case, Corpus
from ftzkb.load.yamlload import LoadedYaml, YamlLoadError, load_yaml_text_shared
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME
from ftzkb.record.edit import EditError, append_list_items, set_list_item
from ftzkb.record.writes import WriteRefused, root_of, writing
from ftzkb.replication.core import record_rank
from ftzkb.suggest import id_hint
from ftzkb.vocab import lookup, vocab

_BATCH_KEY = re.compile(r"^(?P<level>[a-z]+(?:-[a-z]+)*)-(?P<batch>[1-9][0-9]?)$")
_URL = re.compile(r"^https?://\S+$")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Values a record means when it leaves the key out: an edit does not write them for nothing.
_DEFAULTS = {"date": "unknown", "mandate": "unknown", "audience": "public"}


class AdoptError(Exception):
    """Refused before anything was written. `code` 2 for a wrong argument, 1 for the data."""

    def __init__(self, zh: str, en: str, code: int = 2) -> None:
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code


@dataclass(frozen=True)
class AdoptionChange:
    """What to set on a carrier's record; None leaves a field as it is."""

    status: str | None = None
    date: str | None = None
    until: str | None = None
    mandate: str | None = None
    mandated_by: str | None = None  # batch key, e.g. provincial-replication-1
    learned_from: str | None = None  # carrier id
    learned_from_case: str | None = None
    evidence: tuple[str, ...] = ()  # URL, document number, or "title|URL-or-document"
    note: str | None = None
    audience: str | None = None
    outcome_figures: tuple[dict, ...] = ()  # schema-shaped outcome figures, added to the period
    correct: bool = False  # change the current record in place instead of starting a new period

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, (), False) for f in fields(self) if f.name != "correct")


_VOCABULARY_FIELDS = {"status": "adoption_status", "mandate": "mandate", "audience": "audience"}


def with_ids(change: AdoptionChange) -> AdoptionChange:
    """Vocabulary labels (已复制, Adopted) replaced by their values (adopted)."""
    def value_of(name: str, written: str | None) -> str | None:
        return (lookup(_VOCABULARY_FIELDS[name], written) if written else None) or written

    return replace(change, status=value_of("status", change.status), mandate=value_of("mandate", change.mandate),
                   audience=value_of("audience", change.audience))


def check_change(change: AdoptionChange) -> list[tuple[str, str]]:
    """Problems with the values themselves (vocabularies, dates, batch keys, evidence)."""
    problems = []
    for name, vocabulary in _VOCABULARY_FIELDS.items():
        value = getattr(change, name)
        if value is not None and value not in vocab(vocabulary):
            values = vocab(vocabulary).values
            near = difflib.get_close_matches(value, values, n=1)
            listing = "、".join(f"{v}（{vocab(vocabulary).label(v, 'zh')}）" for v in values)
            hint_zh, hint_en = (f"是不是“{near[0]}”？", f"did you mean '{near[0]}'?") if near else ("", "")
            problems.append((f"{name} 的值“{value}”不在词表中，{hint_zh}可选：{listing}",
                             f"{name}: '{value}' is not in the vocabulary; {hint_en} allowed: {', '.join(values)}"))
    for name, unknown_ok in (("date", True), ("until", False)):
        value = getattr(change, name)
        if value is not None and not (unknown_ok and value == "unknown") and parse_date(value) is None:
            problems.append(_date_problem(name, value, unknown_ok))
    if change.mandated_by is not None and parse_batch_key(change.mandated_by) is None:
        problems.append((f"批次“{change.mandated_by}”应写成 <认定层级>-<批次>，如 provincial-replication-1",
                         f"batch '{change.mandated_by}' should read <level>-<number>, e.g. provincial-replication-1"))
    if change.mandated_by and change.mandate not in (None, "mandated"):
        problems.append(("写了要求复制的批次，性质应为 mandated（规定动作）",
                         "a mandating batch is given, so the mandate must be 'mandated'"))
    for item in change.evidence:
        if not item.strip():
            problems.append(("证据不能为空", "evidence cannot be empty"))
    return problems


def _date_problem(name: str, value: str, unknown_ok: bool) -> tuple[str, str]:
    from ftzkb.load.schema import suggest_date

    suggestion = suggest_date(value)
    if suggestion and parse_date(suggestion):
        return (f"{name} 的日期“{value}”格式不对，请写成 {suggestion}",
                f"{name}: date '{value}' is malformed; write {suggestion}")
    unknown = "，不知道写 unknown" if unknown_ok else ""
    return (f"{name} 的日期“{value}”不对：请写 2024、2024-03 或 2024-03-05{unknown}",
            f"{name}: '{value}' is not a real date: write 2024, 2024-03 or 2024-03-05")


def parse_batch_key(key: str) -> tuple[str, int] | None:
    match = _BATCH_KEY.match(key)
    if not match or match.group("level") not in vocab("recognition_level"):
        return None
    return match.group("level"), int(match.group("batch"))


def evidence_source(text: str) -> dict:
    """`https://…` → a source with that URL; `苏政办发〔2020〕1号` → with that document;
    `title|URL-or-document` → with a title of its own."""
    title, _, reference = text.partition("|") if "|" in text else ("", "", text)
    reference, title = reference.strip(), title.strip()
    key = "url" if _URL.match(reference) else "document"
    return {"title": title or reference, key: reference}


def merged_record(old: dict | None, carrier: str, change: AdoptionChange) -> dict:
    """The record after the change: given fields replace old ones; evidence is added to."""
    record: dict[str, Any] = copy.deepcopy(old) if old else {"carrier": carrier}
    plain: dict[str, object] = {"status": change.status, "date": change.date, "until": change.until,
                                "mandate": change.mandate, "note": change.note, "audience": change.audience}
    if change.mandated_by:
        parsed = parse_batch_key(change.mandated_by)
        assert parsed is not None, "check_change refuses a malformed batch key"
        level, batch = parsed
        plain["mandated_by"] = {"level": level, "batch": batch}
        plain["mandate"] = "mandated"
    for key, value in plain.items():
        if value is not None and not (key not in record and _DEFAULTS.get(key) == value):
            record[key] = value
    if change.mandate not in (None, "mandated"):
        record.pop("mandated_by", None)
    learned = dict(record.get("learned_from") or {})
    learned.update({k: v for k, v in (("carrier", change.learned_from), ("case", change.learned_from_case)) if v})
    if learned:
        record["learned_from"] = learned
    if change.evidence:
        record["evidence"] = _with_evidence(record.get("evidence") or [], change.evidence)
    if change.outcome_figures:
        known = record.get("outcome_figures") or []
        record["outcome_figures"] = known + [f for f in change.outcome_figures if f not in known]
    return record


def _with_evidence(existing: list[dict], added: tuple[str, ...]) -> list[dict]:
    seen = {s.get("url") or s.get("document") for s in existing}
    result = list(existing)
    for text in added:
        source = evidence_source(text)
        reference = source.get("url") or source.get("document")
        if reference not in seen:
            seen.add(reference)
            result.append(source)
    return result


def current_index(records: list[dict], carrier: str) -> int | None:
    """Which of a carrier's records an update applies to: the open one with the latest date."""
    mine = [Adoption.of(i, r) for i, r in enumerate(records) if isinstance(r, dict) and r.get("carrier") == carrier]
    return max(mine, key=record_rank).index if mine else None


# --- ids by file existence ---------------------------------------------------------------------

def ids_in(root: Path, dirname: str) -> set[str]:
    return {p.stem for p in (root / dirname).glob("*.yaml")}


def require_id(root: Path, dirname: str, wanted: str, known: set[str] | None = None) -> None:
    """Refuse an id that is not a file in `dirname` (or not in `known`), with the nearest ids."""
    what_zh, what_en = ("载体", "carrier") if dirname == CARRIERS_DIRNAME else ("案例", "case")
    if not _ID.match(wanted):
        raise AdoptError(f"{what_zh} id“{wanted}”只能用小写字母、数字和连字符",
                         f"{what_en} id '{wanted}' may use only a-z, 0-9 and hyphens")
    exists = wanted in known if known is not None else (root / dirname / f"{wanted}.yaml").is_file()
    if not exists:
        zh, en = id_hint(wanted, known if known is not None else ids_in(root, dirname))
        raise AdoptError(f"{what_zh}“{wanted}”不在 {dirname}/ 中{zh}", f"{what_en} '{wanted}' is not in {dirname}/{en}")


# --- planning and writing ----------------------------------------------------------------------

@dataclass
class Planned:
    """One file's change, checked and ready to write. `original` is the file as read from disk."""

    path: Path
    original: str
    text: str
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (case, carrier, added|updated|unchanged)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def plan_adoption(root: Path, case_id: str, carrier_id: str, change: AdoptionChange,
                  planned: Planned | None = None, known: dict[str, set[str]] | None = None) -> Planned:
    """Check everything and work out the new text of the case file (not written). `planned` chains
    several changes to one file; `known` gives the ids (bulk), else files are looked up one by one."""
    known = known or {}
    _check_ids_and_values(root, case_id, carrier_id, change, known)
    path = root / CASES_DIRNAME / f"{case_id}.yaml"
    if planned is None:
        planned = Planned(path, read_case_text(path), "")
        planned.text = planned.original
    before = _loaded_case(planned.text, path, check_schema=False)
    records = list(before.data.get("adoptions") or [])
    index = current_index(records, carrier_id)
    if index is None and change.status is None:
        raise AdoptError(f"{case_id} 还没有 {carrier_id} 的复制记录：新记录必须给出 --status",
                         f"{case_id} has no record for {carrier_id} yet: a new record needs --status")
    current = records[index] if index is not None else None
    if index is not None and current is not None and not change.correct and starts_new_period(current, change):
        text, action = _new_period(planned.text, index, current, carrier_id, change), "new-period"
    else:
        if current is not None and not change.correct:
            _refuse_silent_rewrite(current, change)
        record = merged_record(current, carrier_id, change)
        _check_period(record)
        if current is not None and record == current:
            planned.actions.append((case_id, carrier_id, "unchanged"))
            return planned
        text, action = _edited(planned.text, index, record), "added" if index is None else "updated"
    _check_case_rules(before, _loaded_case(text, path), path)
    planned.text = text
    planned.actions.append((case_id, carrier_id, action))
    return planned


def plan_new_records(root: Path, case_id: str, changes: list[tuple[str, AdoptionChange]], planned: Planned,
                     known: dict[str, set[str]]) -> tuple[list[AdoptError | None], AdoptError | None]:
    """New records for carriers that have none in this case yet, appended in one edit (a sheet
    adds many records to one file). Returns, per change, its own problem or None, and the
    problem of the file as a whole (nothing appended then: plan the changes one by one to find
    which of them causes it)."""
    results: list[AdoptError | None] = []
    records = []
    for carrier_id, change in changes:
        try:
            _check_ids_and_values(root, case_id, carrier_id, change, known)
            if change.status is None:
                raise AdoptError(f"{case_id} 还没有 {carrier_id} 的复制记录：新记录必须给出 --status",
                                 f"{case_id} has no record for {carrier_id} yet: a new record needs --status")
            record = merged_record(None, carrier_id, change)
            _check_period(record)
            records.append(record)
            results.append(None)
        except AdoptError as exc:
            results.append(exc)
    if any(results) or not records:
        return results, None
    before = _loaded_case(planned.text, planned.path, check_schema=False)
    try:
        text = append_list_items(planned.text, "adoptions", records, "case")
        _check_case_rules(before, _loaded_case(text, planned.path), planned.path)
    except EditError as exc:
        return results, AdoptError(exc.zh, exc.en, code=1)
    except AdoptError as exc:
        return results, exc
    planned.text = text
    planned.actions += [(case_id, carrier_id, "added") for carrier_id, _ in changes]
    return results, None


def _check_ids_and_values(root: Path, case_id: str, carrier_id: str, change: AdoptionChange,
                          known: dict[str, set[str]]) -> None:
    problems = check_change(change)
    if problems:
        raise AdoptError("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
    require_id(root, CASES_DIRNAME, case_id, known.get(CASES_DIRNAME))
    for carrier in filter(None, (carrier_id, change.learned_from)):
        require_id(root, CARRIERS_DIRNAME, carrier, known.get(CARRIERS_DIRNAME))
    if change.learned_from_case:
        require_id(root, CASES_DIRNAME, change.learned_from_case, known.get(CASES_DIRNAME))


def starts_new_period(current: dict, change: AdoptionChange) -> bool:
    """A different status than the current record's opens a new period (the history is kept)."""
    return change.status is not None and change.status != current.get("status")


def _edited(text: str, index: int | None, record: dict) -> str:
    try:
        return set_list_item(text, "adoptions", index, record, "case")
    except EditError as exc:
        raise AdoptError(exc.zh, exc.en, code=1) from None


def _new_period(text: str, index: int, current: dict, carrier: str, change: AdoptionChange) -> str:
    """Close the current period (its `until` becomes the new date, unless it has one) and append
    the new one, which keeps the mandate and the learned-from of the adoption it continues."""
    start, current_start = parse_date(change.date), parse_date(current.get("date"))
    if start is None:
        raise AdoptError(f"状态从“{_status_label(current.get('status'))}”变为“{_status_label(change.status)}”，"
                         "需要用 --date 给出新阶段的开始日期（原记录会保留为历史）",
                         "a new status starts a new period: give its start with --date (the old record is kept)")
    if current_start is not None and start.latest < current_start.earliest:
        raise AdoptError(f"新阶段的日期 {change.date} 早于当前阶段（{_status_label(current.get('status'))}，"
                         f"{current.get('date')} 起）：历史不能倒记；若原记录有误，请加 --correct 更正它",
                         f"the new period's date {change.date} is before the current period's start "
                         f"({current.get('date')}): to fix a wrong record, use --correct")
    closing_at = parse_date(current.get("until"))
    if closing_at is not None and start.latest < closing_at.earliest:
        raise AdoptError(f"新阶段的日期 {change.date} 早于当前阶段的结束日期 {current.get('until')}：两段不能重叠",
                         f"the new period starts ({change.date}) before the current one ends "
                         f"({current.get('until')}): periods may not overlap")
    closed = dict(current)
    closed.setdefault("until", change.date)
    carried = {k: current[k] for k in ("mandate", "mandated_by", "learned_from", "audience") if k in current}
    new_record = merged_record({"carrier": carrier, **carried}, carrier, change)
    _check_period(new_record)
    if closed != current:
        text = _edited(text, index, closed)
    return _edited(text, None, new_record)


def _refuse_silent_rewrite(current: dict, change: AdoptionChange) -> None:
    """Without --correct, a known date is never overwritten (that would rewrite the history)."""
    known = current.get("date")
    if change.date is not None and known not in (None, "unknown") and change.date != known:
        raise AdoptError(f"这条记录的日期已是 {known}：要更正已记录的日期，请加 --correct；"
                         "要记录新的状态，请给出新的 --status",
                         f"this record's date is already {known}: add --correct to fix it, or give a new --status")


def _check_period(record: dict) -> None:
    start, end = parse_date(record.get("date")), parse_date(record.get("until"))
    if start is not None and end is not None and end.latest < start.earliest:
        raise AdoptError(f"结束日期 {record.get('until')} 早于开始日期 {record.get('date')}：请检查 --until 与 --date",
                         f"the end ({record.get('until')}) is before the start ({record.get('date')})")


def _status_label(status: str | None) -> str:
    if status is not None and status in vocab("adoption_status"):
        return vocab("adoption_status").label(status, "zh")
    return str(status)


def read_case_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # bytes, not read_text: CRLF files keep their line ends
        raise AdoptError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}", code=1) from None


def _loaded_case(text: str, path: Path, check_schema: bool = True) -> LoadedYaml:
    from ftzkb.load import schema

    try:
        loaded = load_yaml_text_shared(text)
    except YamlLoadError as exc:
        raise AdoptError(f"{path}:{exc.line}:{exc.col}: {exc.zh}（请先修正此文件）",
                         f"{path}:{exc.line}:{exc.col}: {exc.en} (fix the file first)", code=1) from None
    if check_schema and not schema.is_valid("case", loaded.data):
        first = next(schema.check("case", loaded.data))
        raise AdoptError(f"{path}: {first.zh}（运行 ftzkb validate 查看）",
                         f"{path}: {first.en} (see ftzkb validate)", code=1)
    return loaded


def _check_case_rules(before: LoadedYaml, after: LoadedYaml, path: Path) -> None:
    """Refuse an edit that brings a new error from the rules about one case."""
    old, new = _case_errors(before, path), _case_errors(after, path)
    added = list((Counter(new) - Counter(old)).elements())
    if added:
        raise AdoptError("；".join(zh for zh, _ in added), "; ".join(en for _, en in added), code=1)


def _case_errors(loaded: LoadedYaml, path: Path) -> list[tuple[str, str]]:
    from ftzkb.diagnostics import ERROR
    from ftzkb.rules import rules_for_scope, run_rules

    case = Case.of(loaded.data, path, loaded)
    corpus = Corpus(path.parent.parent, cases={case.id: case})
    return [(d.zh, d.en) for d in run_rules(corpus, only=rules_for_scope("case")) if d.severity == ERROR]


def record_changes(root: Path, make_plans: Callable[[], list[Planned]], dry_run: bool = False
                   ) -> tuple[list[Planned], int]:
    """Plan and write under the repository's write lock, so that the files are read after any
    other writer has finished (concurrent adopts serialise; none loses the other's record), and
    write every changed file or none. Returns the plans and the number of files written."""
    if dry_run:
        return make_plans(), 0
    try:
        with writing(root) as transaction:
            plans = make_plans()
            changed = [plan for plan in plans if plan.changed]
            for plan in changed:
                transaction.replace(plan.path, plan.text, "case", expected_original=plan.original)
    except WriteRefused as exc:
        raise AdoptError(f"未写入任何文件：{exc.zh}", f"nothing written: {exc.en}", code=1) from None
    except OSError as exc:
        raise AdoptError(f"写入失败，已恢复全部文件：{exc}", f"write failed, every file restored: {exc}",
                         code=1) from None
    return plans, len(changed)


def write_all(plans: list[Planned]) -> int:
    """Write plans made earlier: every changed file or none, each as it was read. Returns files written."""
    changed = [plan for plan in plans if plan.changed]
    if not changed:
        return 0
    return record_changes(root_of(changed[0].path), lambda: plans)[1]
