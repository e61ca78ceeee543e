"""雷同 across 1,000 units and their scorecard: seconds, peak memory, planted copies found.

Run: .venv/bin/python bench/bench_assess.py [UNITS]   (prints figures; asserts nothing; UNITS default 1000)
Each synthetic unit writes realistic lengths (一、总体情况 about 1,200 characters, 五 about 300, 六 about 80)
from a shared pool of clauses (so unrelated units share phrases, as real ones do), behind the province's
boilerplate; about 5 % of the units copy another unit's sections with their own name and numbers.
"""
from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.assess.scorecard import load_scorecard, score_rows, score_unit
from generator.assess.similarity import similar_prose, similarity_findings
from generator.assess.text import unit_prose
from generator.formats import FORMAT_2021
from generator.report import Agency, Report, ReportBuilder

UNITS = 1000
COPY_SHARE = 0.05
SEED = 17
BOILERPLATE = ("根据《中华人民共和国政府信息公开条例》和上级有关要求，{name}编制了本报告。"
               "现将{name}{year}年度政府信息公开工作年度报告如下。")
VERBS = ["健全", "完善", "规范", "推进", "加强", "落实", "深化", "优化", "拓展", "强化", "持续做好", "扎实开展",
         "认真组织", "及时公开", "全面梳理", "定期更新", "严格执行", "积极探索", "统筹推进", "切实抓好"]
OBJECTS = ["财政预决算信息公开", "惠农补贴发放名单公示", "村务公开栏建设", "政策解读工作", "依申请公开受理流程",
           "保密审查机制", "政务新媒体管理", "基层政务公开标准目录", "信息发布协调机制", "低保评审结果公示",
           "征地拆迁补偿标准公开", "危房改造对象公示", "公共资源交易信息公开", "重大决策预公开", "政府开放日活动",
           "便民服务中心查阅点建设", "工作人员业务培训", "公开内容自查整改", "政府信息公开指南修订", "安全生产宣传",
           "防汛抗旱信息发布", "医保参保缴费提醒", "就业创业政策宣传", "乡村振兴项目公示", "集体资产清产核资公开",
           "网格化服务信息公开", "河长制工作公开", "生态环境信息公开", "教育惠民政策宣传", "养老服务补贴公示"]
MANNERS = ["，做到应公开尽公开", "，确保信息准确及时", "，群众满意度明显提升", "，全年未发生泄密事件",
           "，形成了长效工作机制", "，接受社会监督", "，方便群众查阅", "，取得了较好成效", "", "", ""]


PLACE_CHARS = "东西南北上下新老大小金银铜铁石山水河湖溪泉林竹松柏桃李杏梅兰菊荷花草木田园村庄桥亭塘坝岭岗峰谷洲湾港"


def clause(rng: random.Random) -> str:
    """A sentence of a unit's own work: a shared phrase about a place of its own (村, 社区, 项目)."""
    place = "".join(rng.choices(PLACE_CHARS, k=2)) + rng.choice(["村", "社区", "片区", "项目"])
    return f"{rng.choice(VERBS)}{place}{rng.choice(OBJECTS)}{rng.choice(MANNERS)}，" \
           f"{rng.choice(['全年', '本年度', '累计'])}{rng.choice(['发布', '公示', '更新', '办理'])}相关信息{rng.randint(1, 300)}条。"


def prose_of(rng: random.Random, chars: int) -> str:
    text = ""
    while len(text) < chars:
        text += clause(rng)
    return text


def make_unit(rng: random.Random, index: int, copy_of: Report | None = None) -> tuple[str, Report]:
    name = f"测试{index:04d}镇人民政府"
    if copy_of is None:
        overview = BOILERPLATE.format(name=name, year=2025) + prose_of(rng, 1200)
        problems, other = prose_of(rng, 300), prose_of(rng, 80)
    else:  # a copy: own name, own numbers
        source = copy_of.agency.name
        swap = {source: name, source.removesuffix("人民政府"): name.removesuffix("人民政府")}
        overview, problems, other = (_renamed(copy_of.text(k), swap, rng) for k in ("overview.intro", "problems", "other"))
    prose = {"overview.intro": overview, "problems": problems, "other": other}
    return name, ReportBuilder(2025, FORMAT_2021, agency=Agency(name=name), prose=prose).build()


