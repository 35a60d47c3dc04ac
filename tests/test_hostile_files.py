"""Input that cannot get in and output that cannot replace what it should not: symlinks leaving
the data directories, devices, FIFOs, output paths that are not regular files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ftzkb, minimal_case, write_corpus
from ftzkb.fsio import FileRefused, read_regular, write_output
from ftzkb.load.loader import load_corpus


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1")})


def problems(root: Path) -> dict[str, str]:
    result = load_corpus(root)
    return {d.file: d.zh for d in result.diagnostics if d.rule == "file-unreadable"}


def test_a_symlink_to_a_file_outside_the_data_directories_is_refused_and_not_published(root, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(minimal_case("secret"), "utf-8")
    (root / "cases" / "secret.yaml").symlink_to(secret)
    result = load_corpus(root)
    assert "secret" not in result.corpus.cases
    assert any("符号链接" in d.zh and d.file.endswith("secret.yaml") for d in result.diagnostics)


def test_a_symlink_inside_the_data_directories_is_followed(root):
    (root / "cases" / "alias.yaml").symlink_to(root / "cases" / "c1.yaml")
    assert problems(root) == {}


def test_devices_and_fifos_are_refused_without_being_opened(root):
    (root / "cases" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "cases" / "pipe.yaml")  # opening it for reading would wait for a writer forever
    found = problems(root)
    assert len(found) == 2
    assert any("命名管道" in message for message in found.values())
    assert any("/dev/zero" in message for message in found.values())


def test_validate_names_each_refused_file_and_fails(root):
    os.mkfifo(root / "cases" / "pipe.yaml")
    result = ftzkb("validate", root=root)
    assert result.returncode == 1 and "cases/pipe.yaml:1:1" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_read_regular_checks_the_size_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(FileRefused) as refused:
        read_regular(big, 1024)
    assert "超过上限" in refused.value.zh


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_an_output_file_never_replaces_a_node_that_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "out.csv"
    if kind == "symlink":
        victim = tmp_path / "victim.txt"
        victim.write_text("keep me", "utf-8")
        target.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(FileRefused):
        write_output(target, "x")
    assert target.is_symlink() or target.is_fifo() or target.is_dir()
    if kind == "symlink":
        assert (tmp_path / "victim.txt").read_text("utf-8") == "keep me"


def test_matrix_output_to_a_missing_directory_or_a_symlink_is_a_usage_error(root, tmp_path):
    missing = ftzkb("matrix", "--format", "csv", "-o", str(tmp_path / "nowhere" / "x.csv"), root=root)
    assert missing.returncode == 2 and "不存在" in missing.stderr and "Traceback" not in missing.stderr
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    linked = ftzkb("matrix", "--format", "csv", "-o", str(link), root=root)
    assert linked.returncode == 2 and "符号链接" in linked.stderr
    assert link.is_symlink() and not (tmp_path / "elsewhere.csv").exists()


def test_an_unexpected_error_is_one_line_with_exit_3_and_a_traceback_only_with_debug(monkeypatch):
    import click
    from click.testing import CliRunner

    from ftzkb import cli

    @click.command()
    def boom() -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setitem(cli.COMMANDS, "boom", ("stats", "测试", "test"))
    monkeypatch.setattr(cli.LazyGroup, "get_command", lambda self, ctx, name: boom if name == "boom" else None)
    plain = CliRunner().invoke(cli.main, ["boom"])
    assert plain.exit_code == 3 and "ftzkb boom：内部错误（RuntimeError: kaputt）" in plain.output
    assert "Traceback" not in plain.output
    debug = CliRunner().invoke(cli.main, ["--debug", "boom"])
    assert debug.exit_code == 3 and "Traceback" in debug.output


def test_cache_files_that_are_fifos_or_damaged_are_ignored_and_validate_still_answers(root, monkeypatch):
    """Every marshal cache of `.ftzkb-cache/` is read with `fsio.read_sealed`: a FIFO there is
    never opened (reading it would wait forever), a damaged one is not decoded."""
    from ftzkb.fsio import read_sealed, write_sealed
    from ftzkb.load import stamps
    from ftzkb.paths import cache_dir
    from ftzkb.rules.validate import validate

    monkeypatch.setattr(stamps, "SETTLED_NS", 0)  # the files just written are stamped too
    expected = [d.as_text() for d in validate(root).diagnostics]
    caches = sorted(p for p in cache_dir(root).glob("*.bin") if p.name != "load-cache.bin")
    assert {p.name for p in caches} >= {"file-stamps.bin", "rule-memo.bin", "similar-memo.bin"}
    for path in caches:
        assert read_sealed(path) is not None, path.name
        path.unlink()
        os.mkfifo(path)
    assert [d.as_text() for d in validate(root).diagnostics] == expected
    sealed = cache_dir(root) / "other.bin"
    assert write_sealed(sealed, {"a": [1, 2]}) and read_sealed(sealed) == {"a": [1, 2]}
    sealed.write_bytes(sealed.read_bytes()[:-1] + b"\x00")
    assert read_sealed(sealed) is None
    assert read_sealed(cache_dir(root) / "missing.bin") is None
