"""雷同 across units and the 考评 scorecard (generator.assess)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from corpus import CORPUS, SKIP_REASON

from generator.assess.scorecard import SCORE_HEADER, load_scorecard, points_text, score_rows, score_unit
from generator.assess.similarity import (
    SIMILARITY_HEADER,
    common_prose,
    similar_prose,
    similarity_findings,
    similarity_rows,
)
from generator.assess.text import UnitProse, unit_prose
from generator.checks.cross_year import x4_numbers_unchanged as same_numbers
from generator.errors import InputError
from generator.findings import ERROR, WARNING, Finding
from generator.formats import FORMAT_2019, FORMAT_2021, HEADINGS
from generator.report import Agency, Report, ReportBuilder

BOILERPLATE = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级有关要求，{name}编制了本报告。"
    "现将{name}{year}年度政府信息公开工作年度报告如下。"
)
COPIED = (
    "{year}年，{self}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》要求，"
    "围绕乡村振兴和基层治理中心工作，把政务公开作为密切联系群众的重要抓手。{self}在村务公开栏每季度更新"
    "惠农补贴发放名单{n}批次，在政府网站发布信息{m}条。{self}设立了便民服务中心信息查阅点，"
    "安排专人负责接待群众查阅，全年接待群众咨询{k}人次，做到有问必答、件件有回音。"
)
CLAUSES = [
    "健全信息发布协调机制，明确党政办为牵头科室",
    "及时发布财政预决算和三公经费信息",
    "在政务新媒体开设政策解读专栏，以图解形式解读惠民政策",
    "推进基层政务公开标准化规范化建设，梳理公开事项清单",
    "对历史公开信息开展清理，撤下过期失效内容",
    "加强保密审查，坚持先审查后公开",
    "开展政务开放日活动，邀请群众代表走进机关",
    "利用村村响广播宣传防汛抗旱和安全生产知识",
    "公开征地拆迁补偿标准和安置方案，接受群众监督",
    "建立依申请公开登记台账，规范受理答复流程",
    "组织工作人员参加市县两级业务培训",
    "把政务公开纳入年度目标考核，与评先评优挂钩",
    "对群众反映的低保评审问题逐一核实并公开结果",
    "在集镇主要路口设置电子显示屏滚动发布公告",
    "完善政府信息公开指南和目录，方便群众查找",
    "开展公开内容自查，整改错别字和链接失效问题",
    "公开农村危房改造对象名单和补助资金",
    "及时回应群众关于道路硬化和饮水工程的关切",
    "发布医保参保缴费提醒和办理渠道",
    "建立政务公开工作联络员制度，每个村配备一名联络员",
]


def unit(name: str, overview: str, *, short: str = "", problems: str = "", other: str = "") -> tuple[str, Report]:
    prose = {"overview.intro": overview, "problems": problems, "other": other}
    builder = ReportBuilder(2025, FORMAT_2021, agency=Agency(name=name, short_name=short), prose=prose)
    return name, builder.build()


def own_words(seed: int) -> str:
    """A unit's own 总体情况: clauses chosen for it, in its own order (unrelated units share some clauses)."""
    rng = random.Random(seed)
    return "。".join(rng.sample(CLAUSES, 7)) + "。"


def township_run(count: int = 10) -> list[tuple[str, Report]]:
    """``count`` townships with the province's boilerplate and their own prose, plus 东山镇/西山乡 copying."""
    units = []
    for i in range(count):
        name = f"第{i + 1}号镇人民政府"
        units.append(unit(name, BOILERPLATE.format(name=name, year=2025) + own_words(i), short="我镇"))
    for name, self_ref, numbers in (
        ("东山镇人民政府", "我镇", (12, 85, 230)),
        ("西山乡人民政府", "本乡", (9, 64, 118)),
    ):
        overview = BOILERPLATE.format(name=name, year=2025) + COPIED.format(
            year=2025, self=self_ref, n=numbers[0], m=numbers[1], k=numbers[2]
        )
        units.insert(3 if name.startswith("东") else 7, unit(name, overview))
    return units


