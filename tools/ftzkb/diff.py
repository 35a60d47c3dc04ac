"""What changed in the data between two revisions: cases added, changed (which fields) and removed;
adoptions added, changed and removed, per carrier; carriers too.

`diff_corpora(old, new)` compares two loaded corpora (pure, no git). `diff_revisions(root, base, head)`
loads only the files that differ between two git revisions through the one loader and compares them;
`head=None` means the working tree. `recent_changes(root, limit)` walks the first-parent history for
the site's change feed. `render(diff, fmt)` gives text, Markdown or JSON.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ftzkb import vocab
from ftzkb.collate import pinyin_key
from ftzkb.dates import display as display_date
from ftzkb.diagnostics import Diagnostic
from ftzkb.i18n import current_lang, pick
from ftzkb.load import schema
from ftzkb.load.layout import child_schema
from ftzkb.load.loader import LoadResult, load_corpus
from ftzkb.load.model import INTERNAL, PUBLIC, Adoption, Case, Corpus
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
_KIND_ORDER = {ADDED: 0, CHANGED: 1, REMOVED: 2}
_KIND_WORDS = {ADDED: ("新增", "added"), CHANGED: ("修改", "changed"), REMOVED: ("删除", "removed")}
_SCALARS = (str, int, float, bool, type(None))
_DATA_DIRS = (CASES_DIRNAME, CARRIERS_DIRNAME)


class DiffError(Exception):
    """A revision that cannot be read (unknown name, not a git repository): a usage error."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted, e.g. "origin.started"
    label_zh: str
    label_en: str
    old: Any = None  # kept for short scalar values only
    new: Any = None
    internal: bool = False  # the value is internal-only text: kept out of a public feed

    def label(self, lang: str | None = None) -> str:
        return pick(self.label_zh, self.label_en, lang)


@dataclass(frozen=True)
class RecordChange:
    """A case or a carrier added, changed or removed."""

    kind: str
    id: str
    name: str  # case title or carrier name
    fields: tuple[FieldChange, ...] = ()
    audience: str = PUBLIC


@dataclass(frozen=True)
class AdoptionChange:
    """One carrier's adoption record of one case, added, changed or removed."""

    kind: str
    carrier: str
    carrier_name: str
    case: str
    case_title: str
    old_status: str | None = None
    new_status: str | None = None
    date: str | None = None
    fields: tuple[FieldChange, ...] = ()
    audience: str = PUBLIC


@dataclass(frozen=True)
class LoadProblem:
    """A changed file that could not be loaded at one side of the comparison."""

    side: str  # "base" or "head"
    revision: str
    diagnostic: Diagnostic

    def as_dict(self) -> dict:
        return {"side": self.side, "revision": self.revision, **self.diagnostic.as_dict()}


@dataclass
class CorpusDiff:
    base: str = ""
    head: str = ""
    cases: list[RecordChange] = field(default_factory=list)
    carriers: list[RecordChange] = field(default_factory=list)
    adoptions: list[AdoptionChange] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.cases or self.carriers or self.adoptions or self.problems)

    @property
    def head_unreadable(self) -> bool:
        return any(p.side == "head" for p in self.problems)

    def count(self, items: str, kind: str) -> int:
        return sum(change.kind == kind for change in getattr(self, items))

    def adoptions_by_carrier(self) -> list[tuple[str, str, list[AdoptionChange]]]:
        """(carrier id, carrier name, its changes), carriers in pinyin order of their names."""
        groups: dict[str, list[AdoptionChange]] = defaultdict(list)
        for change in self.adoptions:
            groups[change.carrier].append(change)
        ordered = sorted(groups.items(), key=lambda item: (pinyin_key(item[1][0].carrier_name), item[0]))
        return [(carrier, changes[0].carrier_name, changes) for carrier, changes in ordered]

    def public(self) -> CorpusDiff:
        """The same diff without anything marked internal (for a public site's change feed)."""
        def visible(changes):
            for change in changes:
                kept = replace(change, fields=tuple(f for f in change.fields if not f.internal))
                if change.audience != INTERNAL and (kept.fields or not change.fields):
                    yield kept

        return CorpusDiff(self.base, self.head, cases=list(visible(self.cases)),
                          carriers=list(visible(self.carriers)), adoptions=list(visible(self.adoptions)))

    def as_dict(self) -> dict:
        return {"base": self.base, "head": self.head,
                "summary": {items: {kind: self.count(items, kind) for kind in _KIND_ORDER}
                            for items in ("cases", "adoptions", "carriers")},
                "cases": [asdict(c) for c in self.cases],
                "adoptions": [asdict(a) for a in self.adoptions],
                "carriers": [asdict(c) for c in self.carriers],
                "problems": [p.as_dict() for p in self.problems]}


