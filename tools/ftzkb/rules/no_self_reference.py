from __future__ import annotations

from ftzkb.load.model import Carrier, Case

from . import CARRIER, CASE, ERROR, Report, rule


@rule("no-self-reference", ERROR, "案例的 related、superseded_by 和载体的 parent 不能指向自身",
      "a case's related and superseded_by, and a carrier's parent, must not name the record itself",
      scope=(CASE, CARRIER))
def check(record: Case | Carrier, report: Report) -> None:
    if not isinstance(record, Case):
        if record.parent == record.id:
            report(("parent",), "上级载体（parent）写的是本载体自身：请写它的上级载体的 id，没有上级就删去 parent",
                   "the parent is the carrier itself: name its parent carrier, or drop parent if it has none")
        return
    for i, related in enumerate(record.related):
        if related == record.id:
            report(("related", i), "related 中列出了本案例自身：请删去这一项，只列其他相关案例",
                   "related lists this case itself: drop that item and list only other cases")
    if record.superseded_by == record.id:
        report(("lifecycle", "superseded_by"), "superseded_by 写的是本案例自身：请写替代它的新案例的 id",
               "superseded_by names this case itself: name the case that replaces it")
