"""Small corpora for the search tests, written as real YAML files (imported by the other test_search_*
modules), and a check that they are valid data."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_corpus
from ftzkb.load.loader import load_corpus

CARRIERS = {"area-a": ("甲片区", "ftz-area"), "zone-b": ("乙经开区", "national-etdz"),
            "zone-c": ("丙综合保税区", "special-customs-zone")}


def case_yaml(case_id: str, title: str, summary: str, *, origin: str = "area-a", started: str = "2020-05",
              categories: tuple[str, ...] = ("trade-facilitation",), measures: str = "", tags: tuple[str, ...] = (),
              extra: str = "") -> str:
    lines = [f"id: {case_id}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"summary: {json.dumps(summary, ensure_ascii=False)}"]
    if measures:
        lines.append(f"measures: {json.dumps(measures, ensure_ascii=False)}")
    lines += ["origin:", f"  carrier: {origin}", f'  started: "{started}"', "categories:"]
    lines += [f"  - {c}" for c in categories]
    if tags:
        lines += ["tags:", *(f"  - {json.dumps(t, ensure_ascii=False)}" for t in tags)]
    lines += ["sources:", "  - title: 测试来源", f"    url: https://example.org/{case_id}"]
    return "\n".join(lines) + "\n" + extra


STANDARD_CASES = {
    "multimodal": case_yaml("multimodal", "多式联运“一单制”",
                            "全程使用一份运输单证的多式联运改革，货物一次托运、一单到底。",
                            categories=("open-corridors",), tags=("多式联运", "一单制"), started="2021-03"),
    "sea-rail": case_yaml("sea-rail", "海铁联运整车出口通道", "整车经铁路运到港口，再滚装海运出口，缩短物流时间。",
                          categories=("open-corridors",), started="2022"),
    "one-licence": case_yaml("one-licence", "零售药店“一业一证”改革",
                             "把开办零售药店所需的多张许可归并为一张行业综合许可证，审批时限压缩97%。",
                             origin="zone-b", categories=("government",), tags=("一业一证",), started="2020-11",
                             extra="recognitions:\n  - level: provincial-replication\n    batch: 2\n"),
    "whitelist": case_yaml("whitelist", "生物医药研发用物品进口“白名单”制度",
                           "列入白名单的企业进口研发用物品，不再需要进口药品通关单。",
                           measures="分批确定白名单企业及其研发用物品清单，海关凭清单快速验放。",
                           categories=("trade-facilitation", "industry"), tags=("白名单",), started="2019",
                           extra="preconditions:\n  carrier_types:\n    - special-customs-zone\n"),
    "credit-loans": case_yaml("credit-loans", "关助融：海关信用助力融资",
                              "把企业的海关信用信息纳入征信体系，供银行授信时使用，帮助外贸中小企业获得贷款。",
                              origin="zone-c", categories=("finance",), tags=("关助融",), started="2019-06",
                              extra="lifecycle:\n  status: withdrawn\n"),
}


def standard_corpus(root: Path) -> Path:
    return write_corpus(root, dict(STANDARD_CASES), CARRIERS)


def test_standard_corpus_is_valid(tmp_path):
    result = load_corpus(standard_corpus(tmp_path))
    assert not result.diagnostics
    assert set(result.corpus.cases) == set(STANDARD_CASES)