@dataclass(frozen=True)
class RevisionChange:
    """One commit of the history, for the change feed."""

    commit: str
    date: str  # ISO 8601, committer date
    author: str
    subject: str
    diff: CorpusDiff


# ---------------------------------------------------------------- comparing two corpora


def diff_corpora(old: Corpus, new: Corpus, unreadable: Collection[str] = (),
                 carrier_names: Mapping[str, str] | None = None) -> CorpusDiff:
    """Compare two loaded corpora. Ids in `unreadable` (files that failed to load on one side) are
    neither added nor removed: their absence says nothing about the data. `carrier_names` names the
    carriers that neither corpus holds (when only the changed files were loaded)."""
    result = CorpusDiff()
    names = {**(carrier_names or {}), **{k: c.display_name for k, c in old.carriers.items()},
             **{k: c.display_name for k, c in new.carriers.items()}}
    for kind, case_id in _keyed_changes(old.cases, new.cases, unreadable, ignore=("adoptions",)):
        before, after = old.cases.get(case_id), new.cases.get(case_id)
        current = after or before
        fields = _field_changes("case", before, after, ignore=("id", "adoptions")) if kind == CHANGED else ()
        if kind != CHANGED or fields:
            result.cases.append(RecordChange(kind, case_id, current.title, fields, current.audience))
    for case_id in sorted(old.cases.keys() | new.cases.keys()):
        if case_id not in unreadable:
            result.adoptions.extend(_adoption_changes(old.cases.get(case_id), new.cases.get(case_id), names))
    for kind, carrier_id in _keyed_changes(old.carriers, new.carriers, unreadable, ignore=()):
        before, after = old.carriers.get(carrier_id), new.carriers.get(carrier_id)
        current = after or before
        fields = _field_changes("carrier", before, after, ignore=("id",)) if kind == CHANGED else ()
        result.carriers.append(RecordChange(kind, carrier_id, current.display_name, fields, current.audience))
    _sort(result)
    return result


def _keyed_changes(old: dict, new: dict, unreadable: Collection[str], ignore: tuple[str, ...]
                   ) -> Iterator[tuple[str, str]]:
    for key in old.keys() | new.keys():
        if key in unreadable:
            continue
        if key not in old:
            yield ADDED, key
        elif key not in new:
            yield REMOVED, key
        elif _without(old[key].loaded.data, ignore) != _without(new[key].loaded.data, ignore):
            yield CHANGED, key


def _without(data: dict, keys: tuple[str, ...]) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def _sort(result: CorpusDiff) -> None:
    def by_kind_and_name(change):
        return _KIND_ORDER[change.kind], pinyin_key(change.name), change.id

    result.cases.sort(key=by_kind_and_name)
    result.carriers.sort(key=by_kind_and_name)
    result.adoptions.sort(key=lambda a: (pinyin_key(a.carrier_name), a.carrier, _KIND_ORDER[a.kind],
                                         pinyin_key(a.case_title), a.case, a.date or ""))


