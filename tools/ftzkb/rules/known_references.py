from ftzkb.rules import ERROR, rule
from ftzkb.suggest import carrier_hint, case_hint


@rule("unknown-reference", ERROR, "引用的载体和案例必须存在", "every referenced carrier and case must exist")
def check(corpus, report):
    for case in corpus.cases.values():
        for path, carrier_id in _carrier_refs(case):
            if carrier_id not in corpus.carriers:
                zh, en = carrier_hint(corpus, carrier_id)
                report(case, path, f"载体“{carrier_id}”不在 carriers/ 中{zh}",
                       f"carrier '{carrier_id}' is not in carriers/{en}")
        for path, case_id in _case_refs(case):
            if case_id not in corpus.cases:
                zh, en = case_hint(corpus, case_id)
                report(case, path, f"案例“{case_id}”不在 cases/ 中{zh}", f"case '{case_id}' is not in cases/{en}")
    for carrier in corpus.carriers.values():
        if carrier.parent and carrier.parent not in corpus.carriers:
            zh, en = carrier_hint(corpus, carrier.parent)
            report(carrier, ("parent",), f"上级载体“{carrier.parent}”不在 carriers/ 中{zh}",
                   f"parent carrier '{carrier.parent}' is not in carriers/{en}")


def _carrier_refs(case):
    yield ("origin", "carrier"), case.origin_carrier
    for adoption in case.adoptions:
        yield ("adoptions", adoption.index, "carrier"), adoption.carrier
        if adoption.learned_from_carrier:
            yield ("adoptions", adoption.index, "learned_from", "carrier"), adoption.learned_from_carrier


def _case_refs(case):
    for i, related in enumerate(case.related):
        yield ("related", i), related
    if case.superseded_by:
        yield ("lifecycle", "superseded_by"), case.superseded_by
    for adoption in case.adoptions:
        if adoption.learned_from_case:
            yield ("adoptions", adoption.index, "learned_from", "case"), adoption.learned_from_case
