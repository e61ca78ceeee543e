"""照搬 of last year's tables: every number of this year's report equal to last year's (rule L-2).

Beside T-2 (prose copied from last year) this catches the table copied forward. Only cells read in both
years are compared; a report with fewer than ``MIN_NONZERO`` non-zero cells (a township with no requests
and nothing issued twice running) is not suspicious, and reports in different formats are not compared.
"""

from __future__ import annotations

from ..findings import WARNING, Finding
from ..report import Report

RULE = "L-2"
MIN_NONZERO = 3


def same_numbers(report: Report, previous: Report) -> list[Finding]:
    """One reminder when every number read in both years' tables is the same (and enough are not 0)."""
    if report.format.key != previous.format.key:
        return []
    paths = report.format.input_paths
    compared = [p for p in paths if p in report.numbers and p in previous.numbers]
    if not compared or any(report.numbers[p] != previous.numbers[p] for p in compared):
        return []
    nonzero = sum(1 for p in compared if report.numbers[p])
    if nonzero < MIN_NONZERO:
        return []
    unread = len(paths) - len(compared)
    note = f"，另有 {unread} 格有一年没有读到、未比较" if unread else ""
    return [
        Finding(
            RULE,
            WARNING,
            "全部表格",
            f"表格中的 {len(compared)} 个数字与{previous.year}年报告完全相同（其中 {nonzero} 个不为 0{note}）："
            "请核对是否照搬了上年的表格，按本年度的实际情况填写。",
            operands={"相同的格数": len(compared), "不为0的格数": nonzero, "未比较的格数": unread},
        )
    ]
