"""校验结果.xlsx: the reviewer's workbook — one row per unit, every finding, files set aside, the roll-ups' checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from ..findings import ERROR, WARNING
from .record import UnitRecord
from .settle import DUPLICATE, FAILED, HAS_ERRORS, LATE, MISSING, NOT_LISTED, PASSED, Filing
from .sheets import SEVERITY_FILLS, finding_row, findings_sheet, finish_table, save, table_sheet, text_cells
from .sums import RollUp

FILL_IN_RULES = ("G-3",)  # "please add text" reminders: listed after the real problems
STATUS_FILLS = {
    PASSED: "E2EFDA",
    HAS_ERRORS: "F8CBAD",
    FAILED: "F4B084",
    MISSING: "D9D9D9",
    NOT_LISTED: "D9E1F2",
    DUPLICATE: "FFE699",
    LATE: "FCE4D6",
}
UNIT_HEADER = (
    "序号",
    "机关名称",
    "单位代码",
    "状态",
    "说明",
    "错误",
    "提醒",
    "联系人",
    "联系电话",
    "采用的数据",
    "发布日期",
    "计入汇总",
    "本次处理",
    "输出文件夹",
    "输出文件",
    "与上次运行相比",
)
UNIT_WIDTHS = (6, 28, 14, 12, 60, 6, 6, 10, 16, 24, 12, 8, 14, 24, 50, 12)
FINDING_HEADER = ("序号", "机关名称", "数据来源", "规则", "类别", "位置", "说明", "相关数值", "差值")
FINDING_WIDTHS = (6, 28, 16, 8, 8, 48, 70, 40, 8)
Extra = tuple[str, tuple[str, ...], tuple[int, ...], list[list[Any]]]  # (sheet, header, widths, rows)


def batch_workbook(
    records: Iterable[UnitRecord],
    filing: Filing,
    rollups: dict[Any, RollUp],
    matches: list[list[str]],
    extra: Iterable[Extra] = (),
) -> bytes:
    """One row per unit (status, counts, contact), every finding (errors first), files set aside, checks."""
    workbook = Workbook(write_only=True)
    number_of = _units_sheet(table_sheet(workbook.create_sheet("各单位"), UNIT_HEADER, UNIT_WIDTHS, True), filing)
    _findings(table_sheet(workbook.create_sheet("问题明细"), FINDING_HEADER, FINDING_WIDTHS, True), records, number_of)
    if filing.set_aside:
        sheet = table_sheet(workbook.create_sheet("未读取的文件"), ("文件", "原因和处理办法"), (40, 90))
        for item in filing.set_aside:
            sheet.append(text_cells(sheet, [item.source, item.reason], fill=SEVERITY_FILLS[WARNING]))
        finish_table(sheet, 2, len(filing.set_aside))
    checks = [(r.title(), f) for r in rollups.values() for f in r.findings + r.comparisons]
    findings_sheet(workbook.create_sheet("汇总校验"), checks)
    if matches:
        sheet = table_sheet(
            workbook.create_sheet("跨年度匹配"), ("本年单位", "数据来源", "上年单位", "匹配方式"), (28, 16, 28, 40)
        )
        for row in matches:
            sheet.append(text_cells(sheet, row, fill=None if row[2] else SEVERITY_FILLS[WARNING]))
        finish_table(sheet, 4, len(matches))
    for title, header, widths, rows in extra:
        sheet = table_sheet(workbook.create_sheet(title), header, widths)
        for row in rows:
            sheet.append(text_cells(sheet, row))
        finish_table(sheet, len(header), len(rows))
    return save(workbook)


def _units_sheet(sheet: Any, filing: Filing) -> dict[int, tuple[int | str, str]]:
    number_of: dict[int, tuple[int | str, str]] = {}
    for number, unit in enumerate(filing.units, start=1):
        chosen = unit.chosen
        for sub in unit.submissions:
            number_of[sub.seq] = (number, unit.title)
        row = [
            number,
            unit.title,
            unit.code,
            unit.status,
            "；".join(unit.notes),
            chosen and chosen.errors,
            chosen and chosen.warnings,
            unit.contact,
            unit.phone,
            chosen and chosen.source,
            chosen and chosen.published and f"{chosen.published:%Y-%m-%d}",
            "是" if unit.included else "否",
            chosen.processed if chosen else "",
            chosen.folder if chosen else "",
            "\n".join(chosen.files) if chosen else "",
            chosen.change if chosen else "",
        ]
        sheet.append(
            text_cells(sheet, row, fill=STATUS_FILLS.get(unit.status), fill_column=3, fit=(number + 1, UNIT_WIDTHS))
        )
    for total in filing.totals:
        number_of[total.seq] = ("本级", total.name)
    finish_table(sheet, len(UNIT_HEADER), len(filing.units))
    return number_of


def _findings(sheet: Any, records: Iterable[UnitRecord], number_of: dict[int, tuple[int | str, str]]) -> None:
    rows = 0
    for group in (ERROR, WARNING, "fill-in"):  # errors first; "please add text" reminders last
        for record in records:
            number, name = number_of.get(record.seq, ("", record.name))
            for f in record.findings:
                kind = "fill-in" if f["rule"] in FILL_IN_RULES else f["severity"]
                if kind == group:
                    rows += 1
                    values = [number, name, record.source, *finding_row(f)]
                    sheet.append(text_cells(sheet, values, fill=SEVERITY_FILLS[group], fit=(rows + 1, FINDING_WIDTHS)))
    finish_table(sheet, len(FINDING_HEADER), rows)
