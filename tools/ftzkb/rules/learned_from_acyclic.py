from . import ERROR, rule


def _find_cycle(edges: dict[str, str], start: str) -> list[str] | None:
    seen: list[str] = []
    node = start
    while node in edges:
        if node in seen:
            return [*seen[seen.index(node):], node]
        seen.append(node)
        node = edges[node]
    return None


@rule("learned-from-acyclic", ERROR, "学习借鉴链（learned_from）不能成环", "learned-from chains must not form cycles")
def check(corpus, report):
    for case in corpus.cases.values():
        edges = {a.carrier: a.learned_from_carrier for a in case.adoptions if a.learned_from_carrier}
        for adoption in case.adoptions:
            cycle = _find_cycle(edges, adoption.carrier)
            if cycle and cycle[0] == adoption.carrier:
                chain = " → ".join(cycle)
                report(case, ("adoptions", adoption.index, "learned_from"), f"学习借鉴链成环：{chain}",
                       f"learned-from cycle: {chain}")
    case_edges = {}
    for case in corpus.cases.values():
        for adoption in case.adoptions:
            if adoption.learned_from_case == case.id:
                report(case, ("adoptions", adoption.index, "learned_from", "case"),
                       "learned_from.case 指向本案例自身", "learned_from.case points at this case itself")
            elif adoption.learned_from_case:
                case_edges.setdefault(case.id, adoption.learned_from_case)
    for case_id in case_edges:
        cycle = _find_cycle(case_edges, case_id)
        if cycle and cycle[0] == case_id:
            chain = " → ".join(cycle)
            report(corpus.cases[case_id], ("adoptions",), f"案例间学习借鉴链成环：{chain}",
                   f"learned-from cycle between cases: {chain}")
