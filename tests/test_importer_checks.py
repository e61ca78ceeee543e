"""The checker on what a published report gives: cells not read are "could not be checked" (never an
arithmetic error), T-1 catches what reviewers catch in the prose, G-5 accepts the usual no-fee wordings,
and a data file written by ``import`` keeps the printed totals and the cells it could not read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import BUSY, report_of
from helpers import run_cli

from generator.checks import check, cross_year
from generator.findings import ERROR, WARNING
from generator.inputs.datafile import dump_yaml, read_data_file
from generator.inputs.importer import import_report
from generator.report import ReportBuilder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
ARITHMETIC = ("R3-1", "R3-2", "R3-3", "R4-1")


def by_rule(findings, rule) -> list:
    return [f for f in findings if f.rule == rule]


# --- 1. no false arithmetic -------------------------------------------------------------------------


def changed(report, unread=(), totals=None, prose=None):
    """The report with some cells not read, some totals printed and some prose replaced."""
    builder = ReportBuilder.from_report(report)
    builder.numbers.update(dict.fromkeys(unread))
    builder.typed_totals.update(totals or {})
    builder.prose.update(prose or {})
    return builder.build()


def test_unread_cells_are_could_not_be_checked_once_per_rule(busy_report):
    report = changed(
        busy_report,
        unread=("requests.granted.natural", "requests.unable_1.commercial", "appeals.review.pending"),
        totals={
            "requests.granted.total": 9,
            "appeals.review.total": 2,
            "requests.total_processed.natural": 13,
            "requests.new.total": 16,
        },
    )
    findings = check(report)
    assert not [f for f in findings if f.rule in ARITHMETIC and f.severity == ERROR]
    unchecked = {f.rule: f for f in findings if f.rule in ARITHMETIC}
    assert set(unchecked) == set(ARITHMETIC) and all(f.severity == WARNING for f in unchecked.values())
    # R3-1 runs on the printed （七）总计 where an outcome was not read: 自然人 is checked, 商业企业 is not.
    assert unchecked["R3-1"].operands["无法校验"] == ["列「商业企业」"]
    assert unchecked["R3-1"].operands["未读取"] == ["requests.unable_1.commercial"]
    assert unchecked["R3-3"].operands["未读取"] == ["requests.granted.natural"]
    assert unchecked["R4-1"].operands["未读取"] == ["appeals.review.pending"]
    assert "「行政复议」 · 「尚未审结」" in unchecked["R4-1"].message


def test_r3_1_uses_the_printed_processed_total_and_still_finds_a_real_imbalance(busy_report):
    report = changed(
        busy_report, unread=("requests.granted.natural",), totals={"requests.total_processed.natural": 11}
    )  # printed; 一 + 二 = 14 ≠ 11 + 1
    [error] = [f for f in check(report) if f.rule == "R3-1" and f.severity == ERROR]
    assert "自然人" in error.where and error.difference == 2


def test_without_printed_totals_a_data_file_needs_no_could_not_be_checked(busy_report):
    assert not [f for f in check(busy_report) if f.rule in ARITHMETIC]


# --- 3. T-1 and G-5 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prose,claims",
    [
        (
            "本年度共收到政府信息公开申请16件，办结17件，其中予以公开9件、部分公开2件、不予公开1件、无法提供3件、不予处理1件、"
            "其他处理1件，结转下年度继续办理1件。发生行政复议2件、行政诉讼1件。",
            [],
        ),
        ("本年度共收到政府信息公开\n申请15件。", ["收到政府信息公开申请15件"]),
        ("本年度共收到15件\n申请。", ["收到15件申请"]),
        ("予以公开及部分公开10件。", ["予以公开及部分公开10件"]),
        ("予以公开9件，部分公开3件。", ["部分公开3件"]),
        (
            "不予公开2件，无法提供4件，不予处理2件，其他处理2件。",
            ["不予公开2件", "无法提供4件", "不予处理2件", "其他处理2件"],
        ),
        (
            "办结10件，其中予以公开6件、部分公开5件。",
            ["办结10件", "予以公开6件", "部分公开5件", "办结10件，其中予以公开6件、部分公开5件"],
        ),
        ("2件结转下年度办理。", ["2件结转下年"]),
        ("发生政府信息公开行政复议3件。", ["行政复议3件"]),
        ("行政复议结果维持1件、尚未审结1件。", []),
        ("本年度未收到政府信息公开申请。", ["本年度未收到政府信息公开申请。"]),
        ("本年度未发生政府信息公开行政诉讼。", ["未发生政府信息公开行政诉讼"]),
    ],
)
def test_t1_compares_claims_in_the_prose_with_the_tables(busy_dict, prose, claims):
    busy_dict["prose"]["overview"]["requests"] = prose
    found = [f.operands["正文"] for f in by_rule(check(report_of(busy_dict)), "T-1")]
    assert found == claims


def test_t1_says_nothing_about_a_table_cell_that_was_not_read(busy_report):
    report = changed(
        busy_report,
        unread=("requests.new.natural", "requests.granted.legal", "appeals.review.upheld"),
        prose={"overview.requests": "本年度共收到政府信息公开申请99件，予以公开99件，发生行政复议9件。"},
    )
    assert not by_rule(check(report), "T-1")


@pytest.mark.parametrize(
    "statement",
    [
        "2022年，无收取信息处理费情况。",
        "本年度未发生收费情况。",
        "全年收取政府信息公开信息处理费 0 元。",
        "未收取任何政府信息公开费用。",
    ],
)
def test_g5_accepts_the_usual_no_fee_wordings(busy_dict, statement):
    busy_dict.pop("fees")
    busy_dict["prose"]["other"] = statement
    assert not by_rule(check(report_of(busy_dict)), "G-5")


def test_g5_still_asks_when_no_fee_statement_is_made(busy_dict):
    busy_dict.pop("fees")
    busy_dict["prose"]["other"] = "申请人逾期未按收费通知要求缴纳费用的，不再处理。"
    assert by_rule(check(report_of(busy_dict)), "G-5")


# --- 4. what was published is kept ------------------------------------------------------------------


def _spoiled_report(tmp_path) -> Path:
    """A published report whose printed totals are wrong (R3-2, R3-3, R4-1) and with one blank cell."""
    text = (FIXTURES / "text-tabs-blank-last-cell.txt").read_text(encoding="utf-8")
    text = text.replace("（七）总计\t30\t0\t0\t0\t2\t0\t32", "（七）总计\t29\t0\t0\t0\t2\t0\t32")
    text = text.replace("（一）予以公开\t10\t0\t0\t0\t1\t0\t11", "（一）予以公开\t10\t0\t0\t0\t1\t0\t12")
    text = text.replace("\t1\t0\t0\t1\t2\t0\t1\t0\t0\t1\t", "\t1\t0\t0\t1\t0\t0\t1\t0\t0\t1\t")
    path = tmp_path / "published.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _arithmetic(findings) -> list:
    return sorted((f.rule, f.severity, f.path) for f in findings if f.rule in ARITHMETIC)


def test_import_writes_the_printed_totals_and_the_unread_cells(tmp_path):
    published = import_report(_spoiled_report(tmp_path))
    data = tmp_path / "data.yaml"
    data.write_text(dump_yaml(published), encoding="utf-8")
    written = yaml.safe_load(data.read_text(encoding="utf-8"))["requests"]
    assert written["granted"]["total"] == 12 and written["carried_over"]["total"] is None
    again = read_data_file(data)
    assert again.number("active.rules.in_force") is None and "requests.carried_over.total" in again.unread
    before, after = _arithmetic(check(published)), _arithmetic(check(again))
    assert before == after
    assert {rule for rule, severity, _ in before if severity == ERROR} == {"R3-2", "R3-3", "R4-1"}


def test_null_in_a_data_file_is_not_read_and_a_blank_string_stays_zero(busy_dict):
    busy_dict["requests"]["granted"]["natural"] = None
    busy_dict["requests"]["granted"]["commercial"] = ""
    report = report_of(busy_dict)
    assert report.number("requests.granted.natural") is None and report.number("requests.granted.commercial") == 0
    blanks = {f.path: f for f in report.read_findings if f.rule == "R0-2"}
    assert "不按 0 计算" in blanks["requests.granted.natural"].message
    findings = check(report)
    assert not [f for f in findings if f.rule in ARITHMETIC and f.severity == ERROR and "natural" in f.path]
    # 商业企业 is off by 2; 自然人 could not be checked
    assert sorted(f.severity for f in by_rule(findings, "R3-1")) == [ERROR, WARNING]


def test_cli_import_then_check_finds_the_same_defects(tmp_path):
    data = tmp_path / "published.yaml"
    done = run_cli("import", _spoiled_report(tmp_path), "-o", data)
    assert done.code == 1 and data.exists(), done.err
    checked = run_cli("check", data)
    assert checked.code == 1
    for rule in ("[R3-2 ", "[R3-3 ", "[R4-1 "):
        assert rule in done.out and rule in checked.out


def test_series_of_published_reports_finds_x2_and_no_false_x1(tmp_path):
    """Two years imported from published text: 现行有效 does not roll forward (X-2); 上年结转 agrees (no X-1),
    and a blank 上年结转 cell is not compared."""
    last = FIXTURES / "text-tabs-blank-last-cell.txt"  # 2022: 结转下年度 自然人 2, 行政规范性文件 现行有效 12
    this = tmp_path / "2023.txt"
    this.write_text(
        last.read_text(encoding="utf-8")
        .replace("2022年", "2023年")
        .replace("行政规范性文件\t3\t1\t12", "行政规范性文件\t3\t1\t15")
        .replace(
            "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t",
            "二、上年结转政府信息公开申请数量\t2\t0\t0\t0\t\t0\t",
        ),
        encoding="utf-8",
    )
    findings = cross_year(import_report(this), import_report(last))
    assert [f.path for f in by_rule(findings, "X-2")] == ["active.normative_docs.in_force"]
    assert by_rule(findings, "X-2")[0].difference == 1  # 12 + 3 − 1 = 14, printed 15
    assert not by_rule(findings, "X-1")


# --- 5. messages a reviewer can act on --------------------------------------------------------------

NOT_FOR_READERS = re.compile(r"None|\d[eE][+-]?\d|Error|Exception|Traceback|\(\d+, \d+, \d+\)")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith("pdf-")))
def test_messages_have_no_python_words_or_scientific_numbers(name):
    report = import_report(FIXTURES / name)
    for finding in check(report):
        assert not NOT_FOR_READERS.search(finding.where + finding.message), finding.text()


def test_a_blank_total_is_called_blank_not_zero(tmp_path):
    report = import_report(_spoiled_report(tmp_path))
    text = "\n".join(f.text() for f in check(report) if "carried_over" in f.path or "上年结转" in f.message)
    assert "空白" in text and "总计为 0" not in text


def test_busy_example_is_unchanged_by_these_rules():
    assert not [f for f in check(read_data_file(BUSY)) if f.rule in (*ARITHMETIC, "T-1", "G-5")]
