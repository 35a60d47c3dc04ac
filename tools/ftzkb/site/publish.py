"""A release of the public site to hand to a server operator, and the check of a copy.

`publish` builds the public site from a committed corpus into one archive named after the data
version (`ftzkb-site-<data version>.tar.gz`, or `.zip`), with `manifest.json` in its root: the
data version and commit, the build date, counts, and the sha256 of every file. The archive is
reproducible (members sorted and dated with the data's commit date), and an existing archive is
never overwritten. A demo built from synthetic data, uncommitted data and a corpus outside git
are refused: a deployed copy must say which real data it holds.

`verify` reads an archive or an unpacked directory against its manifest and names every file
that is missing, changed or not in the manifest, and an archive that ends early.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ftzkb.fsio import create_exclusive
from ftzkb.load.version import data_version
from ftzkb.site.generate import is_synthetic

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "ftzkb-site-manifest/1"
FORMATS = ("tar.gz", "zip")
CHUNK = 1 << 20


class PublishRefused(Exception):
    """Nothing was published: (zh, en) say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Release:
    archive: Path
    manifest: dict


def archive_name(label: str, fmt: str) -> str:
    return f"ftzkb-site-{label}.{fmt}"


def publish(root: Path, out: Path, fmt: str = "tar.gz") -> Release:
    """Build the public site of `root` and write its archive into the directory `out`."""
    from ftzkb.site.mkdocs_build import build_site

    root, out = Path(root).resolve(), Path(out)
    if is_synthetic(root):
        raise PublishRefused("这是合成的演示数据（目录中有 SYNTHETIC 标记），不能发布；"
                             "演示站点请用 ftzkb site build 构建",
                             "this is synthetic demo data (a SYNTHETIC marker is present) and cannot be published")
    version = data_version(root)
    if version.commit == "unknown":
        raise PublishRefused(f"{root} 不在 git 仓库中：发布的站点必须对应一个数据提交，请先提交 cases/ 与 carriers/",
                             f"{root} is not in a git repository: a release must name the commit of its data")
    if version.dirty:
        raise PublishRefused("cases/ 或 carriers/ 有未提交的改动：请先提交，发布的站点才能对应一个数据版本",
                             "cases/ or carriers/ have uncommitted changes: commit them first")
    if not out.is_dir():
        raise PublishRefused(f"输出目录 {out} 不存在：请先创建它", f"output directory {out} does not exist")
    target = out / archive_name(version.label, fmt)
    if target.exists():
        raise PublishRefused(f"{target} 已存在：同一数据版本已经发布过，未覆盖",
                             f"{target} already exists; not overwritten")
    with tempfile.TemporaryDirectory(prefix="ftzkb-publish-") as scratch:
        site = Path(scratch) / "site"
        build_site(root, "public", site)
        manifest = make_manifest(site, version.label, version.commit, version.date)
        (site / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                     "utf-8")
        data = pack(site, archive_name(version.label, fmt)[: -len(fmt) - 1], version.date, fmt)
    create_exclusive(target, data)
    return Release(target, manifest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(site: Path) -> list[Path]:
    """Every file of the built site but the manifest itself, in path order."""
    found = [p for p in site.rglob("*") if p.is_file() and p.relative_to(site).as_posix() != MANIFEST]
    return sorted(found, key=lambda p: p.relative_to(site).as_posix())


def make_manifest(site: Path, label: str, commit: str, when: dt.datetime) -> dict:
    index = json.loads((site / "api" / "v1" / "index.json").read_text("utf-8"))
    files = {p.relative_to(site).as_posix(): _sha256(p) for p in _files(site)}
    return {"format": MANIFEST_FORMAT, "data_version": label, "commit": commit, "build_date": when.isoformat(),
            "audience": index.get("audience"), "counts": {**index.get("counts", {}),
            "pages": sum(1 for name in files if name.endswith(".html")), "files": len(files)}, "files": files}


def pack(site: Path, top: str, when: dt.datetime, fmt: str) -> bytes:
    """The site under one top folder, the manifest first (so that even a truncated archive says
    what is missing), then the files in path order, owned by no one, dated `when`."""
    members = [site / MANIFEST, *_files(site)]
    stamp = int(when.timestamp())
    if fmt == "zip":
        return _zip(site, top, members, when)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in members:
            info = tarfile.TarInfo(f"{top}/{path.relative_to(site).as_posix()}")
            info.size, info.mtime, info.mode = path.stat().st_size, stamp, 0o644
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=stamp)


