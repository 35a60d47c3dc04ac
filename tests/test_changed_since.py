"""`validate --changed-since REF` reports the changed files and the cases that reference them."""

from __future__ import annotations

import subprocess

import pytest

from conftest import minimal_case, write_corpus
from ftzkb.rules.validate import UsageError, validate


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    adopting = minimal_case("uses-zone", 'adoptions:\n  - carrier: zone-b\n    status: adopted\n')
    root = write_corpus(tmp_path, {"plain": minimal_case("plain").replace("测试案例plain", "测试案例  plain"),
                                   "uses-zone": adopting})
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "base", "--allow-empty")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data")
    return root


def test_unchanged_corpus_reports_nothing(repo):
    assert validate(repo, changed_since="HEAD").files_checked == 0


def test_removing_a_carrier_flags_the_cases_that_use_it(repo):
    (repo / "carriers" / "zone-b.yaml").unlink()
    report = validate(repo, changed_since="HEAD")
    errors = [(d.file, d.rule) for d in report.diagnostics if d.severity == "error"]
    assert errors == [("cases/uses-zone.yaml", "unknown-reference")]


def test_untracked_new_case_is_checked(repo):
    (repo / "cases" / "fresh.yaml").write_text(minimal_case("fresh", origin="no-such-area"), "utf-8")
    report = validate(repo, changed_since="HEAD")
    assert {d.file for d in report.diagnostics if d.severity == "error"} == {"cases/fresh.yaml"}


def test_unknown_ref_is_a_usage_error(repo):
    with pytest.raises(UsageError):
        validate(repo, changed_since="no-such-ref")


@pytest.mark.parametrize("ref", ["--output=pwned.txt", "-p", ""])
def test_a_revision_that_looks_like_an_option_is_refused_before_git_runs(repo, ref, monkeypatch):
    monkeypatch.chdir(repo)
    with pytest.raises(UsageError) as refused:
        validate(repo, changed_since=ref or " ")
    assert "不能以 - 开头" in refused.value.zh or ref == ""
    assert not (repo / "pwned.txt").exists()


def test_the_command_refuses_an_option_as_revision_with_exit_2(repo):
    from conftest import ftzkb

    result = ftzkb("validate", "--changed-since=--output=pwned.txt", "--root", str(repo), cwd=repo)
    assert result.returncode == 2 and "不能以 - 开头" in result.stderr
    assert not (repo / "pwned.txt").exists() and "Traceback" not in result.stderr
