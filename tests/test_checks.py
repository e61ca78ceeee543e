import copy

import pytest
from conftest import BROKEN, BUSY, MEIYANG, YINGLIN, example_dict, report_of, rules_of
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks import check, cross_year
from generator.formats import FORMAT_2021, outcome_rows
from generator.inputs.datafile import report_from_dict


def test_good_examples_pass_every_rule():
    for path in (BUSY, YINGLIN, MEIYANG):
        assert check(report_of(example_dict(path))) == []


def test_broken_example_reports_every_problem():
    findings = check(report_of(example_dict(BROKEN)))
    assert rules_of(findings) >= {"R0-1", "R0-2", "R3-1", "R3-3", "G-3", "G-4", "G-5", "R2-1", "T-1", "G-6"}
    r31 = next(f for f in findings if f.rule == "R3-1")
    assert r31.operands == {"新收": 4, "上年结转": 0, "办理结果总计": 3, "结转下年度": 0}
    assert r31.difference == 1 and "自然人" in r31.where
    assert {f.severity for f in findings if f.rule in ("R3-1", "R3-3", "G-4")} == {"E"}


def test_r3_1_names_each_unbalanced_column(busy_dict):
    busy_dict["requests"]["new"]["commercial"] = 5
    busy_dict["requests"]["carried_over"]["legal"] = 2
    findings = [f for f in check(report_of(busy_dict)) if f.rule == "R3-1"]
    assert sorted(f.where.split("「")[1].rstrip("」") for f in findings) == ["商业企业", "法律服务机构"]


def test_typed_totals_r3_2_r3_3_r4_1(busy_dict):
    busy_dict["requests"]["total_processed"] = {"natural": 12}
    busy_dict["requests"]["granted"]["total"] = 9
    busy_dict["requests"]["partial"]["total"] = 3
    busy_dict["appeals"]["review"]["total"] = 3
    findings = check(report_of(busy_dict))
    by_rule = {f.rule: f for f in findings}
    assert set(by_rule) == {"R3-2", "R3-3", "R4-1"}
    assert by_rule["R3-2"].operands == {"填写的总计": 12, "分项之和": 13}
    assert by_rule["R3-3"].path == "requests.partial.total" and by_rule["R3-3"].difference == 1
    assert by_rule["R4-1"].operands == {"填写的总计": 3, "分项之和": 2}


def test_g2_format_of_the_wrong_year(busy_dict):
    busy_dict["format"] = "2019"
    busy_dict["active"] = {}
    for group in ("other_1", "other_2", "other_3"):
        busy_dict["requests"].pop(group, None)
    busy_dict["requests"]["other"] = {"natural": 1}
    findings = check(report_of(busy_dict))
    assert [f.rule for f in findings if f.severity == "E"] == ["G-2"]


def test_r2_1_only_for_townships(busy_dict):
    busy_dict["active"]["rules"] = {"issued": 1, "repealed": 0, "in_force": 1}
    assert "R2-1" in rules_of(check(report_of(busy_dict)))
    busy_dict["agency"]["level"] = "县"
    busy_dict["agency"]["name"] = "某县人民政府"
    assert "R2-1" not in rules_of(check(report_of(busy_dict)))


def test_g5_and_r3_5_fees(busy_dict):
    del busy_dict["fees"]
    busy_dict["requests"]["other_2"] = {"natural": 1}
    busy_dict["requests"]["other_1"] = {}
    findings = check(report_of(busy_dict))
    assert {"G-5", "R3-5"} <= rules_of(findings)
    busy_dict["prose"]["other"] = "本年度未收取信息处理费。"
    assert not {"G-5", "R3-5"} & rules_of(check(report_of(busy_dict)))


def test_t1_prose_against_tables(busy_dict):
    overview = busy_dict["prose"]["overview"]
    overview["requests"] = (
        "本年度共收到政府信息公开申请15件，办结17件。未发生政府信息公开行政诉讼。行政复议案件均获维持。"
    )
    t1 = [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]
    said = sorted(f.operands["正文"] for f in t1)
    assert len(t1) == 3
    assert any("15件" in s for s in said) and any("行政诉讼" in s for s in said) and any("维持" in s for s in said)


def test_g6_publication_deadline(busy_dict):
    busy_dict["publication_date"] = "2026-02-10"
    g6 = [f for f in check(report_of(busy_dict)) if f.rule == "G-6"]
    assert g6 and g6[0].difference == 10
    assert not [f for f in check(report_of(busy_dict), deadline=(2, 28)) if f.rule == "G-6"]


def test_cross_year_x1_x2_t2():
    last = report_of(example_dict(BUSY))
    this_data = example_dict(BUSY)
    this_data["year"] = 2026
    this_data["publication_date"] = "2027-01-15"
    this_data["requests"]["carried_over"] = {"natural": 1}  # = last year's carry_forward: fine
    this_data["active"]["normative_docs"] = {"issued": 2, "repealed": 0, "in_force": 13}  # 12 + 2 - 0 = 14
    findings = cross_year(report_of(this_data), last)
    assert [f.rule for f in findings if f.rule not in ("T-2", "X-3")] == ["X-2"]
    assert findings[0].difference == -1
    assert {"T-2", "X-3"} <= rules_of(findings)  # the prose was copied, section by section and as a whole
    x3 = next(f for f in findings if f.rule == "X-3")
    assert x3.operands["全文相似度"] > 0.5 and x3.operands["扣分线"] == 0.5


