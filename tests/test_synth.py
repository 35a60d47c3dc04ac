"""`ftzkb synth`: deterministic, realistic in shape, valid, and never mixed with real data."""

from __future__ import annotations

import json
import statistics
from functools import partial
from pathlib import Path

import pytest

from conftest import ftzkb as run_ftzkb
from ftzkb.bench.synth import MARKER, SynthRefused, SynthSpec, generate, is_complete, write_synthetic
from ftzkb.paths import REPO_ROOT
from ftzkb.rules.validate import validate
from ftzkb.vocab import vocab

ftzkb = partial(run_ftzkb, lang="en")


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "corpus"
    write_synthetic(SynthSpec(cases=50, seed=3), out)
    return out


def test_same_seed_same_files_other_seed_other_files(small, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    write_synthetic(SynthSpec(cases=50, seed=3), again)
    write_synthetic(SynthSpec(cases=50, seed=4), other)
    assert tree(again) == tree(small)
    assert tree(other) != tree(small)


def test_validates_clean_including_layout_and_cross_file_rules(small):
    report = validate(small)
    assert report.files_checked == 62
    assert report.diagnostics == []


def test_marker_says_synthetic_and_completes_the_spec(small):
    info = json.loads((small / MARKER).read_text("utf-8"))
    assert info["cases"] == 50 and info["summary"]["cases_written"] == 50
    assert is_complete(small, SynthSpec(cases=50, seed=3))
    assert not is_complete(small, SynthSpec(cases=50, seed=4))


def test_national_shape():
    carriers, cases = generate(SynthSpec(cases=400, seed=1))
    assert len(carriers) == 48
    assert {t for c in carriers for t in c["types"]} == set(vocab("carrier_type").values)
    counts = [len(c.get("adoptions", ())) for c in cases]
    assert abs(sum(counts) - 20 * 400) < 0.05 * 20 * 400
    assert max(counts) > 3 * statistics.median(counts)  # heavy tail: a few cases are copied everywhere
    adoptions = [a for c in cases for a in c.get("adoptions", ())]
    assert sum("learned_from" in a for a in adoptions) > len(adoptions) // 10
    assert any(a.get("mandate") == "mandated" for a in adoptions)
    assert any(r.get("batch") for c in cases for r in c.get("recognitions", ()))
    measures = [len(c["measures"]) for c in cases]
    assert 200 < statistics.median(measures) < 2000  # Chinese text of realistic length


def test_refuses_the_repositorys_data_directories(tmp_path):
    for real in ("cases", "carriers"):
        with pytest.raises(SynthRefused):
            write_synthetic(SynthSpec(cases=5), REPO_ROOT / real)
    result = ftzkb("synth", "--cases", "5", "--out", str(REPO_ROOT / "cases" / "sub"))
    assert result.returncode == 2 and "real data directory" in result.stderr


def test_refuses_a_directory_with_non_synthetic_files(tmp_path):
    (tmp_path / "notes.txt").write_text("real work", "utf-8")
    result = ftzkb("synth", "--cases", "5", "--out", str(tmp_path))
    assert result.returncode == 2 and "never mixed with real data" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_rewrites_an_earlier_synthetic_corpus_without_stale_files(small, tmp_path):
    out = tmp_path / "c"
    write_synthetic(SynthSpec(cases=30, seed=1), out)
    write_synthetic(SynthSpec(cases=12, seed=1), out)
    assert len(list((out / "cases").glob("*.yaml"))) == 12


def test_cli_json_summary_and_usage_errors(tmp_path):
    result = ftzkb("synth", "--cases", "20", "--carriers", "15", "--seed", "9", "--out", str(tmp_path / "x"),
                   "--format", "json")
    summary = json.loads(result.stdout)
    assert result.returncode == 0 and summary["carriers_written"] == 15 and summary["cases_written"] == 20
    assert ftzkb("synth", "--cases", "5", "--carriers", "3", "--out", str(tmp_path / "y")).returncode == 2
    assert ftzkb("synth", "--cases", "0", "--out", str(tmp_path / "z")).returncode == 2
