from __future__ import annotations

from typing import TYPE_CHECKING

from . import CASE, ERROR, Report, rule

if TYPE_CHECKING:
    from ftzkb.load.model import Case


@rule("origin-not-adopter", ERROR, "首创载体不能同时是复制载体", "the origin carrier cannot also be an adopter",
      scope=CASE)
def check(case: Case, report: Report) -> None:
    for adoption in case.adoptions:
        if adoption.carrier == case.origin_carrier:
            report(("adoptions", adoption.index, "carrier"),
                   f"“{adoption.carrier}”是本案例的首创载体，不能再记为复制载体",
                   f"'{adoption.carrier}' originated this case and cannot also adopt it")
