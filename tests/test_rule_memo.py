"""The rule memo (a whole-corpus validate judges again only what an edit can have changed) says
exactly what a run without caches says, through generated edits of a national-shaped corpus:
files added, changed, broken, deleted and renamed, and edits that create and remove cross-file
problems through each rule's context (establishment dates, the carriers that exist, parent and
learned-from cycles, near-duplicate cases, today's date)."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from ftzkb.bench.synth import SynthSpec, write_synthetic
from ftzkb.diagnostics import render
from ftzkb.paths import cache_dir
from ftzkb.rules import all_rules, checks, dates_plausible
from ftzkb.rules.memo import MEMO_NAME
from ftzkb.rules.validate import validate


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("memo-original")
    write_synthetic(SynthSpec(cases=60, carriers=14, seed=11), root)
    return root


def uncached(root: Path, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setenv("FTZKB_NO_CACHE", "1")
        report = validate(root)
    return render(report.diagnostics, "json", "zh") + f"\n{report.files_checked}"


def remembered(root: Path) -> str:
    report = validate(root)
    return render(report.diagnostics, "json", "zh") + f"\n{report.files_checked}"


def substitute(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.M), "utf-8")


def case_files(root: Path) -> list[Path]:
    return sorted((root / "cases").glob("*.yaml"))


def carrier_files(root: Path) -> list[Path]:
    return sorted((root / "carriers").glob("*.yaml"))


def edit(root: Path, original: Path, kind: str, rng: random.Random, step: int) -> None:
    cases, carriers = case_files(root), carrier_files(root)
    if kind == "retitle":  # another case's title and summary: a near-duplicate appears
        path, other = rng.sample(cases, 2)
        title = re.search(r"^title: .*$", other.read_text("utf-8"), re.M)
        summary = re.search(r"^summary: .*$", other.read_text("utf-8"), re.M)
        if title and summary:
            substitute(path, r"^title: .*$", title.group(0))
            substitute(path, r"^summary: .*$", summary.group(0))
    elif kind == "adopt-early":  # an adoption before its carrier existed
        substitute(rng.choice(cases), r'^    date: "[0-9-]+"$', '    date: "1990-05"')
    elif kind == "established-late":  # a carrier established after most of its adoptions
        substitute(rng.choice(carriers), r'^established: .*$', 'established: "2025-06-01"')
    elif kind == "future":  # a date after today
        substitute(rng.choice(cases), r'^    date: "[0-9-]+"$', '    date: "2099-01"')
    elif kind == "drop-carrier":
        path = rng.choice(carriers)
        shutil.move(path, root / path.name)  # its cases' references now point at nothing
    elif kind == "restore-carrier":
        for path in sorted(root.glob("*.yaml")):
            shutil.move(path, root / "carriers" / path.name)
    elif kind == "rename":  # the id no longer matches the file name
        path = rng.choice(cases)
        path.rename(path.with_name(f"moved-{step}.yaml"))
    elif kind == "copy":  # a new file, a duplicate of another case under a new id
        path = rng.choice(cases)
        text = re.sub(r"^id: .*$", f"id: copy-{step}", path.read_text("utf-8"), count=1, flags=re.M)
        (root / "cases" / f"copy-{step}.yaml").write_text(text, "utf-8")
    elif kind == "clash":  # a case named like a carrier
        carrier_id = rng.choice(carriers).stem
        text = re.sub(r"^id: .*$", f"id: {carrier_id}", rng.choice(cases).read_text("utf-8"), count=1, flags=re.M)
        (root / "cases" / f"{carrier_id}.yaml").write_text(text, "utf-8")
    elif kind == "parent-cycle" and len(carriers) >= 2:
        first, second = rng.sample(carriers, 2)
        for path, parent in ((first, second.stem), (second, first.stem)):
            substitute(path, r"^types:$", f"parent: {parent}\ntypes:")
    elif kind == "learned-cycle":
        first, second = rng.sample(cases, 2)
        for path, other in ((first, second.stem), (second, first.stem)):
            substitute(path, r"^  - carrier: (.*)$", rf"  - carrier: \1\n    learned_from:\n      case: {other}")
    elif kind == "whitespace":
        substitute(rng.choice(cases), r"^summary: (.*)$", r'summary: " \1"')
    elif kind == "break":
        rng.choice(cases).write_text("id: [unclosed\n", "utf-8")
    elif kind == "delete" and len(cases) > 2:
        rng.choice(cases).unlink()
    elif kind == "revert":  # a file as it was at the start
        path = rng.choice(case_files(original) + carrier_files(original))
        target = root / path.parent.name / path.name
        if target.exists() or not (root / path.name).exists():
            shutil.copy(path, target)


EDITS = ("retitle", "adopt-early", "established-late", "future", "drop-carrier", "restore-carrier", "rename",
         "copy", "clash", "parent-cycle", "learned-cycle", "whitespace", "break", "delete", "revert", "revert")


@pytest.mark.parametrize("seed", range(4))
def test_the_memo_says_what_a_run_without_caches_says_through_generated_edits(original, tmp_path, monkeypatch, seed):
    root = Path(shutil.copytree(original, tmp_path / "corpus", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    rng = random.Random(seed)
    assert remembered(root) == uncached(root, monkeypatch)
    seen = set()
    for step in range(14):
        kind = rng.choice(EDITS)
        edit(root, original, kind, rng, step)
        expected = uncached(root, monkeypatch)
        assert remembered(root) == expected, (step, kind)
        seen |= {item.split('"rule": "')[1].split('"')[0] for item in expected.split("\n") if '"rule": "' in item}
    assert (cache_dir(root) / MEMO_NAME).exists()
    assert len(seen) >= 3  # the edits made problems to find


def test_every_corpus_rule_says_whether_its_verdicts_can_be_reused():
    """A corpus rule without a context is judged afresh on every record (safe, but slow): only
    the near-duplicate check, whose scores weigh every case's words, is meant to stay so."""
    always_run = {r.id for r in checks() if not r.reusable}
    assert always_run == {"similar-case"}
    assert all(r.reusable for r in all_rules() if r.check and "corpus" not in r.scope)


