"""The arithmetic of a roll-up (汇总): sums of sections 二/三/四 over units, and the level's own report against them.

One ``RollUp`` per report year and format sums the units settle accepted (each unit once). A lower
level's roll-up workbook carries a 「汇总数据」 sheet in the roster's layout, so it is itself an input of
a higher level's batch (``read_rollup``). Writing a roll-up out is publish's part (``rollup.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ..checks import check
from ..errors import InputError
from ..findings import ERROR, WARNING, Finding
from ..formats import AMOUNT, FORMATS, Format, outcome_rows
from ..inputs.roster import FIRST_DATA_ROW, HEADER_ROWS, read_layout, report_from_row
from ..prose import title
from ..report import Agency, Report
from ..spreadsheets import load_readonly
from .record import Number, UnitRecord

TABLE_RULES = ("R0-1", "R0-2", "R3-1", "R3-2", "R3-3", "R4-1", "G-2")  # the checker's rules about table numbers
DATA_SHEET = "汇总数据"  # the roll-up as one roster row: what a higher level's batch reads
ROLLUP_LEVEL = "汇总"
KEY_FIGURES = (  # (label, path): what the review page compares with last year
    ("本年新收申请（件）", "requests.new.total"),
    ("予以公开（件）", "requests.granted.total"),
    ("行政许可决定（件）", "active.licensing.decisions"),
    ("行政处罚决定（件）", "active.penalty.decisions"),
    ("行政事业性收费（万元）", "active.fees.amount"),
)
FEES_LABEL = "信息处理费（元）"


def table_findings(report: Report) -> list[Finding]:
    """The table rules of the checker (prose, date and fee rules do not apply to a roll-up)."""
    return [f for f in check(report) if f.rule in TABLE_RULES]


def plain_sum(total: int | Decimal, value: Number) -> int | Decimal:
    """Add a record's JSON number (int, or Decimal as text) to a running total."""
    if value is None:
        return total
    if isinstance(total, Decimal) or isinstance(value, str):
        return total + Decimal(value)
    return total + value


def same_at_printed_precision(mine: int | Decimal, summed: int | Decimal) -> bool:
    """18651.06 printed against a sum of 18651.064104: equal at the two decimals the report prints."""
    if mine == summed:
        return True
    places = [_places(v) for v in (mine, summed) if isinstance(v, Decimal)]
    if not places:
        return False
    quantum = Decimal(1).scaleb(-max(min(places), 0))
    return Decimal(mine).quantize(quantum) == Decimal(summed).quantize(quantum)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


class RollUp:
    """Sums of sections 二/三/四 for one report year and format."""

    def __init__(self, year: int, fmt: Format, name: str = ""):
        self.year, self.fmt, self.name = year, fmt, name or "各单位"
        self.sums: dict[str, int | Decimal] = {
            path: Decimal(0) if fmt.kind_of(path) == AMOUNT else 0 for path in fmt.input_paths
        }
        self.agencies = self.unreadable_cells = 0
        self.fees = Decimal(0)  # 信息处理费, 元
        self.findings: list[Finding] = []
        self.comparisons: list[Finding] = []  # H-1: the level's own report against the sum
        self.draft: tuple[str, ...] = ()  # units with errors in a draft roll-up (--ignore-errors)
        self.stem_name = self.stem(False)

    def add(self, numbers: dict[str, Number], fees: Number = None) -> None:
        self.agencies += 1
        self.fees += Decimal(str(fees or 0))
        for path, value in numbers.items():
            if path not in self.sums:
                continue
            if value is None:
                self.unreadable_cells += 1
            else:
                self.sums[path] = plain_sum(self.sums[path], value)

    def report(self) -> Report:
        return Report(
            year=self.year,
            format=self.fmt,
            agency=Agency(name=self.name, level=ROLLUP_LEVEL),
            declared_format=self.fmt.key,
            numbers=self.sums,
        )

    def checked(self) -> None:
        self.findings = table_findings(self.report()) if self.agencies else []

    def compare(self, own: UnitRecord, complete: bool) -> None:
        """H-1: each cell of the level's own report equals the sum of its units (E when every unit is in the sum)."""
        mine_report = Report(
            year=self.year,
            format=self.fmt,
            numbers={p: plain_sum(0, v) for p, v in (own.numbers or {}).items() if v is not None},
        )
        total = self.report()
        severity = ERROR if complete else WARNING
        why = "" if complete else "（有单位未计入汇总，差额可能由此而来）"
        for path in (*self.fmt.input_paths, *self.fmt.derived_parts):
            mine, summed = mine_report.number(path), total.number(path)
            if mine is None or summed is None or same_at_printed_precision(mine, summed):
                continue
            self.comparisons.append(
                Finding(
                    "H-1",
                    severity,
                    self.fmt.describe(path),
                    f"「{own.name}」本级报告为 {mine}，各单位合计为 {summed}，相差 {mine - summed}{why}。",
                    path=path,
                    operands={"本级报告": mine, "各单位合计": summed},
                    difference=mine - summed,
                )
            )

    def stem(self, clash: bool) -> str:
        return (
            f"汇总-{self.year}年度" + (f"-{self.fmt.key}版格式" if clash else "") + ("（草稿）" if self.draft else "")
        )

    def title(self) -> str:
        return title(self.report(), suffix="数据汇总表")

    def key_figures(self) -> dict[str, int | Decimal | None]:
        return key_figures(self.report(), self.fees)