def test_x3_x4_not_raised_for_a_rewritten_report_with_new_numbers():
    last = report_of(example_dict(BUSY))
    this_data = example_dict(BUSY)
    this_data["year"] = 2026
    this_data["prose"] = {"problems": "一是公开平台栏目更新不够及时。下一步将加强栏目巡查，完善更新机制。"}
    this_data["requests"]["carried_over"] = {"natural": 1}
    assert not {"X-3", "X-4"} & rules_of(cross_year(report_of(this_data), last))


def test_x4_every_table_number_the_same_as_last_year():
    last = report_of(example_dict(BUSY))
    this_data = example_dict(BUSY)
    this_data["year"] = 2026
    x4 = [f for f in cross_year(report_of(this_data), last) if f.rule == "X-4"]
    assert len(x4) == 1 and "全部" in x4[0].message
    this_data["requests"]["new"]["natural"] += 1  # one number differs: not raised
    assert not [f for f in cross_year(report_of(this_data), last) if f.rule == "X-4"]


def test_t1_received_and_carried_over_written_separately(busy_dict):
    busy_dict["requests"]["new"] = {"natural": 4}
    busy_dict["requests"]["carried_over"] = {"natural": 1}
    busy_dict["prose"]["overview"]["requests"] = "共收到政府信息公开申请5件，上年结转1件。"
    t1 = [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]
    assert len(t1) == 1 and "收到政府信息公开申请5件" in t1[0].operands["正文"] and t1[0].difference == 1
    busy_dict["prose"]["overview"]["requests"] = "共收到政府信息公开申请5件（含上年结转1件）。"
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "T-1" and "收到" in f.operands["正文"]]
    busy_dict["prose"]["overview"]["requests"] = "共收到政府信息公开申请4件，上年结转2件。"
    t1 = [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]
    assert [f.operands["正文"] for f in t1] == ["上年结转2件"]


def test_t1_answered_is_the_processed_total_but_not_a_listed_result(busy_dict):
    report = report_of(busy_dict)
    processed = report.requests_total("total_processed")
    busy_dict["prose"]["overview"]["requests"] = f"全年答复{processed + 2}件。"
    t1 = [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]
    assert len(t1) == 1 and t1[0].difference == 2
    busy_dict["prose"]["overview"]["requests"] = "其中11件办结，8件撤销。"
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]


@pytest.mark.parametrize("text", ["无", "暂无问题。", "一是信息发布不够及时。二是解读形式单一。"])
def test_g7_section_five_states_problems_and_measures(busy_dict, text):
    busy_dict["prose"]["problems"] = text
    g7 = [f for f in check(report_of(busy_dict)) if f.rule == "G-7"]
    assert len(g7) == 1 and g7[0].path == "prose.problems"


def test_g7_not_raised_for_problems_with_measures(busy_report):
    assert not [f for f in check(busy_report) if f.rule == "G-7"]


def test_t5_a_year_from_another_report_next_to_this_years_words(busy_dict):
    busy_dict["prose"]["overview"]["intro"] = "2023年，本街道坚持以公开为常态。全年收到申请16件。"
    t5 = [f for f in check(report_of(busy_dict)) if f.rule == "T-5"]
    assert len(t5) == 1 and t5[0].operands["年份"] == ["2023年"]
    busy_dict["prose"]["overview"]["intro"] = "2025年，本街道坚持以公开为常态，较2024年增加3件，自2019年起设立专栏。"
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "T-5"]


def test_g6_deadline_by_kind_of_report(busy_dict):
    busy_dict["publication_date"] = f"{busy_dict['year'] + 1}-03-01"
    assert [f.rule for f in check(report_of(busy_dict)) if f.rule == "G-6"] == ["G-6"]  # a 街道: 1月31日
    busy_dict["agency"].update(name="江宁区人民政府", short_name="我区", level="区")
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "G-6"]  # a 区 government's own: 3月31日
    busy_dict["publication_date"] = f"{busy_dict['year'] + 1}-04-02"
    g6 = [f for f in check(report_of(busy_dict)) if f.rule == "G-6"]
    assert g6 and g6[0].difference == 2 and "县级以上人民政府" in g6[0].message


# --- property-based: derived totals and single corrupted cells --------------------------------

REQ = FORMAT_2021.requests
COLS = [c.key for c in REQ.input_columns]
OUTCOMES = [r.key for r in outcome_rows(REQ)]
counts = st.integers(min_value=0, max_value=500)