def test_a_new_day_judges_dates_again(original, tmp_path, monkeypatch):
    import datetime as dt

    root = Path(shutil.copytree(original, tmp_path / "corpus", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    substitute(case_files(root)[0], r'^    date: "[0-9-]+"$', '    date: "2031-01"')
    assert any(d.rule == "date-plausible" for d in validate(root).diagnostics)
    monkeypatch.setattr(dates_plausible, "_today", lambda: dt.date(2032, 1, 1))
    assert not any(d.rule == "date-plausible" for d in validate(root).diagnostics)  # no longer in the future


def test_the_memo_skips_what_it_vouches_for(original, tmp_path, monkeypatch):
    """After one edit, a per-file rule judges that file only (the memo is used, not bypassed)."""
    from ftzkb.rules import whitespace

    root = Path(shutil.copytree(original, tmp_path / "corpus", ignore=shutil.ignore_patterns(".ftzkb-cache")))
    validate(root)
    judged: list[str] = []
    real = whitespace.check

    def counting(record, report):
        judged.append(record.id)
        return real(record, report)

    from ftzkb.rules import rule_by_id
    rule = rule_by_id("whitespace")
    assert rule is not None
    from dataclasses import replace

    from ftzkb import rules as registry
    # Rules are frozen: the registry's entry is replaced by one whose check counts.
    monkeypatch.setitem(registry._REGISTRY, "whitespace", replace(rule, check=counting))
    registry.all_rules.cache_clear()
    registry._by_id.cache_clear()
    try:
        path = case_files(root)[3]
        substitute(path, r"^summary: (.*)$", r"summary: \1改")
        validate(root)
    finally:
        registry.all_rules.cache_clear()
        registry._by_id.cache_clear()
    assert judged == [path.stem]