def key_figures(report: Report, fees: Decimal | None = None) -> dict[str, int | Decimal | None]:
    """The figures a reviewer compares year to year (None: not in this format, or not read)."""
    out: dict[str, int | Decimal | None] = {}
    for label, path in KEY_FIGURES:
        known = path in report.format.input_paths or report.format.is_derived(path)
        out[label] = report.number(path) if known else None
    out[FEES_LABEL] = fees
    return out


def outcome_totals(report: Report) -> dict[str, int]:
    """Section 三's outcomes （一）…（六）, each group summed over its rows (the 总计 column)."""
    out: dict[str, int] = {}
    for row in outcome_rows(report.format.requests):
        label = re.sub(r"^（.）|（.*$", "", row.group)  # 「（二）部分公开（区分…）」 -> 部分公开
        out[label] = out.get(label, 0) + int(report.number(f"requests.{row.key}.total") or 0)
    return out


def excel_number(value: Number | Decimal) -> int | float | None:
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def rollups_of(records: Iterable[UnitRecord], included: set[int], name: str, draft: tuple[str, ...] = ()) -> dict:
    """One roll-up per (year, format) of the included records, named and checked."""
    rollups: dict[tuple[int, str], RollUp] = {}
    for record in records:
        if record.seq in included and record.year is not None and record.format is not None:
            key = (record.year, record.format)
            rollup = rollups.setdefault(key, RollUp(record.year, FORMATS[record.format], name))
            rollup.add(record.numbers or {}, record.fees_amount)
    years = [year for year, _ in rollups]
    for (year, _), rollup in rollups.items():
        rollup.draft = draft
        rollup.stem_name = rollup.stem(years.count(year) > 1)
        rollup.checked()
    return rollups


# --- a roll-up as the input of a higher level ---------------------------------------------------


def is_rollup(path: Path) -> bool:
    try:
        workbook = load_readonly(path)
    except Exception:
        return False
    try:
        return DATA_SHEET in workbook.sheetnames
    finally:
        workbook.close()


def read_rollup(path: Path) -> Report:
    """A roll-up workbook written by a lower level's batch, as one report (the row of its 「汇总数据」 sheet)."""
    workbook = load_readonly(path, data_only=True)
    try:
        rows = list(workbook[DATA_SHEET].iter_rows(values_only=True, max_row=FIRST_DATA_ROW))
    finally:
        workbook.close()
    if len(rows) <= HEADER_ROWS:
        raise InputError(f"{path.name}：工作表「{DATA_SHEET}」中没有汇总数据，请用 nianbao batch 重新生成这份汇总表。")
    layout = replace(read_layout(rows[:HEADER_ROWS]), sheet=DATA_SHEET)
    return report_from_row(layout, FIRST_DATA_ROW, rows[HEADER_ROWS])