def _field_changes(kind: str, before, after, ignore: tuple[str, ...]) -> tuple[FieldChange, ...]:
    return tuple(_diff_mapping(before.loaded.data, after.loaded.data, schema.raw_schema(kind), (), ignore))


def _diff_mapping(old: dict, new: dict, node_schema: dict, prefix: tuple[str, ...],
                  ignore: tuple[str, ...] = ()) -> Iterator[FieldChange]:
    """Changed keys in schema order; one level of nested mappings is broken down (origin.started)."""
    keys = [k for k in _schema_order(node_schema, old, new) if k not in ignore]
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        sub_schema = child_schema(node_schema, key)
        if isinstance(before, dict) and isinstance(after, dict) and not prefix:
            yield from _diff_mapping(before, after, sub_schema, (key,))
        else:
            yield _field_change((*prefix, key), sub_schema, before, after)


def _schema_order(node_schema: dict, *mappings: dict) -> list[str]:
    declared = list(schema.resolve(node_schema).get("properties", {}))
    present = [k for m in mappings for k in m]
    return [k for k in declared if k in present] + sorted({k for k in present if k not in declared})


def _field_change(path: tuple[str, ...], field_schema: dict, before: Any, after: Any) -> FieldChange:
    zh, en = _description(field_schema, path[-1])
    short = isinstance(before, _SCALARS) and isinstance(after, _SCALARS)
    internal = any(isinstance(v, dict) and v.get("audience") == INTERNAL for v in (before, after))
    return FieldChange(".".join(path), zh, en, before if short else None, after if short else None, internal)


def _description(field_schema: dict, fallback: str) -> tuple[str, str]:
    """The zh/en label of a field: its schema description, "中文 / English"."""
    text = schema.resolve(field_schema).get("description", "")
    zh, _, en = text.partition(" / ")
    zh, en = zh.split("（")[0].strip(), en.split(" (")[0].strip()
    return zh or fallback, en or fallback


# ---------------------------------------------------------------- adoptions, per carrier

_Record = tuple[Adoption, dict]  # an adoption and its plain data as written


def _adoption_changes(before: Case | None, after: Case | None, names: dict[str, str]) -> Iterator[AdoptionChange]:
    current = after or before
    old_by_carrier, new_by_carrier = _by_carrier(before), _by_carrier(after)
    item_schema = schema.resolve(child_schema(schema.raw_schema("case"), "adoptions")).get("items", {})
    for carrier in sorted(old_by_carrier.keys() | new_by_carrier.keys()):
        for old, new in _pair_periods(old_by_carrier.get(carrier, []), new_by_carrier.get(carrier, [])):
            change = _adoption_change(current, names.get(carrier, carrier), old, new, item_schema)
            if change is not None:
                yield change


def _by_carrier(case: Case | None) -> dict[str, list[_Record]]:
    groups: dict[str, list[_Record]] = defaultdict(list)
    if case is not None:
        written = case.loaded.data.get("adoptions") or []
        for adoption in case.adoptions:
            groups[adoption.carrier].append((adoption, written[adoption.index]))
    return groups


