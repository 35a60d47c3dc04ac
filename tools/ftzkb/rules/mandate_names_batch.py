from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Case


@rule("mandate-names-batch", ERROR, "规定动作必须写明要求复制的批次（mandated_by）",
      "a mandated adoption must name the batch that mandates it (mandated_by)", scope=CASE)
def check(case: Case, report: Report) -> None:
    for adoption in case.adoptions:
        path = ("adoptions", adoption.index)
        if adoption.mandate == "mandated" and not adoption.mandated_by:
            report((*path, "mandate"), "规定动作必须写 mandated_by（认定层级 level 与批次 batch）",
                   "a mandated adoption needs mandated_by (level and batch)")
        elif adoption.mandated_by and adoption.mandate != "mandated":
            report((*path, "mandated_by"), "写了 mandated_by，则 mandate 应为 mandated",
                   "mandated_by is given, so mandate should be mandated")
        elif adoption.mandated_by and adoption.mandated_by not in case.batch_keys:
            report((*path, "mandated_by"),
                   f"批次“{adoption.mandated_by}”未记录在本案例的 recognitions 中：请先在 recognitions 中写明这一批次",
                   f"batch '{adoption.mandated_by}' is not among this case's recognitions: add it there first")