def test_planted_pair_is_found_across_names_self_references_and_numbers():
    pairs = similar_prose(township_run())
    assert [(p.section, p.first, p.second) for p in pairs] == [(HEADINGS[0], "东山镇人民政府", "西山乡人民政府")]
    pair = pairs[0]
    assert pair.ratio == 1.0
    assert pair.sample and "东山" not in pair.sample
    assert pair.sample.rstrip("…") in dict(township_run())["西山乡人民政府"].text("overview.intro")


def test_province_boilerplate_is_not_similarity_and_is_named():
    common = common_prose(township_run())
    assert list(common) == [HEADINGS[0]]
    assert len(common[HEADINGS[0]]) == 2 and common[HEADINGS[0]][0].startswith("根据《中华人民共和国政府信息公开条例》")
    assert similar_prose(township_run())[0].ignored == 2


def test_boilerplate_alone_is_not_similarity():
    units = [
        unit(f"第{i}号镇人民政府", BOILERPLATE.format(name=f"第{i}号镇", year=2025) + own_words(i)) for i in range(12)
    ]
    assert similar_prose(units) == []


def test_unrelated_texts_are_not_similar():
    units = [unit(f"第{i}号乡人民政府", own_words(100 + i)) for i in range(6)]
    assert similar_prose(units) == []


def test_three_copies_in_a_small_run_stay_similar():
    """Sentences shared by every unit of a 3-unit run are not boilerplate (COMMON_MIN). Identical texts are
    paired with the first of them only (never k² pairs), and every unit's reminder says how many share it."""
    units = [
        unit(f"{place}人民政府", COPIED.format(year=2025, self="我镇", n=i, m=i, k=i))
        for i, place in enumerate(("东山镇", "西山镇", "南岭镇"))
    ]
    pairs = similar_prose(units)
    assert [(p.first, p.second, p.identical) for p in pairs] == [
        ("东山镇人民政府", "西山镇人民政府", 3),
        ("东山镇人民政府", "南岭镇人民政府", 3),
    ]
    findings = similarity_findings(pairs)
    assert set(findings) == {"东山镇人民政府", "西山镇人民政府", "南岭镇人民政府"}
    assert all("共有 3 个单位的这一部分去掉单位名称和数字后一字不差" in f[0].message for f in findings.values())
    assert "共 3 个单位的这一部分一字不差" in similarity_rows(pairs)[0][5]


def test_a_large_group_of_identical_texts_stays_linear():
    """40 units with the same text (less than half of the run, so not boilerplate): 39 pairs, not 780."""
    units = [unit(f"第{i}号镇人民政府", COPIED.format(year=2025, self="我镇", n=i, m=i, k=i)) for i in range(40)]
    units += [unit(f"第{i}号乡人民政府", own_words(i)) for i in range(50)]
    pairs = similar_prose(units)
    assert len(pairs) == 39 and {p.first for p in pairs} == {"第0号镇人民政府"}
    (hub,) = similarity_findings(pairs)["第0号镇人民政府"]
    assert "等 39 个单位" in hub.message


def test_a_section_rewritten_in_part_falls_below_the_threshold():
    base = COPIED.format(year=2025, self="我镇", n=1, m=2, k=3)
    rewritten = base[:60] + own_words(7) + own_words(8)
    assert similar_prose([unit("东山镇人民政府", base), unit("西山乡人民政府", rewritten)]) == []


def test_short_sections_are_not_compared():
    other = "本年度我镇未收取政府信息公开信息处理费，没有因逾期未缴纳信息处理费而不再处理的申请，无其他需要报告的事项。"
    units = [unit(f"第{i}号镇人民政府", own_words(i), other=other) for i in range(3)]
    assert similar_prose(units) == []


