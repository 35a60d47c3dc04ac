"""The version of the data a site is built from, and when each case was added and last
changed, read from git. Nothing here looks at the clock: two builds of one commit carry
the same version and dates, so they are byte-identical."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ftzkb.gitrepo import git_or_none
from ftzkb.load.version import EPOCH
from ftzkb.paths import CASES_DIRNAME


@dataclass(frozen=True)
class FileHistory:
    created: dt.datetime
    updated: dt.datetime


def case_history(root: Path) -> dict[str, FileHistory]:
    """case id -> when its file was first committed and last changed (committed files only)."""
    log = git_or_none(root, "log", "--format=%x01%ct", "--name-only", "--no-renames", "--relative", "--", CASES_DIRNAME)
    history: dict[str, FileHistory] = {}
    when = EPOCH
    for line in (log or "").splitlines():
        if line.startswith("\x01"):
            when = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC)
        elif line.endswith(".yaml"):
            case_id = Path(line).stem
            seen = history.get(case_id)
            # the log runs newest first: the first sighting is the last change
            history[case_id] = FileHistory(created=when, updated=seen.updated if seen else when)
    return history
