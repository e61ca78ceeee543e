"""Reminders that hold on real reports: G-3 by the report year's own format and by content, the usual
no-fee wordings (G-5), a township's missing 规章 row (fixed at 0) a reminder rather than an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks import check
from generator.findings import ERROR, WARNING
from generator.inputs.importer import build_report
from generator.inputs.importer.text import items_from_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEXT = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8")
OVERVIEW = "（二）依申请公开\n本年度共收到政府信息公开申请33件，办结32件，其中予以公开11件、部分公开2件。\n"


def imported(text: str):
    return build_report(items_from_text(text), "report.txt")


def g3(report) -> set[str]:
    return {f.path for f in check(report) if f.rule == "G-3"}


def test_g3_asks_a_2021_format_report_for_the_three_topics():
    assert g3(imported(TEXT)) == {"prose.overview.management", "prose.overview.platform", "prose.overview.supervision"}


def test_g3_does_not_ask_a_2019_format_report_for_the_2021_topics():
    text = TEXT.replace("青山镇人民政府2022年", "青山镇人民政府2020年").replace("2023年1月20日", "2021年1月20日")
    report = imported(text)
    assert report.year == 2020
    assert g3(report) == set()


@pytest.mark.parametrize(
    ("added", "covered"),
    [
        ("（三）完善政务新媒体公开工作\n本年度更新公众号信息52条。\n", "prose.overview.platform"),
        ("三是完善公开平台，及时更新政务公开专栏。\n", "prose.overview.platform"),
        ("（五）加强监督考核\n将政务公开纳入年度考核。\n", "prose.overview.supervision"),
    ],
)
def test_g3_recognises_a_topic_by_its_content(added, covered):
    report = imported(TEXT.replace(OVERVIEW, OVERVIEW + added))
    assert covered not in g3(report)
    assert g3(report)  # the other topics are still asked for


@pytest.mark.parametrize(
    "wording",
    ["本年度我局未产生信息公开处理费。", "本年度未产生政府信息公开处理费。", "我镇本年度没有收取信息处理费。"],
)
def test_g5_accepts_the_usual_no_fee_wordings(wording):
    report = imported(TEXT.replace("本年度未收取信息处理费。", wording))
    assert report.fees.collected is False
    assert not [f for f in check(report) if f.rule == "G-5"]


def test_g5_still_reminds_when_fees_are_not_mentioned():
    report = imported(TEXT.replace("本年度未收取信息处理费。", "无。"))
    assert [f for f in check(report) if f.rule == "G-5"]


def test_township_without_the_rules_row_gets_a_reminder_not_an_error():
    report = imported(TEXT.replace("规章(设区的市、自治州人民政府应提供相关数据)\t0\t0\t0\n", ""))
    [finding] = [f for f in report.read_findings if f.path == "active.rules"]
    assert finding.rule == "I-1" and finding.severity == WARNING and "不制定规章" in finding.message
    assert report.number("active.rules.issued") is None  # not printed: not read, not invented
    assert not [f for f in check(report) if f.severity == ERROR and f.path.startswith("active.rules")]


def test_city_without_the_rules_row_is_still_an_error():
    text = TEXT.replace("规章(设区的市、自治州人民政府应提供相关数据)\t0\t0\t0\n", "")
    report = imported(text.replace("青山镇人民政府", "青山市人民政府"))
    [finding] = [f for f in report.read_findings if f.path == "active.rules"]
    assert finding.severity == ERROR
