from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Case


@rule("superseded-has-successor", ERROR, "状态为 superseded 的案例必须写 superseded_by",
      "a superseded case must name its successor (superseded_by)", scope=CASE)
def check(case: Case, report: Report) -> None:
    if case.lifecycle == "superseded" and not case.superseded_by:
        report(("lifecycle", "status"), "已被替代的案例必须写 superseded_by（替代它的案例 id）",
               "a superseded case needs superseded_by (the id of the case that replaces it)")
    elif case.superseded_by and case.lifecycle != "superseded":
        report(("lifecycle", "superseded_by"), "写了 superseded_by，则 status 应为 superseded",
               "superseded_by is given, so status should be superseded")