def _pair_periods(old: list[_Record], new: list[_Record]) -> list[tuple[_Record | None, _Record | None]]:
    """Match one carrier's records across revisions: a single record on both sides is the same record
    (its date may have changed); several periods are matched by date, the rest in order."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    pairs: list[tuple[_Record | None, _Record | None]] = []
    unmatched_new, unmatched_old = list(new), []
    for record in old:
        same_date = next((n for n in unmatched_new if n[0].date == record[0].date), None)
        if same_date is None:
            unmatched_old.append(record)
        else:
            unmatched_new.remove(same_date)
            pairs.append((record, same_date))
    for index in range(max(len(unmatched_old), len(unmatched_new))):
        pairs.append((unmatched_old[index] if index < len(unmatched_old) else None,
                      unmatched_new[index] if index < len(unmatched_new) else None))
    return pairs


def _adoption_change(case: Case, carrier_name: str, old: _Record | None, new: _Record | None,
                     item_schema: dict) -> AdoptionChange | None:
    fields: tuple[FieldChange, ...] = ()
    if old is not None and new is not None:
        fields = tuple(_diff_mapping(old[1], new[1], item_schema, (), ignore=("carrier",)))
        if not fields:
            return None
        kind = CHANGED
    else:
        kind = ADDED if old is None else REMOVED
    shown = (new or old)[0]
    audience = INTERNAL if INTERNAL in (case.audience, shown.audience) else shown.audience
    return AdoptionChange(kind, shown.carrier, carrier_name, case.id, case.title,
                          old[0].status if old else None, new[0].status if new else None, shown.date, fields,
                          audience)


# ---------------------------------------------------------------- revisions in git

WORKING_TREE = None  # as `head`: the files on disk


def diff_revisions(root: Path, base: str, head: str | None = WORKING_TREE, merge_base: bool = False) -> CorpusDiff:
    """What changed in cases/ and carriers/ from `base` to `head` (None: the working tree, with
    uncommitted and untracked files). `merge_base` compares with the common ancestor instead, which is
    what a pull request changes even when its base branch has moved on."""
    root = _repository(root)
    head_sha = resolve_revision(root, head) if head is not None else None
    base_sha = resolve_revision(root, base)
    if merge_base:
        base_sha = _git(root, "merge-base", base_sha, head_sha or "HEAD").strip()
    head_label = head if head is not None else pick("工作区", "working tree")
    return _diff_between(root, (base, base_sha), (head_label, head_sha))


def _diff_between(root: Path, base: tuple[str, str], head: tuple[str, str | None]) -> CorpusDiff:
    """`base` and `head` are (label, commit); a head commit of None is the working tree."""
    changed = _changed_paths(root, base[1], head[1])
    result = CorpusDiff()
    if changed:
        with tempfile.TemporaryDirectory(prefix="ftzkb-diff-") as tmp:
            old = _load_snapshot(root, base[1], changed, Path(tmp) / "old")
            new = _load_snapshot(root, head[1], changed, Path(tmp) / "new")
            names = _carrier_names(root, (head[1], base[1]), _unnamed_carriers(old.corpus, new.corpus),
                                   Path(tmp) / "names")
        sides = (("base", base[0], old), ("head", head[0], new))
        problems = [LoadProblem(side, label, d) for side, label, loaded in sides for d in loaded.diagnostics]
        unreadable = {Path(p.diagnostic.file).stem for p in problems}
        result = diff_corpora(old.corpus, new.corpus, unreadable, names)
        result.problems = problems
    result.base, result.head = base[0], head[0]
    return result


def _changed_paths(root: Path, base_sha: str, head_sha: str | None) -> set[str]:
    """Data files (cases/*.yaml, carriers/*.yaml, relative to the corpus root) that differ."""
    revisions = [base_sha] if head_sha is None else [base_sha, head_sha]
    names = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", *revisions, "--",
                 *_DATA_DIRS).split("\0")
    if head_sha is None:
        names += _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *_DATA_DIRS).split("\0")
    return {name for name in names if _is_data_file(name)}


def _is_data_file(name: str) -> bool:
    parts = name.split("/")
    return name.isprintable() and len(parts) == 2 and parts[0] in _DATA_DIRS and parts[1].endswith(".yaml")


def _load_snapshot(root: Path, sha: str | None, names: set[str], into: Path) -> LoadResult:
    """Only the given files as they were at `sha` (None: on disk), loaded by the one loader; a diff
    costs what changed, not the size of the corpus."""
    for directory in _DATA_DIRS:
        (into / directory).mkdir(parents=True)
    for name, content in _read_files(root, sha, sorted(names)):
        (into / name).write_bytes(content)
    return load_corpus(into)


def _unnamed_carriers(*corpora: Corpus) -> set[str]:
    """Carriers the changed cases refer to but whose own files did not change (so were not loaded)."""
    referenced = {ref for corpus in corpora for case in corpus.cases.values()
                  for ref in (case.origin_carrier, *(a.carrier for a in case.adoptions))}
    return {ref for ref in referenced if not any(ref in corpus.carriers for corpus in corpora)}


def _carrier_names(root: Path, revisions: tuple[str | None, str], wanted: set[str], into: Path) -> dict[str, str]:
    """Display names of `wanted` carriers, from the newer revision or else the older one."""
    names: dict[str, str] = {}
    for index, sha in enumerate(revisions):
        missing = {f"{CARRIERS_DIRNAME}/{carrier}.yaml" for carrier in wanted - names.keys()}
        if not missing:
            break
        loaded = _load_snapshot(root, sha, {name for name in missing if _is_data_file(name)}, into / str(index))
        names.update({k: c.display_name for k, c in loaded.corpus.carriers.items()})
    return names


def _read_files(root: Path, sha: str | None, names: list[str]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each regular file that exists at `sha` (or on disk); others are skipped."""
    if sha is None:
        for name in names:
            path = root / name
            if path.is_file() and not path.is_symlink():
                yield name, path.read_bytes()
        return
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    request = "".join(f"{sha}:{prefix}{name}\n" for name in names).encode()
    output = _git_bytes(root, "cat-file", "--batch", stdin=request)
    position = 0
    for name in names:
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<name> missing", or a tree/link
            continue
        size = int(header[2])
        yield name, output[position:position + size]
        position += size + 1


def recent_changes(root: Path, limit: int = 20, rev: str = "HEAD") -> list[RevisionChange]:
    """The latest `limit` commits (first-parent history of `rev`) that changed the data, newest first,
    each with what it changed. Commits that only re-laid-out files (no change in the data) are skipped."""
    root = _repository(root)
    sha = resolve_revision(root, rev)
    log = _git(root, "log", "--first-parent", "-z", "--format=%H%x1f%P%x1f%cI%x1f%an%x1f%s", sha, "--",
               *_DATA_DIRS)
    changes: list[RevisionChange] = []
    for entry in filter(None, log.split("\0")):
        if len(changes) >= limit:
            break
        commit, parents, date, author, subject = entry.strip("\n").split("\x1f", 4)
        parent = parents.split()[0] if parents else _empty_tree(root)
        diff = _diff_between(root, (parent[:12], parent), (commit[:12], commit))
        if not diff.is_empty:
            changes.append(RevisionChange(commit, date, author, subject, diff))
    return changes


def _repository(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise DiffError(f"找不到目录：{root}", f"no such directory: {root}")
    try:
        _git(root, "rev-parse", "--git-dir")
    except DiffError:
        raise DiffError(f"{root} 不在 git 仓库中：diff 需要 git 历史", f"{root} is not in a git repository") from None
    return root


def _empty_tree(root: Path) -> str:
    return _git(root, "hash-object", "-t", "tree", "--stdin", stdin="").strip()


def resolve_revision(root: Path, revision: str) -> str:
    """The commit a revision names; a DiffError (with did-you-mean branch names) if there is none."""
    if not revision or revision.startswith("-"):
        raise DiffError(f"无效的版本名：“{revision}”", f"invalid revision name: '{revision}'")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except DiffError:
        pass
    refs = _git(root, "for-each-ref", "--format=%(refname:short)").split()
    near = difflib.get_close_matches(revision, refs, n=3, cutoff=0.5)
    hint_zh = f"，是不是“{'”或“'.join(near)}”？" if near else "（可用分支名、标签名或提交号）"
    hint_en = f"; did you mean {' or '.join(near)}?" if near else " (use a branch, tag or commit)"
    raise DiffError(f"找不到版本“{revision}”{hint_zh}", f"unknown revision '{revision}'{hint_en}")


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    return _git_bytes(root, *args, stdin=stdin.encode() if stdin is not None else None).decode("utf-8", "replace")


def _git_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise DiffError("找不到 git 命令：请先安装 git", "git is not installed")
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()
        raise DiffError(f"git 命令失败：{detail}", f"git failed: {detail}") from None
    return done.stdout


# ---------------------------------------------------------------- rendering

FORMATS = ("text", "markdown", "json")
_MARKS = {ADDED: "+", CHANGED: "~", REMOVED: "-"}
_SECTIONS = (("cases", "案例", "cases"), ("adoptions", "复制推广记录", "adoptions"), ("carriers", "载体", "carriers"))
# Contributed text always lands mid-line here, so only inline syntax needs escaping.
_MARKDOWN_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|~"},
                                   "<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})
_VALUE_WIDTH = 40


def render(diff: CorpusDiff, fmt: str = "text", lang: str | None = None) -> str:
    """The diff as "text" (terminal), "markdown" (pull-request summary) or "json"."""
    if fmt == "json":
        return json.dumps(diff.as_dict(), ensure_ascii=False, indent=2)
    writer = _Markdown(lang) if fmt == "markdown" else _Text(lang)
    return "\n".join(writer.document(diff)) + "\n"


class _Text:
    """Plain text for a terminal. `_Markdown` changes only how the pieces look."""

    limit: int | None = None  # most items listed per section

    def __init__(self, lang: str | None) -> None:
        self.lang = lang or current_lang()

    def t(self, zh: str, en: str) -> str:
        return pick(zh, en, self.lang)

    def document(self, diff: CorpusDiff) -> list[str]:
        span = f"{self.code(diff.base)} → {self.code(diff.head)}"
        lines = [self.heading(self.t(f"数据变化：{span}", f"Data changes: {span}"), 2)]
        if diff.is_empty:
            return [*lines, self.t("没有数据变化（cases/ 与 carriers/ 未改动）。",
                                   "No data changes (cases/ and carriers/ are unchanged).")]
        lines += self.overview(diff)
        lines += self.records(diff.cases, self.t("案例", "Cases"))
        lines += self.adoptions(diff)
        lines += self.records(diff.carriers, self.t("载体", "Carriers"))
        lines += self.problems(diff.problems)
        return lines

    def overview(self, diff: CorpusDiff) -> list[str]:
        words = [self.t(*_KIND_WORDS[kind]) for kind in _KIND_ORDER]
        lines = []
        for items, zh, en in _SECTIONS:
            numbers = [diff.count(items, kind) for kind in _KIND_ORDER]
            if any(numbers):
                counts = self.t("，", ", ").join(f"{w} {n}" for w, n in zip(words, numbers, strict=True))
                lines.append(f"{self.t(zh, en)}{self.t('：', ': ')}{counts}")
        return lines

    def records(self, changes: list[RecordChange], heading: str) -> list[str]:
        if not changes:
            return []
        lines = [self.heading(heading, 3)]
        for change in changes[:self.limit]:
            lines.append(self.item(change.kind, self.name(change.name, change.id)))
            lines += [self.detail(self.field(f)) for f in change.fields]
        return lines + self.more(len(changes))

    def adoptions(self, diff: CorpusDiff) -> list[str]:
        if not diff.adoptions:
            return []
        lines = [self.heading(self.t("复制推广记录（按载体）", "Adoptions, per carrier"), 3)]
        listed = 0
        for carrier, name, changes in diff.adoptions_by_carrier():
            if self.limit is not None and listed >= self.limit:
                break
            lines.append(self.heading(self.name(name, carrier), 4))
            for change in changes[:None if self.limit is None else self.limit - listed]:
                what = self.t("；", "; ").join(self.field(f) for f in change.fields) if change.kind == CHANGED \
                    else self.status_and_date(change)
                lines.append(self.item(change.kind, f"{self.name(change.case_title, change.case)}"
                                                    f"{self.t('：', ': ')}{what}", nested=True))
                listed += 1
        return lines + self.more(len(diff.adoptions))

    def more(self, total: int) -> list[str]:
        if self.limit is None or total <= self.limit:
            return []
        hidden = total - self.limit
        return [self.t(f"……另有 {hidden} 项未列出（完整列表：ftzkb diff 的 text 或 json 输出）",
                       f"… {hidden} more not listed (full list: ftzkb diff as text or json)")]

    def status_and_date(self, change: AdoptionChange) -> str:
        status = vocab.label("adoption_status", change.new_status or change.old_status or "unknown", self.lang)
        return f"{status}{self.t('，', ', ')}{display_date(change.date, self.lang)}"

    def field(self, change: FieldChange) -> str:
        label = change.label(self.lang)
        text = label if label == change.path else f"{label}{self.paren(self.code(change.path))}"
        if change.old is None and change.new is None:
            return text
        return f"{text}{self.t('：', ': ')}{self.value(change.old)} → {self.value(change.new)}"

    def value(self, value: Any) -> str:
        if value is None:
            return self.t("（空）", "(none)")
        text = " ".join(str(value).split())
        if len(text) > _VALUE_WIDTH:
            text = text[:_VALUE_WIDTH] + "…"
        return self.escape(f'"{text}"')

    def problems(self, problems: list[LoadProblem]) -> list[str]:
        if not problems:
            return []
        heading = self.t("无法读取的文件（其变化未计入上面）", "Files that could not be read (not counted above)")
        return [self.heading(heading, 3), *(self.item(CHANGED, self.problem(p), mark="!") for p in problems)]

    def problem(self, problem: LoadProblem) -> str:
        d = problem.diagnostic
        return (f"{self.code(d.file)}:{d.line}:{d.col}{self.paren(self.escape(problem.revision))}"
                f"{self.t('：', ': ')}{self.escape(d.message(self.lang))}")

    def name(self, name: str, record_id: str) -> str:
        return f"{self.escape(name)}{self.paren(self.code(record_id))}"

    def paren(self, text: str) -> str:
        return self.t(f"（{text}）", f" ({text})")

    def heading(self, text: str, level: int) -> str:
        return {2: text, 3: f"\n{text}", 4: f"  {text}"}[level]

    def item(self, kind: str, text: str, nested: bool = False, mark: str | None = None) -> str:
        return f"{'    ' if nested else '  '}{mark or _MARKS[kind]} {text}"

    def detail(self, text: str) -> str:
        return f"      {text}"

    def code(self, text: str) -> str:
        return text

    def escape(self, text: str) -> str:
        return text


class _Markdown(_Text):
    """GitHub/Gitea-flavoured Markdown; every piece of contributed text is escaped. Long lists are cut
    (a step summary is limited to 1 MiB, and a reviewer reads the first few hundred lines anyway)."""

    limit = 300

    def overview(self, diff: CorpusDiff) -> list[str]:
        header = "| | " + " | ".join(self.t(*_KIND_WORDS[kind]) for kind in _KIND_ORDER) + " |"
        body = [f"| {self.t(zh, en.capitalize())} | " + " | ".join(str(diff.count(items, kind)) for kind in _KIND_ORDER)
                + " |" for items, zh, en in _SECTIONS]
        return ["", header, "|---|---:|---:|---:|", *body]

    def heading(self, text: str, level: int) -> str:
        return ("" if level == 2 else "\n") + "#" * level + " " + text

    def item(self, kind: str, text: str, nested: bool = False, mark: str | None = None) -> str:
        word = "⚠" if mark else self.t(*_KIND_WORDS[kind])
        return f"- **{word}** {text}"

    def detail(self, text: str) -> str:
        return f"  - {text}"

    def code(self, text: str) -> str:
        return "`" + text.replace("`", "'").replace("\n", " ") + "`"

    def escape(self, text: str) -> str:
        return text.translate(_MARKDOWN_SPECIAL)
