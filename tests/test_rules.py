"""The rule registry and ``nianbao rules``; the checker's rules T-3 (自称), A-1 (联系方式) and R6-1 (收费矛盾)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, report_of, rules_of

from generator.app.cli import main
from generator.checks import check
from generator.findings import ERROR, WARNING, Finding
from generator.inputs import load_report
from generator.rules import RULES

ID = re.compile(r"""["']([A-Z]\d?-\d+)["']""")  # 「"R3-1"」 however it is passed: Finding("…", self.add("…", rule="…"


def test_every_rule_id_the_code_can_emit_is_in_the_registry():
    emitted = {i for path in (ROOT / "generator").rglob("*.py") for i in ID.findall(path.read_text(encoding="utf-8"))}
    assert {"R3-1", "F-2", "I-6", "T-3", "A-1", "R6-1"} <= emitted, "the scan sees the ids"
    assert emitted - set(RULES) == set(), "add these ids to generator/rules.py"


def test_every_rule_is_named_explained_and_documented():
    documented = set(re.findall(r"\b([A-Z]\d?-\d+)\b", (ROOT / "docs" / "data-file.md").read_text(encoding="utf-8")))
    for rule in RULES.values():
        assert 2 <= len(rule.name) <= 6 and rule.description and rule.example, rule.id
        assert rule.id in documented, f"{rule.id} is not in docs/data-file.md"


def test_a_finding_shows_its_rule_name_beside_the_id():
    finding = Finding("R3-1", ERROR, "三 · 列「自然人」", "相差 1。")
    assert finding.text() == "错误 [R3-1 列平衡] 三 · 列「自然人」：相差 1。"
    stage = Finding("读取", ERROR, "甲镇.xlsx", "无法打开。")  # a batch stage, not a rule: no name
    assert stage.text() == "错误 [读取] 甲镇.xlsx：无法打开。"


def test_rules_command_lists_every_rule_with_an_example(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in RULES.values():
        assert f"{rule.id} {rule.name}（{rule.severity}）：{rule.description}" in out and f"例：{rule.example}" in out
    assert main(["rules", "t-3", "R6-1"]) == 0
    out = capsys.readouterr().out
    assert "T-3 自称" in out and "R6-1 收费矛盾" in out and "R3-1" not in out
    assert main(["rules", "Z-9"]) == 2
    assert "没有编号为 Z-9 的规则" in capsys.readouterr().err


def test_check_prints_the_names(capsys):
    assert main(["check", str(ROOT / "examples" / "错误示例-2022.yaml")]) == 1
    out = capsys.readouterr().out
    assert "错误 [R3-1 列平衡]" in out and "提醒 [G-6 发布日期]" in out


# --- T-3 self-reference ------------------------------------------------------------------------


def t3(data: dict) -> list[Finding]:
    return [f for f in check(report_of(data)) if f.rule == "T-3"]


def test_t3_another_units_self_reference_in_the_prose(busy_dict):
    busy_dict["prose"]["overview"]["platform"] = "我镇依托区政府门户网站发布信息。"  # 青石街道办事处: 本街道
    [finding] = t3(busy_dict)
    assert finding.severity == WARNING and finding.path == "prose.overview.platform"
    assert "「我镇」" in finding.message and "「本街道」" in finding.message
    assert "（四）政府信息公开平台建设" in finding.where


def test_t3_the_short_name_that_generated_sentences_use(busy_dict):
    busy_dict["agency"].update(name="英林镇人民政府", level="镇", short_name="我乡")
    busy_dict["prose"]["overview"]["intro"] = "2025年，我镇坚持以公开为常态。"
    found = {f.path: f for f in t3(busy_dict)}
    assert "应自称「我镇」" in found["agency.short_name"].message and "「我乡」" in found["agency.short_name"].message
    assert "prose.overview.intro" not in found
    assert "「本街道」" in found["prose.other"].message  # the rest of the text still speaks as the street office


def test_t3_is_silent_about_parents_and_look_alike_words(busy_dict):
    busy_dict["prose"]["overview"]["intro"] = (
        "按照我区统一部署，本街道稳步推进公开工作，基本局面良好；本市要求的成本镇级核算已落实。"
    )
    assert t3(busy_dict) == []


def test_t3_without_a_kind_in_the_name_two_self_references_disagree(busy_dict):
    busy_dict["agency"].update(name="青石片区管理处", level="", short_name="我镇")
    busy_dict["prose"]["problems"] = "我乡存在的问题是栏目更新不及时。"
    [finding] = t3(busy_dict)
    assert "「我乡」、「我镇」" in finding.message


def test_t3_on_a_real_published_report():
    """Seed 003, a 镇 report that says 「通过我局网站」 (copied from a bureau's report)."""
    findings = [f for f in check(load_report(ROOT / "tests" / "seeds" / "003_61ac6397b4392e83.txt")) if f.rule == "T-3"]
    assert findings and "「我局」" in findings[0].message and "町店镇人民政府" in findings[0].message


# --- A-1 contact details -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("postcode", "21110", "6 位数字"),
        ("postcode", "邮编211100", "6 位数字"),
        ("phone", "025-5210", "区号加号码"),
        ("phone", "电话025-52100000", "区号加号码"),
        ("email", "qsjd＠example.gov.cn", "半角"),
        ("email", "qsjd@example", "name@example.gov.cn"),
    ],
)
def test_a1_contact_details_of_the_wrong_shape(busy_dict, key, value, words):
    busy_dict["agency"][key] = value
    [finding] = [f for f in check(report_of(busy_dict)) if f.rule == "A-1"]
    assert finding.path == f"agency.{key}" and f"「{value}」" in finding.message and words in finding.message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("postcode", "２１１１００"),
        ("phone", "4379316"),
        ("phone", "（0595）85481241"),
        ("phone", "025-52100000转8001"),
        ("phone", "13912345678、025-52100000"),
        ("phone", "12345"),
        ("phone", "400-800-1234"),
        ("email", "a.b-c@mail.jiangning.gov.cn"),
    ],
)
def test_a1_accepts_the_usual_ways_of_writing_them(busy_dict, key, value):
    busy_dict["agency"][key] = value
    assert "A-1" not in rules_of(check(report_of(busy_dict)))


