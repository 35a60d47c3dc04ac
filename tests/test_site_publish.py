"""`ftzkb site publish` and `ftzkb site verify`: a reproducible, versioned archive of the public
site with a manifest, never overwritten, refused for demo or uncommitted data; a copy that was
tampered with, truncated or left incomplete is named file by file."""

from __future__ import annotations

import json
import subprocess
import tarfile
import zipfile
from functools import partial
from pathlib import Path

import pytest

from conftest import ftzkb, minimal_case, write_corpus

pytestmark = pytest.mark.slow
zh = partial(ftzkb, lang="zh")

ADOPTED = 'adoptions:\n  - carrier: zone-b\n    status: adopted\n    date: "2021-03"\n'


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


def committed_corpus(root: Path) -> Path:
    write_corpus(root, {"a": minimal_case("a", ADOPTED), "b": minimal_case("b")})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "data")
    return root


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    base = tmp_path_factory.mktemp("publish")
    corpus = committed_corpus(base / "corpus")
    (base / "out").mkdir()
    result = zh("site", "publish", "--out", str(base / "out"), "--format", "json", root=corpus)
    assert result.returncode == 0, result.stderr
    return corpus, base / "out", json.loads(result.stdout)


def test_the_archive_is_named_after_the_data_version_and_holds_a_manifest(release):
    _corpus, out, report = release
    archive = Path(report["archive"])
    assert archive.parent == out and archive.name == f"ftzkb-site-{report['data_version']}.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        assert names[0] == f"{top}/manifest.json"  # first, so a truncated copy still names what it lacks
        manifest = json.loads(tar.extractfile(names[0]).read())
        assert {f"{top}/{name}" for name in manifest["files"]} == set(names[1:])
    assert manifest["commit"].startswith(report["data_version"]) and len(manifest["commit"]) == 40
    assert manifest["counts"]["cases"] == 2 and manifest["counts"]["files"] == len(names) - 1
    assert all(len(digest) == 64 for digest in manifest["files"].values())


def test_verify_accepts_the_archive_and_its_unpacked_copy(release, tmp_path):
    _corpus, _out, report = release
    result = zh("site", "verify", report["archive"])
    assert result.returncode == 0 and "与清单一致" in result.stdout and report["data_version"] in result.stdout
    with tarfile.open(report["archive"]) as tar:
        tar.extractall(tmp_path, filter="data")
    copy = next(tmp_path.iterdir())
    assert zh("site", "verify", str(copy)).returncode == 0


def test_verify_names_every_file_that_was_changed_removed_or_added(release, tmp_path):
    _corpus, _out, report = release
    with tarfile.open(report["archive"]) as tar:
        tar.extractall(tmp_path, filter="data")
    copy = next(tmp_path.iterdir())
    (copy / "index.html").write_text("<p>defaced</p>", "utf-8")
    (copy / "feed.xml").unlink()
    (copy / "cases" / "extra.html").write_text("?", "utf-8")
    result = zh("site", "verify", str(copy), "--format", "json")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert (verdict["changed"], verdict["missing"], verdict["extra"]) == (["index.html"], ["feed.xml"],
                                                                           ["cases/extra.html"])
    text = zh("site", "verify", str(copy)).stdout
    assert "已改动：index.html" in text and "缺少：feed.xml" in text and "清单中没有：cases/extra.html" in text


def test_verify_names_what_a_truncated_archive_lacks(release, tmp_path):
    _corpus, _out, report = release
    data = Path(report["archive"]).read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    result = zh("site", "verify", str(cut), "--format", "json")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["problems"] and verdict["missing"]
    assert "Traceback" not in result.stderr


def test_verify_refuses_what_is_no_release(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x", "utf-8")
    result = zh("site", "verify", str(tmp_path / "site"))
    assert result.returncode == 1 and "manifest.json" in result.stdout
    (tmp_path / "fake.tar.gz").write_text("not an archive", "utf-8")
    assert zh("site", "verify", str(tmp_path / "fake.tar.gz")).returncode == 1
    assert zh("site", "verify", str(tmp_path / "nowhere")).returncode == 2


def test_publish_never_overwrites_an_archive(release):
    corpus, out, report = release
    before = Path(report["archive"]).read_bytes()
    result = zh("site", "publish", "--out", str(out), root=corpus)
    assert result.returncode == 2 and "已存在" in result.stderr
    assert Path(report["archive"]).read_bytes() == before


def test_two_publishes_of_one_commit_are_byte_identical(release, tmp_path):
    corpus, _out, report = release
    result = zh("site", "publish", "--out", str(tmp_path), "--format", "json", root=corpus)
    assert result.returncode == 0, result.stderr
    assert Path(json.loads(result.stdout)["archive"]).read_bytes() == Path(report["archive"]).read_bytes()


def test_a_zip_release_verifies_too(release, tmp_path):
    corpus, _out, _report = release
    result = zh("site", "publish", "--out", str(tmp_path), "--archive", "zip", "--format", "json", root=corpus)
    archive = Path(json.loads(result.stdout)["archive"])
    assert archive.suffix == ".zip" and zipfile.is_zipfile(archive)
    assert zh("site", "verify", str(archive)).returncode == 0


def test_publish_refuses_demo_uncommitted_and_unversioned_data(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    demo = committed_corpus(tmp_path / "demo")
    (demo / "SYNTHETIC").write_text("ftzkb synth\n", "utf-8")
    result = zh("site", "publish", "--out", str(out), root=demo)
    assert result.returncode == 2 and "合成" in result.stderr
    dirty = committed_corpus(tmp_path / "dirty")
    (dirty / "cases" / "b.yaml").write_text(minimal_case("b", ADOPTED), "utf-8")
    result = zh("site", "publish", "--out", str(out), root=dirty)
    assert result.returncode == 2 and "未提交" in result.stderr
    loose = write_corpus(tmp_path / "loose", {"a": minimal_case("a")})
    result = zh("site", "publish", "--out", str(out), root=loose)
    assert result.returncode == 2 and "git" in result.stderr
    assert list(out.iterdir()) == []