def test_each_section_is_compared_on_its_own():
    problems = (
        "一是公开内容不够全面，部分领域信息更新不及时；二是政策解读形式单一，群众参与度不高。"
        "下一步将加强业务培训，建立信息更新台账，丰富图解、视频等解读形式，提升政务公开质量。"
    )
    units = [
        unit("东山镇人民政府", own_words(1), problems=problems),
        unit("西山乡人民政府", own_words(2), problems=problems),
    ]
    assert [p.section for p in similar_prose(units)] == [HEADINGS[4]]


def test_similarity_rows_for_workbook_and_page():
    rows = similarity_rows(similar_prose(township_run()))
    assert len(rows) == 1 and len(rows[0]) == len(SIMILARITY_HEADER)
    assert rows[0][:4] == (HEADINGS[0], "东山镇人民政府", "西山乡人民政府", "100%")


def test_sentences_the_tool_generates_are_not_similarity():
    """A clerk who kept the generated 主动公开/依申请公开 text as prose wrote nothing alike on purpose."""
    from generator import prose

    units = []
    for i, place in enumerate(("东山镇", "西山乡", "南岭镇")):
        name, report = unit(f"{place}人民政府", "", short="我镇")
        report = report.evolve(numbers={**report.numbers, "active.normative_docs.made": i + 1})
        kept = {
            **report.prose,
            "overview.active": prose.active_summary(report),
            "overview.requests": prose.requests_summary(report),
        }
        units.append((name, report.evolve(prose=kept)))
    assert len(units[0][1].text("overview.active")) > 60
    assert similar_prose(units) == []


def test_findings_for_both_units_name_the_other_and_the_ratio():
    findings = similarity_findings(similar_prose(township_run()))
    assert set(findings) == {"东山镇人民政府", "西山乡人民政府"}
    (east,) = findings["东山镇人民政府"]
    assert (east.rule, east.severity, east.where) == ("L-1", WARNING, HEADINGS[0])
    assert "西山乡人民政府（100%）" in east.message and "评估时会按雷同扣分" in east.message
    assert "多数单位共用的 2 句套话已不计" in east.message
    assert east.text().startswith("提醒 [L-1 单位间雷同]")
    assert "东山镇人民政府" in findings["西山乡人民政府"][0].message


def test_prose_made_by_workers_round_trips_through_json_and_gives_the_same_pairs():
    import json

    units = township_run()
    spooled = [
        UnitProse.from_dict(json.loads(json.dumps(unit_prose(name, report).as_dict()))) for name, report in units
    ]
    assert similar_prose(spooled) == similar_prose(units)
    assert common_prose(spooled) == common_prose(units)


def test_one_unit_filed_twice_is_not_similar_to_itself():
    text = COPIED.format(year=2025, self="我镇", n=1, m=2, k=3)
    assert similar_prose([unit("东山镇人民政府", text), unit("东山镇人民政府", text)]) == []


def test_full_width_digits_and_brackets_do_not_make_texts_differ():
    text = COPIED.format(year=2025, self="我镇", n=1, m=2, k=3)
    wide = text.replace("2025", "２０２５").replace("《条例》", "（条例）")
    (pair,) = similar_prose([unit("东山镇人民政府", text), unit("西山乡人民政府", wide)])
    assert pair.ratio == 1.0


# --- scorecard --------------------------------------------------------------------------------------


def finding(rule: str, severity: str = ERROR) -> Finding:
    return Finding(rule, severity, "某处", "某个问题")


def test_default_scorecard_loads_with_full_marks_of_100():
    card = load_scorecard()
    assert card.full == 100
    assert [c.key for c in card.criteria] == [
        "on_time",
        "sections",
        "consistent",
        "not_copied",
        "not_similar",
        "fees",
        "prose_matches",
    ]
    assert card.source == "docs/scorecard.md" or "鲤城区" in card.source


