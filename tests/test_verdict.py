"""The stored verdict (validate of an unchanged corpus at the cost of reading it) says exactly what
a full run says, through generated edits: files added, changed, deleted and renamed, edits that
create and remove cross-file problems."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from conftest import ftzkb, minimal_case, write_corpus
from ftzkb.rules import verdict
from ftzkb.rules.validate import validate

ADOPTING = 'adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: "2021"\n'


def as_text(report) -> list[str]:
    return [d.as_text("zh") for d in report.diagnostics] + [str(report.files_checked)]


def cold(root: Path) -> list[str]:
    return as_text(validate(root))


def reused(root: Path) -> list[str]:
    return as_text(validate(root, reuse_verdict=True))


EDITS = ("add", "change", "break", "delete", "rename", "drop-carrier", "restore-carrier", "nothing")


def edit(root: Path, kind: str, rng: random.Random, step: int) -> None:
    cases = sorted((root / "cases").glob("*.yaml"))
    if kind == "add":
        (root / "cases" / f"n{step}.yaml").write_text(minimal_case(f"n{step}", ADOPTING if step % 2 else ""), "utf-8")
    elif kind == "change" and cases:
        path = rng.choice(cases)
        path.write_text(path.read_text("utf-8").replace("用于测试的", f"第{step}次改过的"), "utf-8")
    elif kind == "break" and cases:
        rng.choice(cases).write_text("id: [unclosed\n", "utf-8")
    elif kind == "delete" and len(cases) > 1:
        rng.choice(cases).unlink()
    elif kind == "rename" and cases:  # the id no longer matches the file name: a cross-check problem
        path = rng.choice(cases)
        path.rename(path.with_name(f"moved{step}.yaml"))
    elif kind == "drop-carrier" and (root / "carriers" / "zone-b.yaml").exists():
        shutil.move(root / "carriers" / "zone-b.yaml", root / "zone-b.yaml")  # its adopters now refer to nothing
    elif kind == "restore-carrier" and (root / "zone-b.yaml").exists():
        shutil.move(root / "zone-b.yaml", root / "carriers" / "zone-b.yaml")


@pytest.mark.parametrize("seed", range(6))
def test_the_verdict_says_what_a_full_run_says_through_generated_edits(tmp_path, seed):
    rng = random.Random(seed)
    root = write_corpus(tmp_path / "corpus", {f"c{n}": minimal_case(f"c{n}", ADOPTING if n % 2 else "")
                                              for n in range(5)})
    for step in range(12):
        edit(root, rng.choice(EDITS), rng, step)
        first = reused(root)  # stores (or reuses) a verdict
        assert first == cold(root), f"step {step}"
        assert reused(root) == first  # answered from the stored verdict


def test_an_unchanged_corpus_is_answered_without_loading_it(tmp_path, monkeypatch):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1", ADOPTING)})
    expected = reused(root)
    import ftzkb.rules.validate as module

    monkeypatch.setattr(module, "load_corpus", lambda *a, **k: pytest.fail("the corpus was loaded"))
    assert reused(root) == expected


def test_a_change_to_the_judging_code_makes_a_new_key(tmp_path, monkeypatch):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1")})
    key = verdict.corpus_key(root)
    monkeypatch.setattr(verdict, "code_fingerprint", lambda: b"another version of the rules")
    assert verdict.corpus_key(root) != key


def test_a_file_that_cannot_be_read_as_data_always_gets_a_full_run(tmp_path):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1")})
    (root / "cases" / "zero.yaml").symlink_to("/dev/zero")
    assert verdict.corpus_key(root) is None
    assert reused(root) == cold(root) and any("zero.yaml" in line for line in cold(root))


def test_the_command_prints_the_same_twice(tmp_path):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1", ADOPTING), "bad": "id: [\n"})
    first, second = ftzkb("validate", root=root, lang="zh"), ftzkb("validate", root=root, lang="zh")
    assert (first.returncode, first.stdout, first.stderr) == (second.returncode, second.stdout, second.stderr)
    assert first.returncode == 1 and "cases/bad.yaml" in first.stdout + first.stderr
