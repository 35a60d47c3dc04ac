"""Revisions in git: the files that differ, loaded through the one loader, and the history."""

from __future__ import annotations

import difflib
import functools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ftzkb.diff.compute import _DATA_DIRS, CorpusDiff, DiffError, LoadProblem, RevisionChange, diff_corpora
from ftzkb.gitrepo import GitError, checked_revision, git, git_bytes
from ftzkb.i18n import pick
from ftzkb.load.loader import LoadResult, load_corpus
from ftzkb.load.model import Corpus
from ftzkb.paths import CARRIERS_DIRNAME

# ---------------------------------------------------------------- revisions in git

WORKING_TREE = None  # as `head`: the files on disk
_Result = TypeVar("_Result")


def _as_diff_error(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """Any git failure inside a public function reaches its caller as a DiffError (a usage error)."""
    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> _Result:
        try:
            return function(*args, **kwargs)
        except DiffError:
            raise
        except GitError as exc:
            raise DiffError(exc.zh, exc.en) from None
    return wrapped


@_as_diff_error
def diff_revisions(root: Path, base: str, head: str | None = WORKING_TREE, merge_base: bool = False) -> CorpusDiff:
    """What changed in cases/ and carriers/ from `base` to `head` (None: the working tree, with
    uncommitted and untracked files). `merge_base` compares with the common ancestor instead, which is
    what a pull request changes even when its base branch has moved on."""
    root = _repository(root)
    head_sha = resolve_revision(root, head) if head is not None else None
    base_sha = resolve_revision(root, base)
    if merge_base:
        base_sha = git(root, "merge-base", base_sha, head_sha or "HEAD").strip()
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
    names = git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", *revisions, "--",
                 *_DATA_DIRS).split("\0")
    if head_sha is None:
        names += git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *_DATA_DIRS).split("\0")
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
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    request = "".join(f"{sha}:{prefix}{name}\n" for name in names).encode()
    output = git_bytes(root, "cat-file", "--batch", stdin=request)
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


@_as_diff_error
def recent_changes(root: Path, limit: int = 20, rev: str = "HEAD") -> list[RevisionChange]:
    """The latest `limit` commits (first-parent history of `rev`) that changed the data, newest first,
    each with what it changed. Commits that only re-laid-out files (no change in the data) are skipped."""
    root = _repository(root)
    sha = resolve_revision(root, rev)
    log = git(root, "log", "--first-parent", "-z", "--format=%H%x1f%P%x1f%cI%x1f%an%x1f%s", sha, "--",
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
        git(root, "rev-parse", "--git-dir")
    except GitError:
        raise DiffError(f"{root} 不在 git 仓库中：diff 需要 git 历史", f"{root} is not in a git repository") from None
    return root


def _empty_tree(root: Path) -> str:
    return git(root, "hash-object", "-t", "tree", "--stdin", stdin="").strip()


@_as_diff_error
def resolve_revision(root: Path, revision: str) -> str:
    """The commit a revision names; a DiffError (with did-you-mean branch names) if there is none."""
    checked_revision(revision)
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except GitError:
        pass
    refs = git(root, "for-each-ref", "--format=%(refname:short)").split()
    near = difflib.get_close_matches(revision, refs, n=3, cutoff=0.5)
    hint_zh = f"，是不是“{'”或“'.join(near)}”？" if near else "（可用分支名、标签名或提交号）"
    hint_en = f"; did you mean {' or '.join(near)}?" if near else " (use a branch, tag or commit)"
    raise DiffError(f"找不到版本“{revision}”{hint_zh}", f"unknown revision '{revision}'{hint_en}")



