"""Deterministic synthetic corpora at national scale, for benchmarks.

`generate(spec)` returns plain case and carrier records (the same shapes the schema
describes); `write_synthetic(spec, out)` writes them in canonical layout under
`out/cases` and `out/carriers` with a `SYNTHETIC` marker, and refuses any directory
that holds real data. The shape follows the real data: Chinese text of realistic
length, a heavy-tailed (Pareto) number of adoptions per case, learned-from chains,
recognitions in numbered batches with mandated adoptions, and carriers of every type
in the 22 FTZ provinces.

Scale: by default a corpus has 0.12 carriers per case (5,000 cases → 600 carriers,
20,000 → 2,400) and a mean of 20 adoption records per case (5,000 cases → about
100,000 adoptions); a case's adoptions are capped by the number of other carriers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ftzkb.fsio import atomic_replace
from ftzkb.load.layout import canonical_text
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, REPO_ROOT
from ftzkb.vocab import vocab

MARKER = "SYNTHETIC"
CARRIERS_PER_CASE = 0.12
ADOPTIONS_PER_CASE = 20.0
MIN_CARRIERS = 12
PARETO_ALPHA = 1.3
# Every carrier is established before the first case starts, so no case or adoption predates its carrier.
FIRST_YEAR, LAST_DATE = 2014, dt.date(2025, 12, 31)
URL_BASE = "https://synthetic.example.org"

# Province, then its cities, each as "汉字 pinyin"; Jiangsu first so small corpora stay in Jiangsu.
_GEOGRAPHY = """\
江苏 jiangsu|南京 nanjing|苏州 suzhou|连云港 lianyungang|无锡 wuxi|常州 changzhou|南通 nantong|徐州 xuzhou|扬州 yangzhou
上海 shanghai|浦东 pudong|临港 lingang|洋山 yangshan|虹桥 hongqiao
广东 guangdong|广州 guangzhou|深圳 shenzhen|珠海 zhuhai|东莞 dongguan
天津 tianjin|滨海 binhai|东疆 dongjiang|塘沽 tanggu
福建 fujian|福州 fuzhou|厦门 xiamen|平潭 pingtan|泉州 quanzhou
辽宁 liaoning|沈阳 shenyang|大连 dalian|营口 yingkou
浙江 zhejiang|杭州 hangzhou|宁波 ningbo|舟山 zhoushan|金华 jinhua|温州 wenzhou
河南 henan|郑州 zhengzhou|开封 kaifeng|洛阳 luoyang
湖北 hubei|武汉 wuhan|襄阳 xiangyang|宜昌 yichang
重庆 chongqing|两江 liangjiang|西永 xiyong|果园港 guoyuangang
四川 sichuan|成都 chengdu|泸州 luzhou|宜宾 yibin
陕西 shaanxi|西安 xian|杨凌 yangling|宝鸡 baoji
海南 hainan|海口 haikou|三亚 sanya|洋浦 yangpu
山东 shandong|济南 jinan|青岛 qingdao|烟台 yantai
广西 guangxi|南宁 nanning|钦州 qinzhou|崇左 chongzuo
河北 hebei|雄安 xiongan|正定 zhengding|曹妃甸 caofeidian
云南 yunnan|昆明 kunming|红河 honghe|德宏 dehong
黑龙江 heilongjiang|哈尔滨 haerbin|黑河 heihe|绥芬河 suifenhe
北京 beijing|朝阳 chaoyang|海淀 haidian|大兴 daxing|顺义 shunyi
湖南 hunan|长沙 changsha|岳阳 yueyang|郴州 chenzhou
安徽 anhui|合肥 hefei|芜湖 wuhu|蚌埠 bengbu
新疆 xinjiang|乌鲁木齐 wulumuqi|喀什 kashi|霍尔果斯 huoerguosi"""

_QUALIFIERS = ["江宁", "浦口", "滨江", "临港", "空港", "东部", "西部", "南部", "北部", "新城", "开发", "经济", "港城",
               "湖东", "湖西", "河北", "河南", "城南", "城北", "金桥"]
_PARTNERS = ["新加坡", "德国", "以色列", "韩国", "日本", "瑞士", "奥地利", "荷兰", "芬兰", "澳大利亚"]

# carrier type -> (id slug, name pattern, short-name pattern, weight among the open carriers)
_TYPES: dict[str, tuple[str, str, str, float]] = {
    "national-etdz": ("etdz", "{city}{q}经济技术开发区", "{city}{q}经开区", 0.30),
    "national-htz": ("htz", "{city}{q}高新技术产业开发区", "{city}{q}高新区", 0.22),
    "special-customs-zone": ("bonded", "{city}{q}综合保税区", "{city}{q}综保区", 0.18),
    "linked-innovation-zone": ("linked", "{province}自贸试验区{city}{q}联动创新发展区", "{city}{q}联创区", 0.10),
    "national-new-area": ("new-area", "{city}{q}新区", "{city}{q}新区", 0.03),
    "cooperation-park": ("park", "中{partner}（{city}{q}）合作产业园", "中{partner}{city}{q}园", 0.05),
    "other-province-ftz": ("ext-area", "中国（{province}）自由贸易试验区{city}{q}片区", "{city}{q}片区", 0.04),
    "other": ("other", "{city}{q}跨境电子商务综合试验区", "{city}{q}跨境综试区", 0.07),
    "city": ("city", "{city}市{q}", "{city}{q}", 0.01),
}

_VERBS = ["创新|Innovating", "探索|Exploring", "推行|Introducing", "建立|Establishing", "构建|Building",
          "试点|Piloting", "深化|Deepening", "首创|Pioneering"]
_SUBJECTS = [
    "跨境电商退货|cross-border e-commerce returns", "保税维修|bonded repair",
    "多式联运“一单制”|single-document multimodal transport", "国际船舶登记|international ship registration",
    "知识产权质押融资|IP-pledge financing", "企业开办|business start-up",
    "工程建设项目审批|construction project approval", "外籍人才工作许可|work permits for foreign talent",
    "跨境人民币结算|cross-border RMB settlement", "数据跨境流动|cross-border data flows",
    "生物医药研发用物品进口|imports of biomedical R&D materials", "融资租赁|financial leasing",
    "海关通关|customs clearance", "集成电路保税研发|bonded R&D for integrated circuits",
    "涉外商事纠纷解决|foreign-related commercial disputes", "市场主体退出|market exit",
    "“证照分离”改革|separating permits from licences", "进口药品通关|clearance of imported medicines",
    "中欧班列|China-Europe freight trains", "航运金融|shipping finance", "绿色金融|green finance",
    "科技创新券|innovation vouchers", "知识产权快速维权|fast IP enforcement", "信用监管|credit-based supervision",
    "跨境服务贸易|cross-border trade in services", "离岸贸易|offshore trade", "保税燃料油加注|bonded bunkering",
    "综保区内外联动|linkage across bonded-zone fences", "人才签证|talent visas",
    "营商环境评价|business-environment evaluation"]
_MECHANISMS = [
    "“一站式”服务模式|one-stop service", "全流程网上办理|fully online processing", "“容缺受理”机制|accept-with-gaps",
    "信用承诺制|credit commitments", "“单一窗口”集成服务|an integrated single window",
    "“一业一证”改革|one permit per industry",
    "联合监管机制|joint supervision", "数字化监管平台|a digital supervision platform", "“白名单”制度|a white list",
    "跨部门协同机制|cross-department coordination", "“区港联动”模式|zone-port linkage",
    "全链条服务体系|end-to-end services", "风险分担机制|risk sharing", "“智慧监管”模式|smart supervision",
    "告知承诺制|notify-and-commit", "“无感通关”模式|frictionless clearance"]
_PAINS = ["办理环节多、材料重复提交", "审批时限长、企业等待成本高", "部门间信息共享不足", "监管标准不统一",
          "中小企业融资难、融资贵", "货物通关时间长、物流成本高", "政策知晓度低、兑现慢", "跨区域协同机制缺位"]
_GOALS = ["产业集聚发展", "贸易投资便利化", "市场主体活力释放", "要素跨境自由流动", "营商环境持续优化"]
_DEPTS = ["商务局", "市场监管局", "海关", "税务局", "行政审批局", "人民银行分支机构", "外汇管理部门", "司法局",
          "科技局", "人社局", "港口集团", "自贸办", "发展改革委", "交通运输局"]
_DOINGS = ["梳理形成{k}项标准化办事清单，统一申报材料和办理流程",
           "搭建线上服务平台，实现数据“一次采集、多方复用”",
           "推行“前置辅导+并联审批”，企业只需提交一套材料",
           "建立联席会议制度，每季度研究解决重点难点问题",
           "将审批时限由{a}个工作日压缩至{b}个工作日",
           "对守信企业开辟“绿色通道”，实行容缺办理和先行先试",
           "编制操作指引并开展{k}场政策宣讲，覆盖重点企业{n}家",
           "引入第三方评估，对试点成效实行动态跟踪和闭环管理"]
_RESULTS = ["办理时间平均压缩{p}%", "为企业节约成本约{m}万元", "带动新增{k}个项目落地",
            "相关业务量同比增长{p}%", "企业满意度达到{s}%"]
_ISSUERS = {"national": "国务院", "ministry": "商务部", "province": "江苏省人民政府办公厅",
            "office": "省自贸办", "area": "片区管委会", "alliance": "长三角自贸试验区联盟"}
# recognition level -> (issuer key, number of batches, year of batch 1, years between batches)
_BATCHES: dict[str, tuple[str, int, int, int]] = {
    "national-replication": ("national", 7, 2015, 1), "national-best-practice": ("ministry", 6, 2015, 2),
    "service-trade-best-case": ("ministry", 3, 2020, 2), "ministry-experience-list": ("ministry", 4, 2019, 1),
    "regional-alliance-case": ("alliance", 3, 2021, 1), "provincial-replication": ("province", 5, 2020, 1),
    "provincial-practice-case": ("office", 6, 2020, 1), "provincial-pilot": ("province", 4, 2020, 1),
    "area-top-ten": ("area", 6, 2020, 1), "area-measure-list": ("area", 5, 2020, 1),
}
_SELF_CLAIMED = ("first-in-country", "first-in-province")
_MANDATING = ("national-replication", "provincial-replication")


@dataclass(frozen=True)
class SynthSpec:
    cases: int
    carriers: int | None = None
    seed: int = 1
    adoptions_per_case: float = ADOPTIONS_PER_CASE

    @property
    def carrier_count(self) -> int:
        return self.carriers if self.carriers is not None else default_carrier_count(self.cases)


@dataclass
class SynthSummary:
    spec: SynthSpec
    out: Path
    cases: int = 0
    carriers: int = 0
    adoptions: int = 0
    bytes_written: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self.spec), "carrier_count": self.spec.carrier_count, "out": str(self.out),
                "cases_written": self.cases, "carriers_written": self.carriers, "adoptions": self.adoptions,
                "bytes": self.bytes_written, "carriers_by_type": self.by_type}


class SynthRefused(Exception):
    """The output directory is unsafe (real data) or the request is impossible."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def default_carrier_count(cases: int) -> int:
    return max(MIN_CARRIERS, round(cases * CARRIERS_PER_CASE))


