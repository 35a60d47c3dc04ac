"""`ftzkb diff` and the functions behind it, on real corpora in real temporary git repositories."""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path

import pytest

from conftest import ftzkb as run_ftzkb
from conftest import minimal_case, write_corpus
from ftzkb.diff import DiffError, diff_corpora, diff_revisions, recent_changes, render
from ftzkb.load.loader import load_corpus

ADOPTS_B = "adoptions:\n  - carrier: zone-b\n    status: planned\n"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
    return done.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=测试者", "-c", "user.email=t@example.org", "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_corpus(tmp_path / "repo", {"kept": minimal_case("kept", ADOPTS_B), "doomed": minimal_case("doomed")})
    git(root, "init", "-q", "-b", "main")
    commit(root, "初始数据")
    return root


def write_case(root: Path, case_id: str, text: str) -> None:
    (root / "cases" / f"{case_id}.yaml").write_text(text, "utf-8")


def corpus(tmp_path: Path, name: str, cases: dict[str, str], carriers=None):
    return load_corpus(write_corpus(tmp_path / name, cases, carriers)).corpus


# ---------------------------------------------------------------- diff_corpora


def test_cases_added_changed_removed_with_the_changed_fields(tmp_path):
    old = corpus(tmp_path, "old", {"same": minimal_case("same"), "edited": minimal_case("edited"),
                                   "gone": minimal_case("gone")})
    new = corpus(tmp_path, "new", {"same": minimal_case("same"), "fresh": minimal_case("fresh"),
                                   "edited": minimal_case("edited", started="2021-05").replace(
                                       "  - finance", "  - finance\n  - ip")})
    diff = diff_corpora(old, new)
    assert [(c.kind, c.id) for c in diff.cases] == [("added", "fresh"), ("changed", "edited"), ("removed", "gone")]
    edited = diff.cases[1]
    assert [(f.path, f.label_zh, f.old, f.new) for f in edited.fields] == [
        ("origin.started", "开始日期", "2020-01", "2021-05"), ("categories", "改革领域", None, None)]
    assert diff.adoptions == [] and diff.carriers == []


def test_adoptions_are_reported_per_carrier_and_not_as_case_changes(tmp_path):
    two = "adoptions:\n  - carrier: zone-c\n    status: adopted\n  - carrier: zone-b\n    status: planned\n"
    old = corpus(tmp_path, "old", {"x": minimal_case("x", two), "y": minimal_case("y")})
    new = corpus(tmp_path, "new", {"x": minimal_case("x", two.replace("planned", "adopted")),
                                   "y": minimal_case("y", "adoptions:\n  - carrier: zone-b\n    status: piloting\n")})
    diff = diff_corpora(old, new)
    assert diff.cases == []
    grouped = [(carrier, [(a.kind, a.case, a.old_status, a.new_status) for a in changes])
               for carrier, _, changes in diff.adoptions_by_carrier()]
    assert grouped == [("zone-b", [("added", "y", None, "piloting"), ("changed", "x", "planned", "adopted")])]
    assert diff.adoptions[1].fields[0].path == "status"


def test_several_periods_of_one_carrier_are_matched_by_date(tmp_path):
    periods = ("adoptions:\n  - carrier: zone-b\n    status: piloting\n    date: \"2021\"\n    until: \"2022\"\n"
               "  - carrier: zone-b\n    status: adopted\n    date: \"2022\"\n")
    extra = "  - carrier: zone-b\n    status: withdrawn\n    date: \"2024\"\n"
    diff = diff_corpora(corpus(tmp_path, "old", {"x": minimal_case("x", periods)}),
                        corpus(tmp_path, "new", {"x": minimal_case("x", periods + extra)}))
    assert [(a.kind, a.date, a.new_status) for a in diff.adoptions] == [("added", "2024", "withdrawn")]


