"""Safe writes: re-validate the new text, refuse if the file changed since it was
read, then write a temporary file in the same directory and rename it into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ftzkb.load.yamlload import YamlLoadError, load_yaml_text


class WriteRefused(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def atomic_write(path: Path, text: str, kind: str | None = None, expected_original: str | None = None,
                 create_only: bool = False) -> None:
    """Replace `path` with `text`. `kind` ("case"/"carrier") re-validates against the schema;
    `expected_original` is the content the caller read: if the file now differs, nothing is written;
    `create_only` refuses to replace a file that exists (even one created a moment ago)."""
    path = Path(path)
    if kind is not None:
        _revalidate(text, kind, path)
    if expected_original is not None:
        # bytes, not read_text: newline translation would make a CRLF file never match
        current = path.read_bytes().decode("utf-8", "surrogateescape") if path.exists() else None
        if current != expected_original:
            raise WriteRefused(f"{path} 在读取后被修改过，未写入：请重新运行命令",
                               f"{path} changed on disk after it was read; nothing written: run the command again")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if create_only:
            _link_new(tmp_name, path)
            return
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _link_new(tmp_name: str, path: Path) -> None:
    """Give the finished temporary file its name only if that name is free (link fails otherwise)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp made it private; a new data file is not
    try:
        os.link(tmp_name, path)
    except FileExistsError:
        raise WriteRefused(f"{path} 已存在，未覆盖", f"{path} already exists; not overwritten") from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _revalidate(text: str, kind: str, path: Path) -> None:
    from ftzkb.load import schema

    try:
        data = load_yaml_text(text).data
    except YamlLoadError as exc:
        raise WriteRefused(f"新内容无法解析（{exc.zh}），{path} 未改动", f"new content does not parse ({exc.en}); "
                           f"{path} unchanged") from None
    if schema.is_valid(kind, data):  # the fast check; the explaining one only when it fails
        return
    problems = list(schema.check(kind, data))
    if problems:
        first = problems[0]
        raise WriteRefused(f"新内容未通过校验：{first.zh}；{path} 未改动",
                           f"new content fails validation: {first.en}; {path} unchanged")