def test_scores_deduct_per_finding_up_to_the_criterion():
    card = load_scorecard()
    findings = [
        finding("R3-1"),
        finding("R3-2"),
        finding("R4-1"),
        finding("R3-1"),
        finding("R3-1", WARNING),
        finding("L-1", WARNING),
        finding("T-1", WARNING),
        finding("A-1", WARNING),
    ]
    score = score_unit(card, findings=findings, on_time=True, filed=True)
    by_name = {d.criterion: d for d in score.deductions}
    assert set(by_name) == {"数据勾稽", "不与其他单位雷同", "正文与表格一致"}
    assert by_name["数据勾稽"].points == 15  # four errors at 5 each, capped at 15; the R3-1 reminder is free
    assert "R3-1 列平衡 2 条错误" in by_name["数据勾稽"].reason and "R4-1" in by_name["数据勾稽"].reason
    assert by_name["不与其他单位雷同"].points == 5 and "L-1 单位间雷同 1 条提醒" in by_name["不与其他单位雷同"].reason
    assert by_name["正文与表格一致"].points == 2
    assert score.total == 100 - 15 - 5 - 2 and score.full == 100 and score.notes == ()


def test_late_unit_loses_the_on_time_points_once():
    card = load_scorecard()
    late = score_unit(card, findings=[finding("G-6", WARNING)], on_time=False, filed=True)
    assert [(d.criterion, d.points) for d in late.deductions] == [("按时公开", 20)]
    assert "未按时公开" in late.deductions[0].reason and "G-6" in late.deductions[0].reason


def test_unknown_filing_time_is_a_note_never_a_deduction():
    score = score_unit(load_scorecard(), findings=[], on_time=None, filed=True)
    assert score.total == 100 and score.deductions == ()
    assert score.notes and "未核对" in score.notes[0]
    late_by_date = score_unit(load_scorecard(), findings=[finding("G-6", WARNING)], on_time=None, filed=True)
    assert [d.points for d in late_by_date.deductions] == [20] and late_by_date.notes == ()


def test_unit_that_did_not_file_scores_zero_with_one_reason():
    score = score_unit(load_scorecard(), findings=[finding("R3-1")], on_time=None, filed=False)
    assert score.total == 0
    assert [(d.criterion, d.points) for d in score.deductions] == [("未提交", 100)]


def test_score_rows_join_the_deductions():
    card = load_scorecard()
    scores = [
        ("东山镇人民政府", score_unit(card, findings=[finding("G-4")], on_time=True, filed=True)),
        ("西山乡人民政府", score_unit(card, findings=[], on_time=True, filed=True)),
    ]
    rows = score_rows(scores)
    assert len(SCORE_HEADER) == len(rows[0])
    assert rows[0][:3] == ("东山镇人民政府", "90", "100")
    assert rows[0].deductions == "要素齐全 −10：G-4 存在问题 1 条错误"
    assert rows[1].deductions == "无扣分"


CUSTOM = """\
title: 某县年报考评
criteria:
  - key: tables
    name: 表格
    points: 7.5
    per_finding: 2.5
    errors: [R3-*]
  - key: fees
    name: 收费
    points: 2.5
    warnings: G-5
"""


def test_custom_scorecard(tmp_path: Path):
    path = tmp_path / "考评.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    card = load_scorecard(path)
    assert (card.title, card.full, card.source) == ("某县年报考评", 10, str(path))
    score = score_unit(card, findings=[finding("R3-2"), finding("G-5", WARNING)], on_time=False, filed=True)
    assert score.total == 5 and score.notes == ()  # no on-time criterion: being late costs nothing here
    assert score_rows([("甲", score)])[0].score == "5"
    assert [points_text(p) for p in (100, 7.5, 99.75, 0.0)] == ["100", "7.5", "99.75", "0"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CUSTOM.replace("points: 7.5", "points: 七分"), ["第 5 行", "「points」", "七分"]),
        (CUSTOM.replace("errors: [R3-*]", "errors: [R3-x]"), ["第 7 行", "R3-x", "不是已有的规则编号"]),
        (CUSTOM.replace("per_finding", "per_item"), ["第 6 行", "不认识的字段「per_item」"]),
        (
            CUSTOM.replace("warnings: G-5", "warnings: R6-1"),
            ["第 11 行", "「R6-1」只会是错误，不会是提醒", "「errors」"],
        ),
        (CUSTOM.replace("  - key: fees", "  - key: tables"), ["第 8 行", "代号「tables」重复"]),
        (CUSTOM.replace("    name: 收费\n", ""), ["第 8 行", "缺少「name」"]),
        (CUSTOM.replace("    errors: [R3-*]", "      errors: [R3-*]"), ["第 7 行", "YAML 格式有误"]),
        ("title: 空\ncriteria: []\n", ["第 2 行", "至少有一项"]),
        ("- 1\n- 2\n", ["第 1 行", "考评表应写成"]),
        (CUSTOM + "    on_time: 也许\n", ["第 12 行", "只能写 true（是）或 false（否）"]),
    ],
)
def test_broken_scorecard_is_refused_in_chinese_with_its_line(tmp_path: Path, text: str, expected: list[str]):
    path = tmp_path / "考评.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scorecard(path)
    message = str(caught.value)
    assert message.startswith("考评.yaml：")
    for part in expected:
        assert part in message


