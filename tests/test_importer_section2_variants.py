"""Section 二 as real pages print it: captions without the second 第, a broken column label, cells run
together, 其他对外管理服务事项 split into sub-rows (not added up: the official row is not their sum)."""

from __future__ import annotations

from pathlib import Path

from generator.findings import ERROR
from generator.inputs.importer import build_report
from generator.inputs.importer.text import items_from_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEXT = (FIXTURES / "units-2019.txt").read_text(encoding="utf-8")
EXPECTED = {
    "active.rules.made": 0,
    "active.normative_docs.total_public": 9,
    "active.licensing.prev_items": 40,
    "active.licensing.change": 2,
    "active.licensing.decisions": 156,
    "active.other_services.prev_items": 3,
    "active.other_services.decisions": 11,
    "active.penalty.decisions": 20,
}


def imported(*changes: tuple[str, str]):
    text = TEXT
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return build_report(items_from_text(text), "report.txt")


def numbers(report) -> dict:
    return {p: report.number(p) for p in EXPECTED}


def test_caption_without_the_second_di_and_half_width_brackets():
    report = imported(("第二十条第(一)项", "第二十条(一)项"), ("第二十条第(五)项", "第二十条(五)项"))
    assert numbers(report) == EXPECTED
    assert [f for f in report.read_findings if f.rule == "G-1" and "第二十条第（一）项" in f.message]


def test_broken_column_label():
    report = imported(
        ("上一年项目数量\t本年增/减\t处理决定数量\n行政许可", "上一年项目数量\t本年增/\t处理决定数量\n行政许可")
    )
    assert numbers(report) == EXPECTED


def test_cells_run_together():
    report = imported(("规章\t0\t0\t0", "规章000"))
    assert numbers(report) == EXPECTED


def test_other_services_split_into_sub_rows_is_not_summed():
    report = imported(("其他对外管理服务事项\t3\t0\t11", "其他对外管理服务事项\n行政检查\t2\t0\t6\n行政确认\t1\t0\t5"))
    assert all(report.number(f"active.other_services.{c}") is None for c in ("prev_items", "change", "decisions"))
    [finding] = [f for f in report.read_findings if f.path == "active.other_services"]
    assert (
        finding.severity == ERROR and "「行政检查」、「行政确认」" in finding.message and "不能相加" in finding.message
    )
    assert report.number("active.licensing.decisions") == 156
