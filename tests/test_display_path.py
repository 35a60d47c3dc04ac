"""`display_path` names a file relative to the corpus root as `Path.resolve()` would, while
resolving each folder once per run (placing hundreds of findings resolved every path again)."""

from __future__ import annotations

import os
from pathlib import Path

from ftzkb.diagnostics import display_path


def plain(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def test_paths_are_shown_as_resolving_them_shows_them(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / "a.yaml").write_text("id: a\n", "utf-8")
    (root / "cases" / "link.yaml").symlink_to("a.yaml")
    (root / "linked-cases").symlink_to("cases")
    (tmp_path / "elsewhere.yaml").write_text("id: b\n", "utf-8")
    monkeypatch.chdir(root)
    paths = [root / "cases" / "a.yaml", root / "cases" / "link.yaml", root / "linked-cases" / "a.yaml",
             root / "cases" / "missing.yaml", root / "cases" / ".." / "cases" / "a.yaml", root / "cases" / "..",
             tmp_path / "elsewhere.yaml", Path("cases") / "a.yaml", Path(os.path.relpath(root / "cases" / "a.yaml"))]
    for path in paths:
        for corpus_root in (root, Path(".")):
            assert display_path(path, corpus_root) == plain(path, corpus_root), (path, corpus_root)
    assert display_path(root / "cases" / "link.yaml", root) == "cases/a.yaml"


def test_data_file_names_and_kinds_are_those_of_the_parent_folder():
    from ftzkb.load.loader import data_file_name, kind_of

    for text in ("/r/cases/x.yaml", "cases/x.yaml", "x.yaml", "/x.yaml", "/r/carriers/c.yaml", "carriers/c.yaml",
                 "../carriers/c.yaml", "/"):
        path = Path(text)
        assert data_file_name(path) == f"{path.parent.name}/{path.name}", text
        assert kind_of(path) == ("carrier" if path.parent.name == "carriers" else "case"), text