def _renamed(text: str, swap: dict[str, str], rng: random.Random) -> str:
    for old, new in swap.items():
        text = text.replace(old, new)
    return "".join(str(rng.randint(0, 9)) if ch.isdigit() else ch for ch in text)


def assess(units: list[tuple[str, Report]], pairs: list) -> list:
    findings = similarity_findings(pairs)
    card = load_scorecard()
    return score_rows((name, score_unit(card, findings=findings.get(name, []), on_time=True, filed=True))
                      for name, _ in units)


def run(count: int = UNITS) -> None:
    rng = random.Random(SEED)
    units: list[tuple[str, Report]] = []
    planted = set()
    family: dict[str, str] = {}  # unit -> the original its text comes from (copies of copies included)
    for index in range(count):
        if units and rng.random() < COPY_SHARE:
            source_name, source = rng.choice(units)
            units.append(make_unit(rng, index, copy_of=source))
            planted.add((source_name, units[-1][0]))
            family[units[-1][0]] = family[source_name]
        else:
            units.append(make_unit(rng, index))
            family[units[-1][0]] = units[-1][0]
    chars = sum(len(r.text(k)) for _, r in units for k in r.prose)
    start = time.perf_counter()
    prose = [unit_prose(name, report) for name, report in units]  # in a batch: by the workers, in parallel
    prepared = time.perf_counter() - start
    pairs = similar_prose(prose)
    found = time.perf_counter() - start
    rows = assess(units, pairs)
    total = time.perf_counter() - start
    tracemalloc.start()  # a second run for memory: tracing slows it down several times
    assess(units, similar_prose(units))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    section_pairs = {(p.first, p.second) for p in pairs}
    # a unit copied from a copy also matches the first source: count those as found, not as false alarms
    print(f"units {count}, prose {chars / count:.0f} characters per unit, planted copies {len(planted)}")
    print(f"unit_prose (normalise): {prepared:.2f} s (done by the batch workers)")
    print(f"similar_prose         : {found - prepared:.2f} s, {len(pairs)} section pairs, {len(section_pairs)} unit pairs")
    print(f"total with scorecard  : {total:.2f} s, {len(rows)} score rows, peak traced memory (a second run) {peak:.0f} MB")
    flagged = {name for pair in section_pairs for name in pair}
    copies_flagged = sum(copy in flagged and source in flagged for source, copy in planted)
    unrelated = sum(family[a] != family[b] for a, b in section_pairs)
    print(f"planted copies flagged: {copies_flagged} of {len(planted)} (copy and source both flagged; identical texts "
          f"are paired with the first of them); unit pairs of unrelated units: {unrelated}")


def template_cluster(count: int = UNITS, share: float = 0.4) -> None:
    """The worst case: ``share`` of the units fill the same template (too few to be boilerplate), each adding
    a sentence of its own, so they are all similar but not identical: about (share·count)²/2 pairs."""
    rng = random.Random(SEED)
    template = make_unit(rng, 0)
    units = [template]
    for index in range(1, count):
        if rng.random() < share:
            name, report = make_unit(rng, index, copy_of=template[1])
            prose = {key: text + clause(rng) for key, text in report.prose.items()}
            units.append((name, report.evolve(prose=prose)))
        else:
            units.append(make_unit(rng, index))
    prose_of_units = [unit_prose(name, report) for name, report in units]
    start = time.perf_counter()
    pairs = similar_prose(prose_of_units)
    print(f"worst case, {share:.0%} fill one template with a sentence of their own: "
          f"{time.perf_counter() - start:.2f} s, {len(pairs)} section pairs")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else UNITS)
    template_cluster(int(sys.argv[1]) if len(sys.argv) > 1 else UNITS)