# --- R6-1 fees ---------------------------------------------------------------------------------


def test_r6_1_an_amount_while_not_collected(busy_dict):
    busy_dict["fees"] = {"collected": False, "amount": 50, "cases": 2}
    busy_dict["prose"]["other"] = "本年度未收取信息处理费。"
    findings = check(report_of(busy_dict))
    assert rules_of(findings) == {"R6-1"}, "one finding: not also a T-1 about the prose"
    assert findings[0].severity == ERROR and "金额 50元、件数 2件" in findings[0].message


@pytest.mark.parametrize(
    "fees", [{"collected": False, "amount": 0}, {"collected": True, "amount": 50, "cases": 1}, {"collected": False}]
)
def test_r6_1_is_silent_when_the_two_agree(busy_dict, fees):
    busy_dict["fees"] = fees
    assert "R6-1" not in rules_of(check(report_of(busy_dict)))


@pytest.mark.parametrize(
    ("field", "value", "severity"),
    [
        ("short_name", "本街道本街道", "E"),
        ("name", "青石街道办事处青石街道办事处", "E"),
        ("name", "城关街道办事处东湖街道办事处", "W"),
    ],
)
def test_t4_a_name_typed_twice_is_a_finding(busy_dict, field, value, severity):
    busy_dict["agency"][field] = value
    found = [f for f in check(report_of(busy_dict)) if f.rule == "T-4"]
    assert len(found) == 1 and found[0].severity == severity and value in found[0].message


def test_t4_a_doubled_self_name_in_the_prose_is_a_finding(busy_dict):
    busy_dict["prose"]["problems"] = "本街道本街道认真贯彻落实条例，改进公开工作。"
    found = [f for f in check(report_of(busy_dict)) if f.rule == "T-4"]
    assert [f.path for f in found] == ["prose.problems"] and "本街道本街道" in found[0].message


def test_t4_names_written_once_are_not_a_finding(busy_report):
    assert not [f for f in check(busy_report) if f.rule == "T-4"]
