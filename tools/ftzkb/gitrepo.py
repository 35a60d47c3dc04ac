"""The one way ftzkb runs git: `git -C root ARGS` with no optional locks, and revisions that
cannot be taken for options (a revision starting with `-` is refused before git sees it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT_SECONDS = 120


class GitError(Exception):
    """git is missing, the directory is not a repository, or a command failed."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def checked_revision(revision: str) -> str:
    """`revision` unchanged if it can only be a revision; a GitError if it is empty or looks like
    an option (`--output=x` would make git write a file)."""
    if not revision or revision.startswith("-") or "\0" in revision:
        raise GitError(f"无效的版本名：“{revision}”（版本名不能以 - 开头）",
                       f"invalid revision name: '{revision}' (a revision cannot start with -)")
    return revision


def git_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitError("找不到 git 命令：请先安装 git", "git is not installed")
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True,
                              timeout=TIMEOUT_SECONDS, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git 命令失败：{detail}", f"git failed: {detail}") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"无法运行 git：{exc}", f"cannot run git: {exc}") from None
    return done.stdout


def git(root: Path, *args: str, stdin: str | None = None) -> str:
    return git_bytes(root, *args, stdin=stdin.encode() if stdin is not None else None).decode("utf-8", "replace")


def git_or_none(root: Path, *args: str) -> str | None:
    """The output, or None when git is missing or fails (for facts a build can do without)."""
    try:
        return git(root, *args)
    except GitError:
        return None
