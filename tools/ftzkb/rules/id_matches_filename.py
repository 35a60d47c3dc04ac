from __future__ import annotations

from typing import TYPE_CHECKING

from . import CARRIER, CASE, ERROR, Report, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Carrier, Case


@rule("id-matches-filename", ERROR, "id 必须等于文件名（不含 .yaml）", "the id must equal the file name without .yaml",
      scope=(CASE, CARRIER))
def check(record: Case | Carrier, report: Report) -> None:
    if record.path.stem != record.id:
        report(("id",), f"id“{record.id}”与文件名“{record.path.name}”不一致：文件应叫 {record.id}.yaml",
               f"id '{record.id}' differs from the file name '{record.path.name}': name it {record.id}.yaml")
