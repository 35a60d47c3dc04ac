"""The places memo (`ftzkb.rules.places`): a finding in an unchanged file is placed where the last
run placed it, without parsing the file again, and at the place parsing it gives."""

from __future__ import annotations

import pytest

from conftest import minimal_case, write_corpus
from ftzkb.fsio import read_sealed, write_sealed
from ftzkb.load.yamlload import LoadedYaml
from ftzkb.paths import cache_dir
from ftzkb.rules import places as places_module
from ftzkb.rules.validate import validate

ORPHANED = 'adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: "2021"\n'


def as_text(report) -> list[str]:
    return [d.as_text("zh") for d in report.diagnostics]


@pytest.fixture
def orphaned(tmp_path):
    """Cases whose adopting carrier is gone: each has a finding placed in its own file."""
    root = write_corpus(tmp_path / "corpus", {f"c{n}": minimal_case(f"c{n}", ORPHANED) for n in range(4)})
    (root / "carriers" / "zone-b.yaml").unlink()
    return root


def test_findings_in_unchanged_files_are_placed_without_parsing_them(orphaned, monkeypatch):
    first = as_text(validate(orphaned))
    assert len(first) >= 4 and all(":1:1" not in line for line in first)
    monkeypatch.setattr(LoadedYaml, "position", lambda *a: pytest.fail("a place was worked out again"))
    monkeypatch.setattr(LoadedYaml, "key_position", lambda *a: pytest.fail("a place was worked out again"))
    assert as_text(validate(orphaned)) == first


def test_a_changed_file_is_placed_from_its_new_text(orphaned, monkeypatch):
    validate(orphaned)
    path = orphaned / "cases" / "c1.yaml"
    path.write_text(path.read_text("utf-8").replace("adoptions:", "# 一行注释\nadoptions:"), "utf-8")
    with_memo = as_text(validate(orphaned))
    monkeypatch.setenv("FTZKB_NO_CACHE", "1")
    assert with_memo == as_text(validate(orphaned))


def _rewritten(stored, fingerprint: bytes | None = None) -> None:
    """The places file with every place moved to 99:99 (and, if given, another fingerprint)."""
    written_by, items = read_sealed(stored)
    assert write_sealed(stored, (fingerprint or written_by, [(key, (99, 99)) for key, _ in items]))


def test_places_are_used_only_from_an_intact_file_written_by_the_same_code(orphaned):
    expected = as_text(validate(orphaned))
    stored = cache_dir(orphaned) / places_module.PLACES_NAME
    for damage in (b"", b"x" * 40, stored.read_bytes()[:-5]):
        stored.write_bytes(damage)
        assert as_text(validate(orphaned)) == expected
    _rewritten(stored, fingerprint=b"other judging code")
    assert as_text(validate(orphaned)) == expected
    _rewritten(stored)  # the same code's: trusted (which is why only its own code's places are)
    assert all(":99:99" in line for line in as_text(validate(orphaned)))
