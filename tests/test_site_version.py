"""The data version and case history the site prints come from git, never from the clock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from conftest import minimal_case, write_corpus
from ftzkb.load.loader import load_corpus
from ftzkb.load.version import UNKNOWN, data_version
from ftzkb.site.version import case_history


def _git(root, *args, when: str = "2024-01-02T03:04:05+00:00"):
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_version_and_history_follow_the_commits(tmp_path):
    root = write_corpus(tmp_path, {"a": minimal_case("a"), "b": minimal_case("b")})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "first")
    (root / "cases" / "b.yaml").write_text(minimal_case("b", "tags:\n  - 改\n"), "utf-8")
    _git(root, "commit", "-qam", "second", when="2024-05-06T07:08:09+00:00")
    (root / "notes.txt").write_text("code, not data")
    _git(root, "add", "notes.txt")
    _git(root, "commit", "-qm", "not data", when="2025-01-01T00:00:00+00:00")

    version = data_version(root)
    head_of_data = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD~1"], capture_output=True,
                                  text=True, check=True).stdout.strip()
    assert version.commit == head_of_data  # the last commit that changed cases/ or carriers/
    assert version.date == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert not version.dirty and version.label == head_of_data[:12]

    history = case_history(root)
    assert history["a"].created == history["a"].updated == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert history["b"].created < history["b"].updated

    (root / "cases" / "a.yaml").write_text(minimal_case("a", "tags:\n  - 未提交\n"), "utf-8")
    assert data_version(root).dirty and data_version(root).label.endswith("+")


def test_outside_git_the_date_is_the_newest_in_the_data(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_corpus(tmp_path / "corpus", {"a": minimal_case("a", started="2021-07"),
                                              "b": minimal_case("b", started="2022-03-15")})
    version = data_version(root, load_corpus(root).corpus)
    assert version.commit == UNKNOWN and version.label == UNKNOWN
    assert version.date == dt.datetime(2022, 3, 15, tzinfo=dt.UTC)
    assert case_history(root) == {}
