"""Last year's report settles cells run together (`check --previous`): this year's 现行有效件数 is last year's
plus 制发 minus 废止, this year's 上年结转 is last year's 结转下年度. Without it, no guess."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli

from generator.findings import ERROR, WARNING
from generator.inputs.importer import import_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEXT = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8")
RUN_TOGETHER = TEXT.replace("规范性文件\t3\t1\t12", "行政规范性文件\t3512")  # 3 制发, 5 废止, 12 现行有效


def files(tmp_path) -> tuple[Path, Path]:
    this, last = tmp_path / "2022.txt", tmp_path / "2021.txt"
    this.write_text(RUN_TOGETHER, encoding="utf-8")
    last_year = TEXT.replace("2022年", "2021年").replace("2023年1月20日", "2022年1月20日")
    last.write_text(last_year.replace("规范性文件\t3\t1\t12", "行政规范性文件\t2\t0\t14"), encoding="utf-8")
    return this, last


def test_run_together_stock_row_is_not_read_without_last_year(tmp_path):
    this, _ = files(tmp_path)
    report = import_report(this)
    assert report.number("active.normative_docs.in_force") is None
    [finding] = [f for f in report.read_findings if f.path == "active.normative_docs"]
    assert finding.rule == "I-7" and finding.severity == ERROR and "3 5 12" in finding.message


def test_last_years_stock_settles_the_split(tmp_path):
    this, last = files(tmp_path)
    report = import_report(this, previous=import_report(last))
    assert [report.number(f"active.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [3, 5, 12]
    [finding] = [f for f in report.read_findings if f.rule == "I-7"]
    assert finding.severity == WARNING and "上年报告" in finding.message


def test_check_previous_on_the_command_line(tmp_path):
    import json

    this, last = files(tmp_path)
    result = run_cli("check", str(this), "--previous", str(last), "--json")
    findings = json.loads(result.out)["findings"]
    [split] = [f for f in findings if f["rule"] == "I-7"]
    assert split["severity"] == WARNING and "上年报告" in split["message"]
    assert not [f for f in findings if f["path"].startswith("active.normative_docs") and f["severity"] == ERROR]
    assert not [f for f in findings if f["rule"] == "X-2"]  # 14 + 3 − 5 = 12: the years agree