def _zip(site: Path, top: str, members: list[Path], when: dt.datetime) -> bytes:
    stamp = when.astimezone(dt.UTC)
    date_time = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for path in members:
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(site).as_posix()}", date_time)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            book.writestr(info, path.read_bytes())
    return out.getvalue()


# --- verify ---------------------------------------------------------------------------------

@dataclass
class Verdict:
    """What a copy holds against its manifest."""

    manifest: dict | None
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not (self.missing or self.changed or self.extra or self.problems)

    def as_dict(self) -> dict:
        about = {k: self.manifest.get(k) for k in ("data_version", "commit", "build_date", "counts")} \
            if self.manifest else None
        return {"ok": self.ok, "manifest": about, "missing": self.missing, "changed": self.changed,
                "extra": self.extra, "problems": [{"zh": zh, "en": en} for zh, en in self.problems]}


def verify(path: Path) -> Verdict:
    """Raises FileNotFoundError for a path that is not there."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_dir():
        return _judge(_directory(path), str(path))
    name = path.name.lower()
    if name.endswith(".zip"):
        return _judge(_zip_members(path), str(path))
    return _judge(_tar_members(path), str(path))


Member = tuple[str, str | None, str | None]  # (path inside the site, sha256 or None, problem or None)


def _directory(site: Path) -> Iterator[Member]:
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_symlink():
            yield name, None, "symlink"
        elif path.is_file():
            yield name, _sha256(path), None


def _without_top(name: str) -> str | None:
    """Members live under one top folder: its name is dropped (None for the folder itself)."""
    parts = name.strip("/").split("/", 1)
    return parts[1] if len(parts) == 2 else None


def _tar_members(path: Path) -> Iterator[Member]:
    try:
        with tarfile.open(path, mode="r:*") as tar:
            for info in tar:
                name = _without_top(info.name)
                if name is None or info.isdir():
                    continue
                if not info.isreg():
                    yield name, None, "not a regular file"
                    continue
                digest = hashlib.sha256()
                handle = tar.extractfile(info)
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                yield name, digest.hexdigest(), None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        yield "", None, f"damaged: {exc}"


def _zip_members(path: Path) -> Iterator[Member]:
    try:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                name = _without_top(info.filename)
                if name is None or info.is_dir():
                    continue
                digest = hashlib.sha256()
                with book.open(info) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                yield name, digest.hexdigest(), None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        yield "", None, f"damaged: {exc}"


def _judge(members: Iterator[Member], where: str) -> Verdict:
    seen: dict[str, str] = {}
    verdict = Verdict(None)
    has_manifest = False
    for name, digest, problem in members:
        if problem and not name:
            verdict.problems.append((f"{where} 已损坏或不完整（读到中途出错）", f"{where} is damaged or truncated"))
        elif problem:
            verdict.problems.append((f"{name}：不是普通文件", f"{name}: {problem}"))
        elif name == MANIFEST:
            has_manifest = True
        else:
            seen[name] = digest
    manifest = _read_manifest(where) if has_manifest else None
    if manifest is None:
        verdict.problems.append((f"{where} 中没有可读的 {MANIFEST}：不是 ftzkb site publish 发布的站点，或已不完整",
                                 f"no readable {MANIFEST} in {where}"))
        return verdict
    verdict.manifest = manifest
    expected = manifest.get("files", {})
    verdict.missing = sorted(name for name in expected if name not in seen)
    verdict.changed = sorted(name for name in expected if name in seen and seen[name] != expected[name])
    verdict.extra = sorted(name for name in seen if name not in expected)
    return verdict


def _read_manifest(where: str) -> dict | None:
    """The manifest's content (read again: the members were only hashed)."""
    path = Path(where)
    try:
        if path.is_dir():
            text = (path / MANIFEST).read_text("utf-8")
        elif path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as book:
                text = next(book.read(i).decode("utf-8") for i in book.infolist()
                            if _without_top(i.filename) == MANIFEST)
        else:
            with tarfile.open(path, mode="r:*") as tar:
                info = next(i for i in tar if _without_top(i.name) == MANIFEST)
                text = tar.extractfile(info).read().decode("utf-8")
        manifest = json.loads(text)
    except (OSError, StopIteration, ValueError, tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else None