# --- carriers ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Place:
    province: str
    province_py: str
    city: str
    city_py: str


def _geography() -> list[tuple[str, str, list[tuple[str, str]]]]:
    def named(part: str) -> tuple[str, str]:  # "江苏 jiangsu": the name and its pinyin
        name, pinyin = part.split()
        return name, pinyin

    rows = []
    for line in _GEOGRAPHY.splitlines():
        province, *cities = [named(part) for part in line.split("|")]
        rows.append((province[0], province[1], cities))
    return rows


def generate_carriers(count: int, rng: random.Random) -> list[dict]:
    """FTZs and their areas for the chosen provinces first, then open carriers of every type."""
    if count < MIN_CARRIERS:
        raise SynthRefused(f"载体数至少为 {MIN_CARRIERS}（每种类型至少一个）",
                           f"at least {MIN_CARRIERS} carriers are needed (one of every type)")
    geography = _geography()
    chosen = geography[:max(1, min(len(geography), (count - 8) // 25))]
    places = [_Place(p, ppy, c, cpy) for p, ppy, cities in chosen for c, cpy in cities]
    made: dict[str, dict] = {}
    for province, province_py, cities in chosen:
        ftz_id = f"{province_py}-ftz"
        made[ftz_id] = _ftz(ftz_id, province, rng)
        for city, city_py in cities[:3]:
            made[f"{city_py}-area"] = _ftz_area(f"{city_py}-area", _Place(province, province_py, city, city_py),
                                                ftz_id, rng)
    kinds, weights = list(_TYPES), [spec[3] for spec in _TYPES.values()]
    counters: dict[tuple[str, str], int] = {}
    for number in range(count - len(made)):
        kind = kinds[number] if number < len(kinds) else rng.choices(kinds, weights)[0]
        place = rng.choice(places)
        seen = counters[(place.city_py, kind)] = counters.get((place.city_py, kind), 0) + 1
        carrier = _open_carrier(kind, place, seen, rng)
        made[carrier["id"]] = carrier
    return list(made.values())[:count]


def _ftz(carrier_id: str, province: str, rng: random.Random) -> dict:
    return {"id": carrier_id, "name": f"中国（{province}）自由贸易试验区", "short_name": f"{province}自贸试验区",
            "types": ["ftz"], "province": province, "established": _date(rng, 2013, FIRST_YEAR - 1, "day"),
            "sources": [_source(rng, f"{province}自贸试验区总体方案", carrier_id)]}


def _ftz_area(carrier_id: str, place: _Place, parent: str, rng: random.Random) -> dict:
    return {"id": carrier_id, "name": f"中国（{place.province}）自由贸易试验区{place.city}片区",
            "short_name": f"{place.city}片区", "name_en": f"{place.city_py.title()} Area",
            "types": ["ftz-area"], "parent": parent, "city": place.city, "province": place.province,
            "established": _date(rng, 2013, FIRST_YEAR - 1, "day"), "area_km2": round(rng.uniform(10, 120), 2),
            "sources": [_source(rng, f"{place.city}片区实施方案", carrier_id)],
            **({"reported_figures": [_figure(rng, carrier_id)]} if rng.random() < 0.5 else {})}


def _open_carrier(kind: str, place: _Place, seen: int, rng: random.Random) -> dict:
    slug, name_pattern, short_pattern, _ = _TYPES[kind]
    qualifier = "" if seen == 1 else _QUALIFIERS[(seen - 2) % len(_QUALIFIERS)] * (1 + (seen - 2) // len(_QUALIFIERS))
    words = {"city": place.city, "province": place.province, "q": qualifier, "partner": rng.choice(_PARTNERS)}
    carrier_id = f"{place.city_py}-{slug}" + (f"-{seen}" if seen > 1 else "")
    types = [kind, "linked-innovation-zone"] if kind == "national-etdz" and rng.random() < 0.1 else [kind]
    carrier = {"id": carrier_id, "name": name_pattern.format(**words), "short_name": short_pattern.format(**words),
               "types": types, "city": place.city, "province": place.province,
               "established": _date(rng, 1992, FIRST_YEAR - 1, rng.choice(("year", "month", "day"))),
               "membership": rng.choices(["verified", "partial", "unverified"], [8, 1, 1])[0],
               "sources": [_source(rng, f"{words['city']}开放载体名录", carrier_id)]}
    if rng.random() < 0.15:
        carrier["note"] = f"{place.city}的{short_pattern.format(**words)}，承接自贸试验区改革试点经验复制推广。"
    return carrier


def _figure(rng: random.Random, carrier_id: str) -> dict:
    return {"metric": rng.choice(vocab("figure_metric").values[:-1]), "value": rng.randint(5, 300),
            "qualifier": rng.choice(["exact", "at-least", "about"]), "as_of": _date(rng, 2021, 2025, "month"),
            "source": _source(rng, "片区建设情况通报", carrier_id)}


# --- text ---------------------------------------------------------------------------------------

def _pair(entry: str) -> tuple[str, str]:
    zh, en = entry.split("|")
    return zh, en


def _fill(template: str, rng: random.Random) -> str:
    a = rng.randint(10, 30)
    return template.format(k=rng.randint(3, 40), a=a, b=rng.randint(1, a // 2), n=rng.randint(20, 900),
                           p=rng.randint(20, 85), m=rng.randint(50, 5000), s=rng.randint(90, 99))


def _problem(rng: random.Random, subject: str) -> str:
    pains = rng.sample(_PAINS, 2)
    return (f"{subject}过程中，企业普遍反映{pains[0]}，{pains[1]}，制约了{rng.choice(_GOALS)}。"
            f"以往{rng.choice(_DEPTS)}与{rng.choice(_DEPTS)}各自受理、分头监管，企业往返多个窗口，"
            f"平均需提交材料{rng.randint(8, 30)}份，办理周期长达{rng.randint(15, 60)}个工作日。")


def _measures(rng: random.Random, case_id: str) -> str:
    items = []
    for number in range(1, rng.randint(3, 6) + 1):
        mechanism, _ = _pair(rng.choice(_MECHANISMS))
        lead, partner = rng.sample(_DEPTS, 2)
        items.append(f"{number}. **{mechanism}**。由{lead}牵头，会同{partner}{_fill(rng.choice(_DOINGS), rng)}；"
                     f"同时{_fill(rng.choice(_DOINGS), rng)}，确保改革举措落地见效。")
    if rng.random() < 0.3:
        items.append(f"\n详见[政策解读]({URL_BASE}/policy/{case_id})。")
    return "\n".join(items)


def _outcomes(rng: random.Random) -> str:
    results = "，".join(_fill(r, rng) for r in rng.sample(_RESULTS, 3))
    return (f"截至{rng.randint(2021, 2025)}年{rng.randint(1, 12)}月，已累计服务企业{rng.randint(30, 3000)}家，"
            f"{results}。该做法形成了可复制、可推广的制度成果，为同类开放载体提供了借鉴。")


def _summary(rng: random.Random, origin_name: str, subject: str, mechanism: str) -> str:
    verb = rng.choice(["创新", "探索", "推行"])
    return (f"{origin_name}针对{subject}中{rng.choice(_PAINS)}的问题，{verb}{mechanism}，"
            f"{_fill(rng.choice(_RESULTS), rng)}，{_fill(rng.choice(_RESULTS), rng)}。")


# --- cases ---------------------------------------------------------------------------------------

def adoption_counts(cases: int, carriers: int, mean: float, rng: random.Random) -> list[int]:
    """Heavy-tailed counts (Pareto) scaled so their total is as close to `cases * mean` as the cap allows."""
    draws = [rng.paretovariate(PARETO_ALPHA) - 1 for _ in range(cases)]
    cap, target = carriers - 1, round(cases * mean)

    def counts(scale: float) -> list[int]:
        return [min(cap, int(scale * d)) for d in draws]

    low, high = 0.0, 1.0
    while sum(counts(high)) < target and high < 1e9:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if sum(counts(middle)) < target else (low, middle)
    return counts(high)


@dataclass
class _CaseContext:
    index: int
    case_ids: list[str]
    carriers: list[dict]
    carrier_names: dict[str, str]
    adoptions: int


def generate_cases(spec: SynthSpec, carriers: list[dict]) -> list[dict]:
    origins = [c for c in carriers if "ftz" not in c["types"]]
    areas = [c for c in carriers if "ftz-area" in c["types"]]
    plan_rng = random.Random(f"{spec.seed}:plan")
    counts = adoption_counts(spec.cases, len(carriers), spec.adoptions_per_case, plan_rng)
    plan = []
    for index in range(spec.cases):
        origin = plan_rng.choice(areas if plan_rng.random() < 0.55 else origins)
        category = plan_rng.choice(vocab("category").values)
        plan.append((origin, category, f"{origin['id'].split('-')[0]}-{category}-{index + 1:05d}"))
    case_ids = [case_id for _, _, case_id in plan]
    names = {c["id"]: c.get("short_name") or c["name"] for c in carriers}
    return [_case(random.Random(f"{spec.seed}:case:{index}"), origin, category,
                  _CaseContext(index, case_ids, carriers, names, counts[index]))
            for index, (origin, category, _) in enumerate(plan)]


def _case(rng: random.Random, origin: dict, category: str, ctx: _CaseContext) -> dict:
    case_id = ctx.case_ids[ctx.index]
    (verb, verb_en), (subject, subject_en), (mechanism, mechanism_en) = (
        _pair(rng.choice(_VERBS)), _pair(rng.choice(_SUBJECTS)), _pair(rng.choice(_MECHANISMS)))
    origin_name = ctx.carrier_names[origin["id"]]
    started = _date(rng, FIRST_YEAR, 2023, rng.choices(["year", "month", "day"], [1, 6, 3])[0])
    others = [c for c in rng.sample(vocab("category").values, 2) if c != category]
    case: dict[str, Any] = {
        "id": case_id, "title": f"{verb}{subject}{mechanism}", "title_en": f"{verb_en} {mechanism_en} for {subject_en}",
        "summary": _summary(rng, origin_name, subject, mechanism), "problem": _problem(rng, subject),
        "measures": _measures(rng, case_id), "outcomes": _outcomes(rng),
        "origin": {"carrier": origin["id"], "unit": f"{origin_name}{rng.choice(_DEPTS)}", "started": started},
        "categories": [category, *others[:rng.randint(0, 1)]],
        "linkage": rng.sample(vocab("linkage").values, rng.randint(0, 2)),
        "tags": sorted({subject.strip("“”"), *rng.sample(_GOALS, 2)}),
        "recognitions": _recognitions(rng, started, ctx.adoptions),
        "preconditions": {"carrier_types": rng.sample(list(_TYPES), rng.randint(1, 3)),
                          "scope": rng.choice(vocab("replication_scope").values)},
        "sources": [_source(rng, f"{origin_name}制度创新案例汇编", case_id) for _ in range(rng.randint(1, 3))],
        "related": sorted({rng.choice(ctx.case_ids) for _ in range(rng.randint(0, 3))} - {case_id}),
        "audience": "internal" if rng.random() < 0.02 else "public",
    }
    case.update(_lifecycle(rng, ctx))
    case["adoptions"] = _adoptions(rng, case, ctx)
    return {key: value for key, value in case.items() if value not in ([], {}, None)}


def _recognitions(rng: random.Random, started: str, adoptions: int) -> list[dict]:
    first = int(started[:4]) + 1
    levels = list(_BATCHES)
    if adoptions >= 40:  # the most replicated cases are those a replication batch asks everyone to copy
        chosen = [rng.choice(_MANDATING), *rng.sample(levels, rng.randint(0, 1))]
    else:
        chosen = rng.sample(levels, rng.choices([0, 1, 2], [5, 4, 1])[0])
    found = [r for level in dict.fromkeys(chosen) if (r := _recognition(rng, level, first))]
    if rng.random() < 0.2:
        found.append({"level": rng.choice(_SELF_CLAIMED), "verification": "unverified"})
    return found


def _recognition(rng: random.Random, level: str, not_before: int) -> dict | None:
    issuer, batches, first_year, step = _BATCHES[level]
    possible = [b for b in range(1, batches + 1) if first_year + (b - 1) * step >= not_before]
    if not possible:
        return None
    batch = rng.choice(possible)
    year = first_year + (batch - 1) * step
    return {"level": level, "batch": batch, "date": f"{year}-{rng.randint(1, 12):02d}", "issuer": _ISSUERS[issuer],
            "document": f"{_ISSUERS[issuer][:2]}发〔{year}〕{rng.randint(1, 99)}号",
            "url": f"{URL_BASE}/batch/{level}/{batch}", "verification": rng.choice(vocab("verification").values)}


def _lifecycle(rng: random.Random, ctx: _CaseContext) -> dict:
    roll, later = rng.random(), ctx.case_ids[ctx.index + 1:]
    if roll < 0.03 and later:
        return {"lifecycle": {"status": "superseded", "superseded_by": rng.choice(later),
                              "date": _date(rng, 2022, 2025, "month")}}
    if roll < 0.04:
        return {"lifecycle": {"status": "withdrawn", "note": "相关政策调整，本做法不再执行。"}}
    return {}


def _adoptions(rng: random.Random, case: dict, ctx: _CaseContext) -> list[dict]:
    origin = case["origin"]["carrier"]
    pool = [c["id"] for c in ctx.carriers if c["id"] != origin]
    adopters = rng.sample(pool, min(ctx.adoptions, len(pool)))
    earliest = _earliest(case["origin"]["started"])
    mandating = next((r for r in case.get("recognitions", ()) if r["level"] in _MANDATING), None)
    records = sorted((_adoption(rng, carrier, earliest, mandating) for carrier in adopters),
                     key=lambda a: a["date"].lstrip("<=").replace("unknown", "9999"))
    result: list[dict] = []
    for record in records:
        result.extend(_split_period(rng, record))
    _link_chains(rng, result, origin, ctx)
    return result


def _adoption(rng: random.Random, carrier: str, earliest: dt.date, mandating: dict | None) -> dict:
    record: dict[str, Any] = {
        "carrier": carrier, "status": rng.choices(vocab("adoption_status").values, [60, 12, 10, 8, 3, 2, 5])[0],
        "date": _date_after(rng, earliest)}
    if mandating and record["date"] >= mandating["date"] and rng.random() < 0.7:
        record["mandate"] = "mandated"
        record["mandated_by"] = {"level": mandating["level"], "batch": mandating["batch"]}
    else:
        record["mandate"] = rng.choices(["voluntary", "unknown"], [3, 1])[0]
    if rng.random() < 0.2:
        record["evidence"] = [_source(rng, "复制推广工作情况报告", carrier)]
    if rng.random() < 0.1:
        change, (mechanism, _) = rng.choice(["简化了", "调整了", "拓展了"]), _pair(rng.choice(_MECHANISMS))
        record["note"] = f"结合本地实际，{change}{mechanism}的适用范围。"
    if rng.random() < 0.02:
        record["audience"] = "internal"
    return record


def _split_period(rng: random.Random, record: dict) -> list[dict]:
    """A few carriers piloted first and adopted later: two records with non-overlapping periods."""
    date = record["date"]
    if rng.random() > 0.03 or date == "unknown" or date.startswith("<=") or len(date) != 7 or date >= "2025":
        return [record]
    year, month = int(date[:4]), int(date[5:7])
    later = f"{year + 1}-{month:02d}"
    pilot = {"carrier": record["carrier"], "status": "piloting", "date": date, "until": f"{year}-12",
             "mandate": "voluntary"}
    return [pilot, {**record, "date": later, "status": "adopted"}]


def _link_chains(rng: random.Random, records: list[dict], origin: str, ctx: _CaseContext) -> None:
    """learned_from points only backwards (earlier records, earlier cases), so chains never cycle."""
    twice = {r["carrier"] for r in records if "until" in r}
    for position, record in enumerate(records):
        if record["carrier"] in twice or rng.random() > 0.35:
            continue
        earlier = [r["carrier"] for r in records[:position] if r["carrier"] != record["carrier"]]
        teacher = rng.choice(earlier) if earlier and rng.random() < 0.7 else origin
        record["learned_from"] = {"carrier": teacher}
        if ctx.index and rng.random() < 0.1:
            record["learned_from"]["case"] = ctx.case_ids[rng.randrange(ctx.index)]


# --- dates and sources ---------------------------------------------------------------------------

def _date(rng: random.Random, first_year: int, last_year: int, precision: str) -> str:
    year = rng.randint(first_year, last_year)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {"year": f"{year}", "month": f"{year}-{month:02d}"}.get(precision, f"{year}-{month:02d}-{day:02d}")


def _earliest(started: str) -> dt.date:
    year, month = int(started[:4]), int(started[5:7]) if len(started) >= 7 else 1
    return dt.date(year, month, 1)


def _date_after(rng: random.Random, earliest: dt.date) -> str:
    roll = rng.random()
    if roll < 0.08:
        return "unknown"
    day = earliest + dt.timedelta(days=rng.randint(60, max(61, (LAST_DATE - earliest).days)))
    day = min(day, LAST_DATE)
    if roll < 0.12:
        return f"<={day:%Y-%m}"
    return f"{day:%Y}" if roll < 0.2 else f"{day:%Y-%m}"


def _source(rng: random.Random, title: str, slug: str) -> dict:
    source: dict[str, Any] = {"title": title}
    if rng.random() < 0.8:
        source["url"] = f"{URL_BASE}/{slug}/{rng.randint(1000, 9999)}"
    else:
        prefix = rng.choice(["苏政办发", "苏自贸办", "商自贸发"])
        source["document"] = f"{prefix}〔{rng.randint(2019, 2025)}〕{rng.randint(1, 99)}号"
    source["publisher"] = rng.choice(list(_ISSUERS.values()))
    source["date"] = _date(rng, 2019, 2025, "month")
    source["verification"] = rng.choices(vocab("verification").values, [6, 2, 2])[0]
    return source


# --- writing -------------------------------------------------------------------------------------

def generate(spec: SynthSpec) -> tuple[list[dict], list[dict]]:
    """(carriers, cases) as plain records, the same for the same spec."""
    if spec.cases < 1:
        raise SynthRefused("案例数至少为 1", "at least one case is needed")
    carriers = generate_carriers(spec.carrier_count, random.Random(f"{spec.seed}:carriers"))
    return carriers, generate_cases(spec, carriers)


def is_synthetic(directory: Path) -> bool:
    return (Path(directory) / MARKER).is_file()


def generator_hash() -> str:
    """Changes whenever this generator does, so cached corpora are made again."""
    return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def marker_info(directory: Path) -> dict | None:
    try:
        return json.loads((Path(directory) / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(directory: Path, spec: SynthSpec) -> bool:
    """True when `directory` already holds the finished corpus of `spec` from this generator."""
    info = marker_info(directory) or {}
    return (info.get("generator_hash") == generator_hash() and "summary" in info
            and {k: info.get(k) for k in asdict(spec)} == asdict(spec))


def check_out_dir(out: Path) -> None:
    """Refuse the repository's own data directories and any directory holding non-synthetic files."""
    out = Path(out).resolve()
    for real in (REPO_ROOT / CASES_DIRNAME, REPO_ROOT / CARRIERS_DIRNAME):
        if out == real.resolve() or real.resolve() in out.parents:
            raise SynthRefused(f"拒绝写入真实数据目录 {real}：请指定其他 --out",
                               f"refusing to write into the real data directory {real}: choose another --out")
    if out.exists() and not out.is_dir():
        raise SynthRefused(f"{out} 不是目录", f"{out} is not a directory")
    if out.is_dir() and any(out.iterdir()) and not is_synthetic(out):
        raise SynthRefused(f"{out} 已有文件且没有 {MARKER} 标记：合成数据不与真实数据混放，请指定空目录",
                           f"{out} holds files and no {MARKER} marker: synthetic data is never mixed with real "
                           "data; choose an empty directory")


def write_synthetic(spec: SynthSpec, out: Path) -> SynthSummary:
    """Generate and write a corpus to `out` (replacing an earlier synthetic corpus there)."""
    check_out_dir(out)
    carriers, cases = generate(spec)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _write_marker(out, spec)  # first, so an interrupted run still leaves a directory marked as synthetic
    summary = SynthSummary(spec, out)
    for dirname, kind, records in ((CARRIERS_DIRNAME, "carrier", carriers), (CASES_DIRNAME, "case", cases)):
        directory = out / dirname
        directory.mkdir(exist_ok=True)
        wanted = {f"{r['id']}.yaml" for r in records}
        for stale in directory.glob("*.yaml"):
            if stale.name not in wanted:
                stale.unlink()
        for record in records:
            text = canonical_text(record, kind)
            atomic_replace(directory / f"{record['id']}.yaml", text.encode("utf-8"))
            summary.bytes_written += len(text.encode("utf-8"))
    summary.cases, summary.carriers = len(cases), len(carriers)
    summary.adoptions = sum(len(c.get("adoptions", ())) for c in cases)
    for carrier in carriers:
        summary.by_type[carrier["types"][0]] = summary.by_type.get(carrier["types"][0], 0) + 1
    _write_marker(out, spec, summary)
    return summary


def _write_marker(out: Path, spec: SynthSpec, summary: SynthSummary | None = None) -> None:
    info = {"generator": "ftzkb synth", "generator_hash": generator_hash(), **asdict(spec),
            "note": "合成数据，仅供基准测试；不是真实案例 / synthetic data for benchmarks; not real cases"}
    if summary is not None:
        info["summary"] = {k: v for k, v in summary.as_dict().items() if k != "out"}
    atomic_replace(out / MARKER, (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
