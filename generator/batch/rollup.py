"""The roll-up (汇总) of the units a batch accepted, across levels.

One ``RollUp`` per report year and format sums sections 二/三/四 of the units the filing status
accepted (each unit once, never a duplicate, never one with errors). Its workbook carries a
「汇总数据」 sheet in the roster's layout, so a county's roll-up is itself an input of a city's batch
(roll-up of roll-ups). When the level's own report is among the inputs, it is compared with the sum
cell by cell (H-1), with the difference.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from ..checks import check
from ..findings import ERROR, WARNING, Finding
from ..formats import AMOUNT, FORMATS, Format, outcome_rows
from ..outputs import write_atomic
from ..prose import title
from ..report import Agency, Report

TABLE_RULES = ("R0-1", "R0-2", "R3-1", "R3-2", "R3-3", "R4-1", "G-2")  # the checker's rules about table numbers
DATA_SHEET = "汇总数据"  # the roll-up as one roster row: what a higher level's batch reads
ROLLUP_LEVEL = "汇总"
KEY_FIGURES = (  # (label, path): what the review page compares with last year
    ("本年新收申请", "requests.new.total"),
    ("予以公开", "requests.granted.total"),
    ("行政许可决定", "active.licensing.decisions"),
    ("行政处罚决定", "active.penalty.decisions"),
    ("行政事业性收费（万元）", "active.fees.amount"),
)
FEES_LABEL = "信息处理费（元）"


def table_findings(report: Report) -> list[Finding]:
    """The table rules of the checker (prose, date and fee rules do not apply to a roll-up)."""
    return [f for f in check(report) if f.rule in TABLE_RULES]


def plain_sum(total, value):
    """Add a record's JSON number (int, or Decimal as text) to a running total."""
    return total + (Decimal(value) if isinstance(total, Decimal) or isinstance(value, str) else value)