@st.composite
def balanced_requests(draw):
    """Random section 三 and 四 numbers that satisfy R3-1 by construction (carry_forward absorbs the rest)."""
    requests = {}
    for col in COLS:
        outcomes = {row: draw(counts) for row in OUTCOMES}
        forward = draw(counts)
        carried = draw(st.integers(0, sum(outcomes.values()) + forward))
        new = sum(outcomes.values()) + forward - carried
        for row, value in [("new", new), ("carried_over", carried), ("carry_forward", forward), *outcomes.items()]:
            requests.setdefault(row, {})[col] = value
    appeals = {
        g: {c: draw(counts) for c in ("upheld", "corrected", "other", "pending")}
        for g in ("review", "litigation_direct", "litigation_after_review")
    }
    return requests, appeals


def _data(requests, appeals):
    data = example_dict(BUSY)
    data["requests"], data["appeals"] = copy.deepcopy(requests), copy.deepcopy(appeals)
    data["prose"]["overview"]["requests"] = ""
    return data


@settings(max_examples=60, deadline=None)
@given(balanced_requests())
def test_derived_totals_satisfy_every_rule(numbers):
    report = report_from_dict(_data(*numbers))
    for col in [*COLS, "total"]:
        n = lambda row: report.number(f"requests.{row}.{col}")  # noqa: E731
        assert n("new") + n("carried_over") == n("total_processed") + n("carry_forward")
        assert n("total_processed") == sum(n(r) for r in OUTCOMES)
    for row in REQ.rows:
        assert report.number(f"requests.{row.key}.total") == sum(report.number(f"requests.{row.key}.{c}") for c in COLS)
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = sum(report.number(f"appeals.{group}.{c}") for c in ("upheld", "corrected", "other", "pending"))
        assert report.number(f"appeals.{group}.total") == parts
    assert not [f for f in check(report) if f.severity == "E"]


@settings(max_examples=60, deadline=None)
@given(
    balanced_requests(),
    st.sampled_from(["new", "carried_over", "carry_forward", *OUTCOMES]),
    st.sampled_from(COLS),
    st.integers(1, 50),
)
def test_one_corrupted_cell_is_named(numbers, row, col, delta):
    requests, appeals = numbers
    requests[row][col] += delta
    findings = [f for f in check(report_from_dict(_data(requests, appeals))) if f.severity == "E"]
    assert [f.rule for f in findings] == ["R3-1"]
    assert f"列「{REQ.column(col).label}」" in findings[0].where
    assert abs(findings[0].difference) == delta


@settings(max_examples=40, deadline=None)
@given(balanced_requests(), st.sampled_from([r.key for r in REQ.rows]), st.integers(1, 50))
def test_one_corrupted_typed_total_is_named(numbers, row, delta):
    requests, appeals = numbers
    report = report_from_dict(_data(requests, appeals))
    requests.setdefault(row, {})["total"] = report.number(f"requests.{row}.total") + delta
    findings = [f for f in check(report_from_dict(_data(requests, appeals))) if f.severity == "E"]
    assert len(findings) == 1 and findings[0].path == f"requests.{row}.total"
    assert findings[0].rule == ("R3-2" if row == "total_processed" else "R3-3")


@settings(max_examples=30, deadline=None)
@given(
    balanced_requests(),
    st.sampled_from(["new", *OUTCOMES]),
    st.sampled_from(COLS),
    st.sampled_from(["abc", "-3", "1.5", "=A1+1"]),
)
def test_unreadable_cell_is_named(numbers, row, col, bad):
    requests, appeals = numbers
    requests[row][col] = bad
    findings = [f for f in check(report_from_dict(_data(requests, appeals))) if f.severity == "E"]
    assert [f.rule for f in findings] == ["R0-1"]
    assert findings[0].path == f"requests.{row}.{col}"


def test_local_guidance_is_off_unless_asked_for(busy_report):
    from generator.checks import Guidance

    assert not {"D-1", "D-2"} & rules_of(check(busy_report))
    on = check(busy_report, guidance=Guidance(enabled=True))
    l1 = [f for f in on if f.rule == "D-1"]
    assert len(l1) == 1 and l1[0].operands["要求"] == 1000 and l1[0].operands["字数"] < 800
    assert not [f for f in check(busy_report, guidance=Guidance(True, 300)) if f.rule == "D-1"]
    assert not [f for f in check(busy_report, guidance=Guidance(True, 0)) if f.rule == "D-1"]


def test_l2_a_sub_part_of_the_overview_without_any_figure(busy_dict):
    from generator.checks import Guidance

    busy_dict["prose"]["overview"]["supervision"] = "将政务公开纳入考核，邀请居民代表开展社会评议。"
    busy_dict["prose"]["overview"]["platform"] = "依托专栏发布信息620条。"
    l2 = [f for f in check(report_of(busy_dict), guidance=Guidance(True)) if f.rule == "D-2"]
    assert [f.path for f in l2] == ["prose.overview.supervision"]


def test_local_guidance_from_the_command_line(tmp_path):
    from helpers import run_cli

    plain = run_cli("check", str(BUSY))
    assert "D-1" not in plain.out
    asked = run_cli("check", str(BUSY), "--local-guidance")
    assert "[D-1 总体情况字数]" in asked.out and "约 1000 字" in asked.out
    assert "约 1200 字" in run_cli("check", str(BUSY), "--overview-length", "1200").out
