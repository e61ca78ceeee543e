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


@pytest.mark.parametrize("head", [
    f"中国政府网重庆市人民政府首页\n{TITLE}\n",
    f"关怀版无障碍无障碍您当前所在位置:首页>乡镇信息公开>青山镇\n{TITLE}\n",
    f"关怀版 无障碍 您当前所在位置:首页>乡镇信息公开>青山镇 {TITLE}\n",
    f"索引号:123 发文日期:2023-01-20 发布机构:青山镇人民政府{TITLE}\n",
    f"现公布{TITLE}\n",
    f"正文\n{TITLE}\n",
    "正文\n2022年政府信息公开工作年度报告\n",
    "— 1 —\n2022年度政府信息公开工作年度报告\n本报告由青山镇人民政府根据《中华人民共和国政府信息公开条例》编制。\n",
    f"-1-{TITLE}\n",
])
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