class RollUp:
    """Sums of sections 二/三/四 for one report year and format."""

    def __init__(self, year: int, fmt: Format, name: str = ""):
        self.year, self.fmt, self.name = year, fmt, name or "各单位"
        self.sums = {path: Decimal(0) if fmt.kind_of(path) == AMOUNT else 0 for path in fmt.input_paths}
        self.agencies = self.unreadable_cells = 0
        self.fees = Decimal(0)  # 信息处理费, 元
        self.findings: list[Finding] = []
        self.comparisons: list[Finding] = []  # H-1: the level's own report against the sum
        self.stem_name = self.stem(False)

    def add(self, record: dict) -> None:
        self.agencies += 1
        self.fees += Decimal(str(record.get("fees_amount") or 0))
        for path, value in record["numbers"].items():
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

    def compare(self, record: dict, complete: bool) -> None:
        """H-1: each cell of the level's own report equals the sum of its units (E when every unit is in the sum)."""
        own = Report(
            year=self.year,
            format=self.fmt,
            numbers={p: plain_sum(0, v) for p, v in record["numbers"].items() if v is not None},
        )
        total = self.report()
        severity = ERROR if complete else WARNING
        why = "" if complete else "（有单位未计入汇总，差额可能由此而来）"
        for path in (*self.fmt.input_paths, *self.fmt.derived_parts):
            mine, summed = own.number(path), total.number(path)
            if mine is None or summed is None or mine == summed:
                continue
            self.comparisons.append(
                Finding(
                    "H-1",
                    severity,
                    self.fmt.describe(path),
                    f"「{record['name']}」本级报告为 {mine}，各单位合计为 {summed}，相差 {mine - summed}{why}。",
                    path=path,
                    operands={"本级报告": mine, "各单位合计": summed},
                    difference=mine - summed,
                )
            )

    def stem(self, clash: bool) -> str:
        return f"汇总-{self.year}年度" + (f"-{self.fmt.key}版格式" if clash else "")

    def title(self) -> str:
        return title(self.report(), suffix="数据汇总表")

    def key_figures(self) -> dict[str, int | Decimal | None]:
        return key_figures(self.report(), self.fees)

    def write(self, spool, included: set[int], output: Path, targets, *, note: str, charts: list[str]) -> list[Path]:
        paths = [write_atomic(output / f"{self.stem_name}.xlsx", self._workbook(spool, included, note), force=True)]
        html = self.html(note, charts)
        paths.append(write_atomic(output / f"{self.stem_name}.html", html, force=True))
        if "pdf" in targets:
            from ..render.pdf import html_to_pdf

            paths.append(write_atomic(output / f"{self.stem_name}.pdf", html_to_pdf(html), force=True))
        return paths

    def html(self, note: str, charts: tuple[str, ...] | list[str] = ()) -> str:
        """The roll-up page (also the PDF): title, note, the three tables, its findings, then the charts."""
        from ..document import BODY, TABLE, TITLE, Block
        from ..render.html import render_blocks
        from ..tables import all_grids

        grids = all_grids(self.report())
        blocks = [Block(TITLE, self.title()), Block(BODY, note)]
        for heading, key in zip(self.fmt.headings[1:4], ("active", "requests", "appeals"), strict=True):
            blocks.append(Block(TABLE, heading, grids[key]))
        blocks += [Block(BODY, f.text()) for f in self.findings + self.comparisons]
        page = render_blocks(self.title(), blocks)
        if not charts:
            return page
        figures = "".join(charts)
        style = (
            "<style>.charts figure{margin:12pt 0;break-inside:avoid}"
            ".charts figcaption{font-size:10pt;line-height:1.4;text-align:left;text-indent:0}</style>"
        )
        return page.replace("</article>", f'<section class="charts">{style}{figures}</section>\n</article>', 1)

    def _workbook(self, spool, included: set[int], note: str) -> bytes:
        from openpyxl import Workbook

        from ..inputs.roster import RosterColumn, roster_columns, roster_row, write_header
        from .report import findings_sheet, grid_sheet, text_cells

        workbook = Workbook(write_only=True)
        grid_sheet(workbook.create_sheet("汇总表"), self.report(), self.title(), note)
        details = workbook.create_sheet("单位明细")
        columns = [RosterColumn("name", "单位", "机关名称", "text"), RosterColumn("status", "单位", "状态", "text")]
        columns += [c for c in roster_columns(self.fmt) if c.key in self.sums]
        write_header(details, columns, freeze="C3")
        for record in spool:
            if record["seq"] in included and (record["year"], record["format"]) == (self.year, self.fmt.key):
                numbers = record["numbers"]
                details.append(
                    text_cells(
                        details,
                        [record["name"], record["status"], *(excel_number(numbers.get(c.key)) for c in columns[2:])],
                    )
                )
        findings_sheet(workbook.create_sheet("汇总校验"), [(self.title(), f) for f in self.findings + self.comparisons])
        data = workbook.create_sheet(DATA_SHEET)
        columns = roster_columns(self.fmt)
        write_header(data, columns, freeze="B3")
        data.append(text_cells(data, roster_row(self.report(), columns)))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


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


def excel_number(value):
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


# --- a roll-up as the input of a higher level ---------------------------------------------------


def is_rollup(path: Path) -> bool:
    from ..spreadsheets import load_readonly

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
    from ..errors import InputError
    from ..inputs.roster import FIRST_DATA_ROW, HEADER_ROWS, read_layout, report_from_row
    from ..spreadsheets import load_readonly

    workbook = load_readonly(path, data_only=True)
    try:
        rows = list(workbook[DATA_SHEET].iter_rows(values_only=True, max_row=FIRST_DATA_ROW))
    finally:
        workbook.close()
    if len(rows) <= HEADER_ROWS:
        raise InputError(f"{path.name}：工作表「{DATA_SHEET}」中没有汇总数据，请用 nianbao batch 重新生成这份汇总表。")
    layout = replace(read_layout(rows[:HEADER_ROWS]), sheet=DATA_SHEET)
    return report_from_row(layout, FIRST_DATA_ROW, rows[HEADER_ROWS])


def rollups_of(records, included: set[int], name: str) -> dict[tuple, RollUp]:
    """One roll-up per (year, format) of the included records, named and checked."""
    rollups: dict[tuple, RollUp] = {}
    for record in records:
        if record["seq"] in included:
            key = (record["year"], record["format"])
            rollups.setdefault(key, RollUp(record["year"], FORMATS[record["format"]], name)).add(record)
    years = [year for year, _ in rollups]
    for (year, _), rollup in rollups.items():
        rollup.stem_name = rollup.stem(years.count(year) > 1)
        rollup.checked()
    return rollups
