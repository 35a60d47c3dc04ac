"""File stamps (`ftzkb.load.stamps`): a data file whose inode, size and times are as they were when
it was last read is not read again. Whatever is trusted that way, validate must say what a run
without caches says; a file changed in any way a user or a tool can change it must be read again."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from conftest import minimal_case, write_corpus
from ftzkb import fsio
from ftzkb.load import stamps
from ftzkb.load.loader import Snapshot, load_corpus
from ftzkb.paths import cache_dir
from ftzkb.rules.validate import validate
from test_verdict import ADOPTING, EDITS, edit

SETTLED_NS = 50_000_000  # shorter than the real 2 s so that the tests need not wait long, still many clock ticks
SETTLE = SETTLED_NS / 1e9 + 0.02


@pytest.fixture
def quick_settling(monkeypatch):
    monkeypatch.setattr(stamps, "SETTLED_NS", SETTLED_NS)


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """The data files read from disk (every read goes through fsio.read_regular)."""
    seen: list[Path] = []
    real = fsio.read_regular

    def counting(path, *args, **kwargs):
        if Path(path).parent.name in ("cases", "carriers"):
            seen.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(fsio, "read_regular", counting)
    return seen


def as_text(report) -> list[str]:
    return [d.as_text("zh") for d in report.diagnostics] + [str(report.files_checked)]


def without_caches(root: Path, monkeypatch) -> list[str]:
    with monkeypatch.context() as patched:
        patched.setenv("FTZKB_NO_CACHE", "1")
        return as_text(validate(root))


def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", {f"c{n}": minimal_case(f"c{n}", ADOPTING if n % 2 else "")
                                              for n in range(5)})


def data_files(root: Path) -> list[Path]:
    return sorted([*root.glob("cases/*.yaml"), *root.glob("carriers/*.yaml")])


def test_a_settled_file_is_not_read_again(tmp_path, quick_settling, reads):
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    first = as_text(validate(root))
    assert sorted(set(reads)) == data_files(root)
    reads.clear()
    assert as_text(validate(root)) == first
    assert reads == []


def test_a_file_just_written_is_read_every_time_until_it_settles(tmp_path, reads):
    root = corpus(tmp_path)  # the real margin: written a moment ago
    Snapshot.read(root)
    reads.clear()
    Snapshot.read(root)
    assert sorted(set(reads)) == data_files(root)
    assert not (cache_dir(root) / stamps.STAMPS_NAME).exists()


def test_an_edit_in_place_of_the_same_size_with_its_time_set_back_is_seen(tmp_path, quick_settling):
    """What a tool that keeps modification times does: same inode, same size, same mtime. Only the
    change time tells, and it cannot be set back."""
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    validate(root)
    path = root / "cases" / "c1.yaml"
    info = path.stat()
    text = path.read_bytes()
    edited = text.replace("测试案例c1".encode(), "测试案例c9".encode())
    assert len(edited) == len(text) and edited != text
    with path.open("r+b") as handle:
        handle.write(edited)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == \
        (info.st_ino, info.st_size, info.st_mtime_ns)
    assert load_corpus(root).corpus.cases["c1"].title == "测试案例c9"


@pytest.mark.parametrize("seed", range(4))
def test_stamped_files_give_what_a_run_without_caches_gives_through_generated_edits(tmp_path, quick_settling,
                                                                                    monkeypatch, seed):
    """Edits that create and remove findings in files that were not edited (their text, read only for
    the findings' places, comes from a file left unread)."""
    rng = random.Random(seed)
    root = corpus(tmp_path)
    for step in range(10):
        edit(root, rng.choice(EDITS), rng, step)
        if rng.random() < 0.7:
            time.sleep(SETTLE)  # most edits settle before the next run; some are read while still fresh
        assert as_text(validate(root)) == without_caches(root, monkeypatch), f"step {step}"
        assert as_text(validate(root, reuse_verdict=True)) == without_caches(root, monkeypatch), f"step {step}"


def test_a_stamped_file_missing_from_the_load_cache_is_read(tmp_path, quick_settling, monkeypatch):
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    expected = as_text(validate(root))
    for name in ("load-cache.bin", "load-cache.delta.bin"):
        (cache_dir(root) / name).unlink(missing_ok=True)
    assert as_text(validate(root)) == expected == without_caches(root, monkeypatch)


def test_a_file_changed_after_its_stamp_was_checked_is_judged_as_it_is(tmp_path, quick_settling):
    """Changed between the snapshot and the loader's reading it (the load cache had no entry): the
    loader judges the new bytes, and says so (`drifted`), so the verdict is not stored under the old key."""
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    validate(root)
    for name in ("load-cache.bin", "load-cache.delta.bin"):
        (cache_dir(root) / name).unlink(missing_ok=True)
    snapshot = Snapshot.read(root)
    path = root / "cases" / "c2.yaml"
    path.write_text(path.read_text("utf-8").replace("测试案例c2", "改过的案例c2"), "utf-8")
    loaded = load_corpus(root, snapshot=snapshot).corpus
    assert loaded.cases["c2"].title == "改过的案例c2"
    assert snapshot.drifted == [path]


def test_a_damaged_stamps_file_means_reading_every_file(tmp_path, quick_settling, reads):
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    expected = as_text(validate(root))
    stored = cache_dir(root) / stamps.STAMPS_NAME
    raw = bytearray(stored.read_bytes())
    raw[-3] ^= 0xFF
    stored.write_bytes(bytes(raw))
    reads.clear()
    assert as_text(validate(root)) == expected
    assert sorted(set(reads)) == data_files(root)


def test_a_symlink_is_never_stamped(tmp_path, quick_settling, reads):
    root = corpus(tmp_path)
    target = root / "cases" / "c1.yaml"
    link = root / "cases" / "link.yaml"
    link.symlink_to(target.name)
    time.sleep(SETTLE)
    validate(root)
    reads.clear()
    validate(root)
    assert reads == [link]


def test_no_stamps_without_caches(tmp_path, quick_settling, monkeypatch):
    root = corpus(tmp_path)
    time.sleep(SETTLE)
    monkeypatch.setenv("FTZKB_NO_CACHE", "1")
    validate(root)
    assert not cache_dir(root).exists()