def test_carrier_changes_and_names(tmp_path):
    carriers = {"area-a": ("甲片区", "ftz-area"), "zone-b": ("乙经开区", "national-etdz")}
    old = corpus(tmp_path, "old", {}, carriers)
    renamed = {"area-a": ("甲片区（新名）", "ftz-area"), "zone-d": ("丁高新区", "national-htz")}
    new = corpus(tmp_path, "new", {}, renamed)
    diff = diff_corpora(old, new)
    assert [(c.kind, c.id, c.name) for c in diff.carriers] == [
        ("added", "zone-d", "丁高新区"), ("changed", "area-a", "甲片区（新名）"), ("removed", "zone-b", "乙经开区")]
    assert diff.carriers[1].fields[0].path == "name"


def test_public_view_leaves_out_internal_cases_adoptions_and_texts(tmp_path):
    internal_note = "note:\n  text: 内部意见\n  audience: internal\n"
    secret_adoption = "adoptions:\n  - carrier: zone-c\n    status: planned\n    audience: internal\n"
    old = corpus(tmp_path, "old", {"open": minimal_case("open")})
    new = corpus(tmp_path, "new", {"open": minimal_case("open", secret_adoption + internal_note),
                                   "secret": minimal_case("secret", "audience: internal\n")})
    full, public = diff_corpora(old, new), diff_corpora(old, new).public()
    assert {c.id for c in full.cases} == {"open", "secret"} and len(full.adoptions) == 1
    assert public.cases == [] and public.adoptions == []


# ---------------------------------------------------------------- diff_revisions


def test_between_two_commits(repo):
    write_case(repo, "kept", minimal_case("kept", ADOPTS_B.replace("planned", "adopted")))
    write_case(repo, "fresh", minimal_case("fresh"))
    (repo / "cases" / "doomed.yaml").unlink()
    commit(repo, "第二次")
    diff = diff_revisions(repo, "main~1", "main")
    assert (diff.base, diff.head) == ("main~1", "main")
    assert [(c.kind, c.id) for c in diff.cases] == [("added", "fresh"), ("removed", "doomed")]
    assert [(a.carrier, a.old_status, a.new_status) for a in diff.adoptions] == [("zone-b", "planned", "adopted")]


def test_working_tree_includes_uncommitted_and_untracked_files(repo):
    write_case(repo, "untracked", minimal_case("untracked"))
    diff = diff_revisions(repo, "main")
    assert [(c.kind, c.id) for c in diff.cases] == [("added", "untracked")]
    assert diff.head == "工作区"


def test_unchanged_data_is_an_empty_diff(repo):
    (repo / "README.md").write_text("不是数据", "utf-8")
    commit(repo, "docs")
    diff = diff_revisions(repo, "main~1", "main")
    assert diff.is_empty
    assert "没有数据变化" in render(diff, "text", "zh")


def test_merge_base_shows_only_what_the_branch_changed(repo):
    git(repo, "checkout", "-qb", "topic")
    write_case(repo, "from-topic", minimal_case("from-topic"))
    commit(repo, "topic")
    git(repo, "checkout", "-q", "main")
    write_case(repo, "from-main", minimal_case("from-main"))
    commit(repo, "main moved on")
    plain = diff_revisions(repo, "main", "topic")
    assert {(c.kind, c.id) for c in plain.cases} == {("added", "from-topic"), ("removed", "from-main")}
    forked = diff_revisions(repo, "main", "topic", merge_base=True)
    assert [(c.kind, c.id) for c in forked.cases] == [("added", "from-topic")]


def test_a_file_that_does_not_load_is_reported_not_counted_as_removed(repo):
    write_case(repo, "doomed", "id: doomed\ntitle：坏了\n")
    diff = diff_revisions(repo, "main")
    assert diff.cases == []
    assert [(p.side, p.diagnostic.file, p.diagnostic.rule) for p in diff.problems] == [
        ("head", "cases/doomed.yaml", "yaml-fullwidth-colon")]
    assert diff.head_unreadable


def test_corpus_in_a_subdirectory_of_the_repository(tmp_path):
    top = tmp_path / "top"
    write_corpus(top / "data", {"one": minimal_case("one")})
    git(top, "init", "-q", "-b", "main")
    commit(top, "base")
    write_case(top / "data", "two", minimal_case("two"))
    commit(top, "two")
    assert [c.id for c in diff_revisions(top / "data", "main~1", "main").cases] == ["two"]


