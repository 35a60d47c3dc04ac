"""The small corpus the filled ledgers in tests/data/ledgers/ were exported from (see
tests/data/ledgers/make_ledgers.py): three cases of 甲片区, one already piloted by 乙经开区."""

from __future__ import annotations

from pathlib import Path

from conftest import minimal_case, write_corpus

PILOTED = """\
adoptions:
  - carrier: zone-b
    status: piloting
    date: "2021-01"
    evidence:
      - title: 乙经开区试点通知
        document: 乙经开〔2021〕1号
"""


def ledger_corpus(root: Path) -> Path:
    return write_corpus(root, {"c1": minimal_case("c1"), "c2": minimal_case("c2", PILOTED),
                               "c3": minimal_case("c3"), "c4": minimal_case("c4")})
