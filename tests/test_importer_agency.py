"""The agency's name comes from the title, the opening sentence or the 落款, never from the page around
the report (site banner, breadcrumb, accessibility toolbar, 发布机构 field, 「正文」, 「现公布」)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

from generator.inputs.importer import build_report
from generator.inputs.importer.text import items_from_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
BODY = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8").split("\n", 1)[1]
TITLE = "青山镇人民政府2022年政府信息公开工作年度报告"


def imported(head: str):
    return build_report(items_from_text(head + BODY), "page.txt")


@pytest.mark.parametrize(
    "head",
    [
        f"中国政府网重庆市人民政府首页\n{TITLE}\n",
        f"关怀版无障碍无障碍您当前所在位置:首页>乡镇信息公开>青山镇\n{TITLE}\n",
        f"关怀版 无障碍 您当前所在位置:首页>乡镇信息公开>青山镇 {TITLE}\n",
        f"索引号:123 发文日期:2023-01-20 发布机构:青山镇人民政府{TITLE}\n",
        f"现公布{TITLE}\n",
        f"正文\n{TITLE}\n",
        "正文\n2022年政府信息公开工作年度报告\n",
        "— 1 —\n2022年度政府信息公开工作年度报告\n本报告由青山镇人民政府根据《中华人民共和国政府信息公开条例》编制。\n",
        f"-1-{TITLE}\n",
    ],
)
def test_agency_is_never_taken_from_the_page_around_the_report(head):
    report = imported(head)
    assert report.agency.name == "青山镇人民政府"
    assert not [f for f in report.read_findings if f.rule == "I-5"]


def test_title_and_signature_naming_different_agencies_is_said(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("青水镇人民政府2022年政府信息公开工作年度报告\n" + BODY, encoding="utf-8")
    result = run_cli("check", str(path))
    assert "标题中的机关是「青水镇人民政府」，落款是「青山镇人民政府」" in result.out


def test_agency_named_only_in_the_opening_sentence():
    body = BODY.replace("青山镇人民政府\n2023年1月20日\n", "")
    head = "2022年度政府信息公开工作年度报告\n本报告由青山镇人民政府根据《中华人民共和国政府信息公开条例》编制。\n"
    report = build_report(items_from_text(head + body), "page.txt")
    assert report.agency.name == "青山镇人民政府"


def test_no_agency_anywhere_is_said_not_invented():
    body = BODY.replace("青山镇人民政府\n2023年1月20日\n", "")
    report = build_report(items_from_text("正文\n2022年度政府信息公开工作年度报告\n" + body), "page.txt")
    assert report.agency.name == ""
    assert [f for f in report.read_findings if f.rule == "I-5" and f.path == "agency.name"]


# Page starts in the shapes of provincial portals (Zhejiang, Guangdong, Jiangsu, Hunan, Sichuan, Shandong, Henan,
# Yunnan, Gansu, Heilongjiang, Hebei, Guizhou, Guangxi, …): the agency's name in {a}, the report for 2022.
REPORT = "2022年政府信息公开工作年度报告"
PORTALS = [
    (
        "浙江政务服务网 首页 > 政府信息公开 > 法定主动公开内容 > 政府信息公开年报\n{a}"
        + REPORT
        + "\n发布日期：2023-01-15 浏览次数：123 字号：[大 中 小]\n",
        "梅溪镇人民政府",
    ),
    (
        "当前位置： 首页 > 信息公开 > 政府信息公开年报\n{a}"
        + REPORT
        + "\n来源：{a} 发布时间：2023-01-20 10:00:00 【字体：大 中 小】 分享到:\n",
        "石桥街道办事处",
    ),
    (
        "索引号：014000000/2023-00012 分类：政府信息公开年报 发布机构：{a} 生成日期：2023-01-18 文号： 有效性：\n{a}"
        + REPORT
        + "\n",
        "洪山区市场监督管理局",
    ),
    ("信息来源：{a} | 发布时间：2023-01-25 | 【打印】【关闭】\n{a}" + REPORT + "\n", "桂花街道办事处"),
    ("【字体：大 中 小】 打印本页 | 关闭窗口\n标 题：{a}" + REPORT + "\n", "龙泉驿区人民政府办公室"),
    ("{a}\n2023-01-19 分享：\n{a}" + REPORT + "\n", "柳林镇人民政府"),
    ("首页 | 政务公开 | 政府信息公开年报\n2022年度{a}政府信息公开工作年度报告\n", "西华县人民政府"),
    ("{a}\n" + REPORT + "\n", "勐海镇人民政府"),
    (
        "甘肃省人民政府门户网站 当前位置：首页>>政务公开>>年报\n{a}"
        + REPORT
        + "\n作者：  来源：县政府办公室 发布时间：2023-01-30\n",
        "城关镇人民政府",
    ),
    ("发文机关：肇源县人民政府办公室 成文日期：2023-01-20 标 题：{a}" + REPORT + "\n", "新站镇人民政府"),
    ("打印本页 关闭窗口\n【{a}" + REPORT + "】\n", "南宫市人民政府"),
    (
        "您现在的位置：首页 > 政府信息公开 > 法定主动公开内容 > 政府信息公开年报 > 乡镇年报\n{a}"
        + REPORT
        + "\n字体：[ 大 中 小 ] 分享\n",
        "茅坪镇人民政府",
    ),
    (
        "政府信息公开年报\n2022年度政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》规定，现公布{a}"
        "2022年度政府信息公开工作年度报告。\n",
        "三江乡人民政府",
    ),
    ("广西壮族自治区人民政府门户网站>>信息公开\n" + REPORT + "\n本报告根据上级要求，由{a}编制。\n", "平乐镇人民政府"),
    ("主办：XX县人民政府办公室 承办：县大数据中心\n{a}" + REPORT + "\n", "太平镇人民政府"),
    ("网站首页 政务公开 政府信息公开年报\n{a}关于" + REPORT + "\n", "大营镇人民政府"),
]
SIGNATURE = "青山镇人民政府\n2023年1月20日\n"


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "title-only"])
@pytest.mark.parametrize(("head", "agency"), PORTALS, ids=[a for _, a in PORTALS])
def test_portal_page_starts_give_the_agency_and_year_never_the_page_around(head, agency, signed):
    body = BODY.replace(SIGNATURE, f"{agency}\n2023年1月20日\n" if signed else "")
    report = build_report(items_from_text(head.format(a=agency) + body), "page.txt")
    assert (report.agency.name, report.year) == (agency, 2022)
    assert not [f for f in report.read_findings if f.rule == "I-5"]


@pytest.mark.parametrize(
    "head",
    [
        "重庆市綦江区人民政府门户网站 首页>政务公开>政府信息公开年报\n" + REPORT + "\n",
        "索引号：11/2023-1 发布机构：綦江区人民政府办公室 生成日期：2023-01-18\n2022年度政府信息公开工作年度报告\n",
        "中国政府网 重庆市人民政府 綦江区人民政府\n政府信息公开年报\n" + REPORT + "\n",
    ],
)
def test_a_name_only_in_the_page_around_the_report_is_absent_with_a_finding(head):
    body = BODY.replace(SIGNATURE, "").replace("青山镇", "本镇")
    report = build_report(items_from_text(head + body), "page.txt")
    assert report.agency.name == "" and report.year == 2022
    [finding] = [f for f in report.read_findings if f.rule == "I-5" and f.path == "agency.name"]
    assert "没有从标题或落款中找到机关名称" in finding.message