@pytest.mark.parametrize("revision", ["mian", "--output=/tmp/x", ""])
def test_bad_revisions_are_usage_errors_with_suggestions(repo, revision):
    with pytest.raises(DiffError) as caught:
        diff_revisions(repo, revision, "main")
    if revision == "mian":
        assert "是不是“main”" in caught.value.zh


def test_not_a_repository(tmp_path):
    write_corpus(tmp_path, {"one": minimal_case("one")})
    with pytest.raises(DiffError, match="not in a git repository"):
        diff_revisions(tmp_path, "main")


# ---------------------------------------------------------------- recent_changes (the site's feed)


def test_recent_changes_newest_first_skipping_commits_without_data_changes(repo):
    write_case(repo, "fresh", minimal_case("fresh"))
    commit(repo, "新增案例 fresh")
    (repo / "notes.txt").write_text("x", "utf-8")
    commit(repo, "不涉及数据")
    text = (repo / "cases" / "fresh.yaml").read_text("utf-8")
    write_case(repo, "fresh", text.replace('"2020-01"', "'2020-01'"))  # same data, other layout
    commit(repo, "只改格式")
    changes = recent_changes(repo, limit=5)
    assert [c.subject for c in changes] == ["新增案例 fresh", "初始数据"]
    assert changes[0].author == "测试者" and changes[0].diff.cases[0].id == "fresh"
    assert len(recent_changes(repo, limit=1)) == 1


def test_recent_changes_shows_a_merged_pull_request_as_one_entry(repo):
    git(repo, "checkout", "-qb", "topic")
    write_case(repo, "a", minimal_case("a"))
    commit(repo, "a")
    write_case(repo, "b", minimal_case("b"))
    commit(repo, "b")
    git(repo, "checkout", "-q", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "merge", "-q", "--no-ff", "-m", "合并 topic", "topic")
    newest = recent_changes(repo, limit=1)[0]
    assert newest.subject == "合并 topic"
    assert sorted(c.id for c in newest.diff.cases) == ["a", "b"]


# ---------------------------------------------------------------- rendering and the command


def test_markdown_escapes_contributed_text(tmp_path):
    hostile = minimal_case("evil").replace("测试案例evil", "<script>alert(1)</script> | **粗** [链接](javascript:x)")
    diff = diff_corpora(corpus(tmp_path, "old", {}), corpus(tmp_path, "new", {"evil": hostile}))
    markdown = render(diff, "markdown", "zh")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\\| \\*\\*粗\\*\\* \\[链接\\](javascript:x)" in markdown
    assert "| 案例 | 1 | 0 | 0 |" in markdown


def test_text_and_json_renderings(repo):
    write_case(repo, "kept", minimal_case("kept", ADOPTS_B, started="2020-02"))
    diff = diff_revisions(repo, "main")
    text = render(diff, "text", "zh")
    assert "开始日期（origin.started）：\"2020-01\" → \"2020-02\"" in text
    english = render(diff, "text", "en")
    assert 'start date (origin.started): "2020-01" → "2020-02"' in english
    data = json.loads(render(diff, "json"))
    assert data["summary"]["cases"] == {"added": 0, "changed": 1, "removed": 0}
    assert data["cases"][0]["fields"][0]["path"] == "origin.started"


ftzkb = partial(run_ftzkb, lang="zh", timeout=120)


def test_command_exit_codes_and_formats(repo):
    write_case(repo, "fresh", minimal_case("fresh"))
    commit(repo, "fresh")
    done = ftzkb("diff", "main~1", "main", "--format", "markdown", "--root", str(repo), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## 数据变化：`main~1` → `main`")
    wrong = ftzkb("diff", "mian", cwd=repo)
    assert wrong.returncode == 2 and "是不是“main”" in wrong.stderr and "Traceback" not in wrong.stderr
    write_case(repo, "fresh", "id: [broken\n")
    broken = ftzkb("diff", "main", "--format", "json", cwd=repo)
    assert broken.returncode == 1 and json.loads(broken.stdout)["problems"][0]["file"] == "cases/fresh.yaml"


def test_help_is_bilingual_with_examples(repo):
    done = ftzkb("diff", "--help", cwd=repo)
    assert "两个版本之间" in done.stdout and "What changed" in done.stdout and "--merge-base" in done.stdout
