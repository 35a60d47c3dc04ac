from . import WARNING, rule


@rule("id-shared-by-case-and-carrier", WARNING, "案例与载体不应使用同一个 id",
      "a case and a carrier should not share an id")
def check(corpus, report):
    for case_id in corpus.cases.keys() & corpus.carriers.keys():
        report(corpus.cases[case_id], ("id",), f"id“{case_id}”同时被一个载体使用，链接会混淆",
               f"id '{case_id}' is also a carrier id; links become ambiguous")
