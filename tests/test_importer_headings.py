"""A heading is a heading where the text around it agrees: found with a stray leading character or a
markdown marker, and not taken from a rotated table header run into a row label."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks import check
from generator.findings import ERROR
from generator.inputs.importer import build_report
from generator.inputs.importer.text import items_from_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEXT = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8")
PROBLEMS = "依申请公开答复规范性有待提高。"


def imported(old: str, new: str):
    assert old in TEXT
    return build_report(items_from_text(TEXT.replace(old, new)), "report.txt")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("六、其他需要报告的事项", "l六、其他需要报告的事项"),  # OCR noise
        ("五、存在的主要问题及改进情况", "|五、存在的主要问题及改进情况"),
        ("五、存在的主要问题及改进情况", "## 五、存在的主要问题及改进情况"),  # markdown heading
        ("四、政府信息公开行政复议", "### 四、政府信息公开行政复议"),
    ],
)
def test_heading_with_stray_leading_characters_is_found(old, new):
    report = imported(old, new)
    assert report.prose["problems"] == PROBLEMS
    assert report.prose["other"] == "本年度未收取信息处理费。"
    assert report.fees.collected is False
    assert report.number("appeals.review.total") == 2
    assert not [f for f in check(report) if f.severity == ERROR]


def test_rotated_header_run_into_a_row_label_is_no_section():
    report = imported("（三）不予公开\t1.属于国家秘密", "三、本法提供\n（三）不予公开\t1.属于国家秘密")
    assert not [f for f in report.read_findings if f.rule in ("I-8", "I-1", "G-1") and f.severity == ERROR]
    assert report.number("requests.denied_5.natural") == 1
    assert report.number("appeals.review.total") == 2
    assert report.prose["problems"] == PROBLEMS


@pytest.mark.parametrize("section_3", ["本年度收到申请33件（表格见附件）。", "\x01[图片]", ""])
def test_missing_table_3_never_hides_table_4(section_3):
    head, rest = TEXT.split("三、收到和处理政府信息公开申请情况\n")
    _, tail = rest.split("四、政府信息公开行政复议、行政诉讼情况\n")
    text = f"{head}三、收到和处理政府信息公开申请情况\n{section_3}\n四、政府信息公开行政复议、行政诉讼情况\n{tail}"
    report = build_report(items_from_text(text), "report.txt")
    assert report.number("appeals.review.total") == 2 and report.number("appeals.litigation_direct.upheld") == 0
    [missing] = [f for f in report.read_findings if f.rule == "I-1"]
    assert missing.path == "requests"
    assert report.prose["problems"] == PROBLEMS
