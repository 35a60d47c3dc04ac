"""Files in and out, the one safe way: only regular files are read (a symlink may point only
inside the directories allowed; devices and FIFOs are never opened for reading data), every read
has a size limit checked before the bytes are in memory, and every write goes to a temporary file
in the same directory that is fsynced and renamed into place, so a reader sees the old file or the
new one and never half of one.

`write_output` is for files a user names with `-o`: it refuses to replace a symlink, a device,
a FIFO or a directory, and a missing directory is a clear error. Caches and data files use
`atomic_replace`; data files go through `ftzkb.record.writes` on top of it (lock, re-validation).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TEMP_SUFFIX = ".tmp"  # `.NAME.*.tmp` beside the file: git-ignored, swept by `sweep_temporary_files`


class FileRefused(Exception):
    """A file that is not read or written, with the reason in Chinese and English (a usage error)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class FileTooLarge(FileRefused):
    """Over the size limit of its kind (checked before the bytes are read)."""


def _kind_of(mode: int) -> tuple[str, str]:
    if stat.S_ISLNK(mode):
        return "符号链接", "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）", "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件", "a device"
    if stat.S_ISDIR(mode):
        return "目录", "a directory"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    return "特殊文件", "a special file"


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def read_regular(path: Path | str, limit: int, allowed: Iterable[Path] | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes. A symlink is
    followed only if it resolves inside one of `allowed` (resolved directories); without
    `allowed`, symlinks are followed. Raises FileRefused (never opens a FIFO or a device).
    Called for every file of the corpus on every command: one lstat, one open, one fstat, and
    reads straight from the descriptor."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise FileRefused(f"无法读取 {path}：{_reason(exc)}", f"cannot read {path}: {exc.strerror}") from None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if stat.S_ISLNK(info.st_mode):
        info = _followed(Path(path), allowed)
    else:
        flags |= getattr(os, "O_NOFOLLOW", 0)  # swapped for a symlink after the check: refused, not followed
    if not stat.S_ISREG(info.st_mode):
        zh, en = _kind_of(info.st_mode)
        raise FileRefused(f"{path} 是{zh}，不是普通文件，不予读取", f"{path} is {en}, not a regular file; not read")
    if info.st_size > limit:
        raise FileTooLarge(f"{path} 有 {info.st_size:,} 字节，超过上限 {limit:,} 字节",
                           f"{path} has {info.st_size:,} bytes, over the limit of {limit:,}")
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the check, open does not wait for a writer
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(f"无法读取 {path}：{_reason(exc)}", f"cannot read {path}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused(f"{path} 不是普通文件，不予读取", f"{path} is not a regular file; not read")
        chunks, size = [], 0
        while chunk := os.read(fd, limit + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FileTooLarge(f"{path} 超过上限 {limit:,} 字节", f"{path} is over the limit of {limit:,} bytes")
    finally:
        os.close(fd)
    return b"".join(chunks)


def _followed(path: Path, allowed: Iterable[Path] | None) -> os.stat_result:
    """What a symlink points at, if it may be read (inside `allowed`, when given)."""
    if allowed is not None:
        target = path.resolve()
        if not _inside(target, [Path(a).resolve() for a in allowed]):
            raise FileRefused(f"{path} 是指向数据目录以外（{target}）的符号链接，不予读取",
                              f"{path} is a symbolic link to {target}, outside the data directories; not read")
    try:
        return os.stat(path)
    except OSError as exc:
        raise FileRefused(f"无法读取 {path}：{_reason(exc)}", f"cannot read {path}: {exc.strerror}") from None


def _reason(exc: OSError) -> str:
    reasons = {2: "文件不存在", 13: "没有读取权限", 21: "这是目录", 20: "路径中有一段不是目录", 40: "符号链接层数过多"}
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def atomic_replace(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, rename it over `path`, fsync the
    directory. A crash at any moment leaves the old file or the new one (and at worst a
    `.NAME.*.tmp` that the next write sweeps). `mode` defaults to the old file's, else 0644-umask."""
    path = Path(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    tmp_name = _temporary_copy(path, data, mode)
    try:
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def _temporary_copy(path: Path, data: bytes, mode: int) -> str:
    """`data` in a fsynced `.NAME.*.tmp` beside `path`, with `mode`; removed again if that fails."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name


SEAL_SIZE = 16  # a blake2b digest of the payload, before it


def write_sealed(path: Path, value: Any) -> bool:
    """A cache file: `value` in marshal's format behind a digest of it, replaced atomically, its
    folder made if missing. False if it could not be written (a read-only checkout)."""
    payload = marshal.dumps(value)
    try:
        path.parent.mkdir(exist_ok=True)
        atomic_replace(path, hashlib.blake2b(payload, digest_size=SEAL_SIZE).digest() + payload)
    except OSError:
        return False
    return True


def read_sealed(path: Path, limit: int = 1 << 30) -> Any:
    """What `write_sealed` wrote; None if the file is missing, not a regular file, over `limit`,
    damaged or not written so. The caller checks that the value has the shape it wrote."""
    try:
        raw = read_regular(path, limit)
    except FileRefused:
        return None
    digest, payload = raw[:SEAL_SIZE], raw[SEAL_SIZE:]
    if hashlib.blake2b(payload, digest_size=SEAL_SIZE).digest() != digest:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file under a name that must be free (the link fails if anything took it)."""
    path = Path(path)
    tmp_name = _temporary_copy(path, data, 0o666 & ~_umask())  # mkstemp makes it private; a data file is not
    try:
        os.link(tmp_name, path)
    except FileExistsError:
        raise FileRefused(f"{path} 已存在，未覆盖", f"{path} already exists; not overwritten") from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_output_path(path: Path) -> None:
    """Refuse an output path whose directory is missing or which names something other than a
    regular file (a symlink, a FIFO, a device, a directory): `-o` never replaces such a node."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileRefused(f"输出目录 {path.parent} 不存在：请先创建它",
                          f"output directory {path.parent} does not exist")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        zh, en = _kind_of(info.st_mode)
        raise FileRefused(f"{path} 是{zh}，不会被输出文件替换：请换一个文件名",
                          f"{path} is {en}; an output file will not replace it: choose another name")


def write_output(path: Path, data: bytes | str) -> None:
    """A file the user asked for (`-o`, exports, benchmark results), written atomically."""
    check_output_path(path)
    atomic_replace(Path(path), data.encode("utf-8") if isinstance(data, str) else data)


def sweep_temporary_files(directory: Path) -> list[Path]:
    """Remove `.NAME.*.tmp` files an interrupted write left in `directory`; returns them."""
    swept = []
    for leftover in Path(directory).glob(f".*{TEMP_SUFFIX}"):
        if leftover.is_file() and not leftover.is_symlink():
            leftover.unlink(missing_ok=True)
            swept.append(leftover)
    return swept
