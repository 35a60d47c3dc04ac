from . import CASE, CORPUS, WARNING, rule


@rule("id-shared-by-case-and-carrier", WARNING, "案例与载体不应使用同一个 id",
      "a case and a carrier should not share an id", scope=CORPUS, reads=(CASE,))
def check(case, corpus, report):
    if case.id in corpus.carriers:
        report(("id",), f"id“{case.id}”同时被一个载体使用，链接会混淆：请给案例换一个 id",
               f"id '{case.id}' is also a carrier id; links become ambiguous: give the case another id")