def test_missing_scorecard_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="找不到考评表文件"):
        load_scorecard(tmp_path / "没有.yaml")


# --- tables copied forward (X-4, checks/cross_year: the scorecard's 不照搬往年) -----------------------------------------------------------------------


def report_with(year: int, numbers: dict[str, int], fmt=FORMAT_2021) -> Report:
    return ReportBuilder(year, fmt, agency=Agency(name="东山镇人民政府"), numbers=dict(numbers)).build()


FILLED = {"requests.new.natural": 12, "requests.granted.natural": 9, "requests.carry_forward.natural": 3}


def test_every_table_number_equal_to_last_year_is_a_reminder():
    (found,) = same_numbers(report_with(2025, FILLED), report_with(2024, FILLED))
    assert (found.rule, found.severity) == ("X-4", WARNING)
    assert "都与2024年报告完全相同" in found.message and found.operands["不为0的数字"] == 3
    assert found.text().startswith("提醒 [X-4 数字照抄]")


def test_one_number_changed_or_nearly_all_zero_is_not_copying():
    changed = {**FILLED, "requests.new.natural": 13}
    assert same_numbers(report_with(2025, changed), report_with(2024, FILLED)) == []
    few = {"requests.new.natural": 1, "requests.granted.natural": 1}
    assert same_numbers(report_with(2025, few), report_with(2024, few)) == []


def test_unread_cells_are_left_out_and_said():
    this = ReportBuilder(2025, FORMAT_2021, numbers={**FILLED, "requests.new.legal": None}).build()
    (found,) = same_numbers(this, report_with(2024, FILLED))
    assert "另有 1 格有一年没有读到，未比较" in found.message


def test_reports_in_different_formats_are_not_compared():
    assert same_numbers(report_with(2021, FILLED), report_with(2020, FILLED, FORMAT_2019)) == []


# --- real published reports (../shared/corpus) ------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
def test_real_reports_of_different_units_are_not_similar_and_a_renamed_copy_is():
    """Unrelated real reports share 2–16 % of their shingles; one unit's report under another name is 雷同."""
    from generator.inputs.importer import import_report

    hongze = import_report(CORPUS / "hongze-district-2023.pdf")
    units = [("洪泽区人民政府", hongze)]
    units += [
        (name, import_report(CORPUS / f))
        for name, f in (("平潭综合实验区", "pingtan-2021.txt"), ("平潭综合实验区2019", "pingtan-2019.txt"))
    ]
    assert similar_prose(units) == []
    copied = {key: text.replace("洪泽区", "金湖县").replace("洪泽", "金湖") for key, text in hongze.prose.items()}
    units.append(("金湖县人民政府", hongze.evolve(agency=Agency(name="金湖县人民政府"), prose=copied)))
    pairs = similar_prose(units)
    assert {(p.section, p.first, p.second) for p in pairs} == {
        (HEADINGS[0], "洪泽区人民政府", "金湖县人民政府"),
        (HEADINGS[4], "洪泽区人民政府", "金湖县人民政府"),
    }
    assert all(p.ratio == 1.0 and p.sample for p in pairs)
