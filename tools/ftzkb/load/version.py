"""The version of the data: the last commit that changed cases/ or carriers/ (with its date,
and whether the working tree differs from it). Pages, downloads and ledgers are stamped with it,
and a filled ledger says which version it was exported from. Nothing here looks at the clock."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ftzkb.dates import parse_date
from ftzkb.gitrepo import git_or_none
from ftzkb.load.model import Corpus
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME

UNKNOWN = "unknown"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class DataVersion:
    commit: str  # full hash, or "unknown" outside git
    date: dt.datetime  # commit date (UTC); outside git the newest date in the data
    dirty: bool = False  # cases/ or carriers/ differ from the commit

    @property
    def label(self) -> str:
        if self.commit == UNKNOWN:
            return UNKNOWN
        return self.commit[:12] + ("+" if self.dirty else "")

    @property
    def timestamp(self) -> int:
        return int(self.date.timestamp())


def data_version(root: Path, corpus: Corpus | None = None) -> DataVersion:
    """The last commit that changed cases/ or carriers/ (commits of code alone do not change it)."""
    head = git_or_none(root, "log", "-1", "--format=%H %ct", "--", CASES_DIRNAME, CARRIERS_DIRNAME) or \
        git_or_none(root, "log", "-1", "--format=%H %ct")
    if not head or not head.strip():
        return DataVersion(UNKNOWN, _fallback_date(corpus))
    commit, seconds = head.split()
    status = git_or_none(root, "status", "--porcelain", "--", CASES_DIRNAME, CARRIERS_DIRNAME)
    return DataVersion(commit, dt.datetime.fromtimestamp(int(seconds), dt.UTC), dirty=bool(status and status.strip()))


def _fallback_date(corpus: Corpus | None) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    newest = max(_data_dates(corpus), default=None) if corpus else None
    return dt.datetime.combine(newest, dt.time(), dt.UTC) if newest else EPOCH


def _data_dates(corpus: Corpus) -> Iterator[dt.date]:
    texts: set[str | None] = set()  # 100,000s of records, a few thousand distinct dates: each parsed once
    for case in corpus.cases.values():
        texts.add(case.started)
        texts.update(case.record_dates())
        texts.update(r.date for r in case.recognitions)
    for text in texts:
        date = parse_date(text)
        if date is not None:
            yield date.latest
