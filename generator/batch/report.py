"""The end of a batch: filing status, roll-ups, 校验结果.xlsx, 审核报告.html and the summary on screen.

Everything is written from the spool of agency records, streamed in input order; what is kept in memory
per unit is its status and its findings' counts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EXIT_FINDINGS, EXIT_OK
from ..findings import ERROR, SEVERITY_NAMES, WARNING, Finding, has_errors
from ..outputs import write_atomic
from ..spreadsheets import put_text
from .rollup import RollUp, excel_number, rollups_of
from .status import DUPLICATE, HAS_ERRORS, LATE, MISSING, PASSED, STATUSES, Expected, Filing, build_filing, submission

BATCH_REPORT = "校验结果.xlsx"
REVIEW_PAGE = "审核报告.html"
SHOWN_ON_SCREEN = 20
FILL_IN_RULES = ("G-3",)  # "please add text" reminders: listed after the real problems
STATUS_FILLS = {PASSED: "E2EFDA", HAS_ERRORS: "F8CBAD", MISSING: "D9D9D9", DUPLICATE: "FFE699", LATE: "FCE4D6"}
SEVERITY_FILLS = {ERROR: "F8CBAD", WARNING: "FFF2CC", "fill-in": "EDEDED"}


@dataclass
class RunInfo:
    """What the end of a run needs besides the spool."""

    output: Path
    targets: tuple[str, ...]
    elapsed: float
    jobs: int
    expected: list[Expected] | None = None
    deadline: tuple[int, int] = (1, 31)
    name: str = ""
    changed: dict[str, float] = field(default_factory=dict)  # file name -> modification time
    previous: dict | None = None  # last year's index summary (see batch.index_previous)


def finish_batch(spool, info: RunInfo) -> int:
    """Write the batch report, the roll-ups and the review page, print the summary; return the exit code."""
    subs, parents = [], []
    for record in spool:
        subs.append(submission(record, info.deadline, info.changed.get(record["source"], 0.0)))
        parents.append(record.get("parent") or "")
    filing = build_filing(subs, info.expected, info.name, parents)
    rollups = rollups_of(spool, filing.included, filing.name)
    complete = all(u.included for u in filing.units)
    for total in filing.totals:
        record = spool.get(total.seq)
        rollup = rollups.get((record["year"], record["format"]))
        if rollup and record.get("numbers"):
            rollup.compare(record, complete)
    from .review import county_charts, new_applications, review_page

    per_unit: dict[tuple, list] = {}
    for record in spool:
        if record["seq"] in filing.included:
            key = (record["year"], record["format"])
            per_unit.setdefault(key, []).append((record["name"], new_applications(record)))
    last_years = (info.previous or {}).get("rollups", {})
    notes = {key: rollup_note(r, filing) for key, r in rollups.items()}
    charts = {key: county_charts(r, per_unit.get(key, []), last_years.get(r.year - 1)) for key, r in rollups.items()}
    files = [
        path
        for key, r in rollups.items()
        for path in r.write(spool, filing.included, info.output, info.targets, note=notes[key], charts=charts[key])
    ]
    write_atomic(info.output / BATCH_REPORT, batch_workbook(spool, filing, rollups, info.previous), force=True)
    write_atomic(info.output / REVIEW_PAGE, review_page(spool, filing, rollups, notes, charts, info=info), force=True)
    print_summary(spool, filing, rollups, files, info)
    bad = filing.count(HAS_ERRORS) + filing.count(MISSING)
    rollup_errors = any(has_errors(r.findings + r.comparisons) for r in rollups.values())
    return EXIT_FINDINGS if bad or rollup_errors or not rollups else EXIT_OK


def rollup_note(rollup: RollUp, filing: Filing) -> str:
    """What the roll-up holds and what it leaves out (every unit not summed is counted, with the reason)."""
    text = f"本表汇总了{rollup.agencies}个单位的第二、三、四部分数据（统计期限{rollup.year}年1月1日至12月31日）。"
    left_out = [(HAS_ERRORS, "个单位的数据有错误或无法读取"), (MISSING, "个应报单位未提交")]
    parts = [f"{filing.count(status)}{words}" for status, words in left_out if filing.count(status)]
    unlisted = sum(not u.listed for u in filing.units)
    if unlisted:
        parts.append(f"{unlisted}个单位不在应报单位名单中")
    if parts:
        text += f"未计入：{'；'.join(parts)}（见{BATCH_REPORT}）；改正后重新运行即可得到完整的汇总。"
    duplicates = filing.duplicates
    if duplicates:
        text += f"{len(duplicates)}个单位重复提交，每个单位只计入一次。"
    if rollup.unreadable_cells:
        text += f"有{rollup.unreadable_cells}个无法识别的数字未计入。"
    return text


# --- 校验结果.xlsx -------------------------------------------------------------------------------

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
)
UNIT_WIDTHS = (6, 28, 14, 12, 60, 6, 6, 10, 16, 24, 12, 8, 12, 24, 50)
FINDING_HEADER = ("序号", "机关名称", "数据来源", "规则", "类别", "位置", "说明", "相关数值", "差值")
FINDING_WIDTHS = (6, 28, 16, 8, 8, 48, 70, 40, 8)
CHECK_HEADER = ("汇总表", *FINDING_HEADER[3:])
CHECK_WIDTHS = (40, 8, 6, 48, 70, 40, 8)


def processed(record: dict) -> str:
    """What this run did with the agency: never 「本次生成」 for one that produced nothing."""
    if record.get("skipped"):
        return "已完成，跳过"
    return "本次生成" if record.get("written") else "未生成"


def batch_workbook(spool, filing: Filing, rollups: dict, previous: dict | None) -> bytes:
    """One row per unit (status, counts, contact), every finding (errors first), the roll-ups' checks."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    records = {r["seq"]: (processed(r), r["folder"], "\n".join(r.get("files") or {})) for r in spool}
    sheet = table_sheet(workbook.create_sheet("各单位"), UNIT_HEADER, UNIT_WIDTHS)
    number_of: dict[int, tuple[int | str, str]] = {}
    for number, unit in enumerate(filing.units, start=1):
        chosen = unit.chosen
        done, folder, outputs = records[chosen.seq] if chosen else ("", "", "")
        for sub in unit.submissions:
            number_of[sub.seq] = (number, unit.name)
        row = [
            number,
            unit.name,
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
            done,
            folder,
            outputs,
        ]
        sheet.append(
            text_cells(sheet, row, fill=STATUS_FILLS.get(unit.status), fill_column=3, fit=(number + 1, UNIT_WIDTHS))
        )
    for total in filing.totals:
        number_of[total.seq] = ("本级", total.name)
    finish_table(sheet, len(UNIT_HEADER), len(filing.units))
    details = table_sheet(workbook.create_sheet("问题明细"), FINDING_HEADER, FINDING_WIDTHS)
    rows = 0
    for group in (ERROR, WARNING, "fill-in"):  # errors first; "please add text" reminders last
        for record in spool:
            number, name = number_of.get(record["seq"], ("", record.get("name") or ""))
            for f in record["findings"]:
                kind = "fill-in" if f["rule"] in FILL_IN_RULES else f["severity"]
                if kind == group:
                    rows += 1
                    details.append(
                        text_cells(
                            details,
                            [
                                number,
                                name,
                                record["source"],
                                f["rule"],
                                SEVERITY_NAMES[f["severity"]],
                                f["where"],
                                f["message"],
                                operands(f["operands"]),
                                f["difference"],
                            ],
                            fill=SEVERITY_FILLS[group],
                            fit=(rows + 1, FINDING_WIDTHS),
                        )
                    )
    finish_table(details, len(FINDING_HEADER), rows)
    checks = [(r.title(), f) for r in rollups.values() for f in r.findings + r.comparisons]
    findings_sheet(workbook.create_sheet("汇总校验"), checks)
    if previous:
        _previous_sheet(workbook.create_sheet("跨年度匹配"), spool, previous)
    return save(workbook)


def _previous_sheet(sheet, spool, previous: dict) -> None:
    table_sheet(sheet, ("本年单位", "数据来源", "上年单位", "匹配方式"), (28, 16, 28, 40))
    rows = 0
    for record in spool:
        if not record.get("name"):
            continue
        found = record.get("previous")
        sheet.append(
            text_cells(
                sheet,
                [
                    record["name"],
                    record["source"],
                    found and found["name"],
                    f"按{found['by']}" if found else "上年数据中没有找到",
                ],
                fill=None if found else SEVERITY_FILLS[WARNING],
            )
        )
        rows += 1
    for name in unmatched_last_year(spool, previous):
        sheet.append(text_cells(sheet, ["", "", name, "本年没有对应的单位"], fill=SEVERITY_FILLS[WARNING]))
        rows += 1
    finish_table(sheet, 4, rows)


def text_cells(
    sheet,
    values,
    fill: str | None = None,
    fill_column: int | None = None,
    fit: tuple[int, tuple[int, ...]] | None = None,
) -> list:
    """Write-only cells; every string through ``put_text`` (never a formula), optionally coloured.

    ``fit`` = (sheet row, column widths): the row is made tall enough for its wrapped text.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, PatternFill

    if fit:
        row, widths = fit
        lines = max(
            (
                sum(-(-2 * len(part) // max(width - 1, 1)) or 1 for part in value.split("\n"))
                for value, width in zip(values, widths, strict=False)
                if isinstance(value, str)
            ),
            default=1,
        )
        sheet.row_dimensions[row].height = 15 * min(lines, 20)
    cells = []
    for i, value in enumerate(values):
        cell = WriteOnlyCell(sheet)
        put_text(cell, value)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if fill and fill_column in (None, i):
            cell.fill = PatternFill("solid", fgColor=fill)
        cells.append(cell)
    return cells


def table_sheet(sheet, header, widths):
    """Bold header row, frozen; columns sized."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"  # printed: A4 across, one page wide
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cells.append(cell)
    sheet.append(cells)
    return sheet


def finish_table(sheet, columns: int, rows: int) -> None:
    """An autofilter over the header and the ``rows`` written."""
    from openpyxl.utils import get_column_letter

    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def findings_sheet(sheet, findings: list[tuple[str, Finding]]) -> None:
    table_sheet(sheet, CHECK_HEADER, CHECK_WIDTHS)
    for title, f in sorted(findings, key=lambda item: item[1].severity != ERROR):
        d = f.as_dict()
        sheet.append(
            text_cells(
                sheet,
                [
                    title,
                    d["rule"],
                    SEVERITY_NAMES[d["severity"]],
                    d["where"],
                    d["message"],
                    operands(d["operands"]),
                    d["difference"],
                ],
                fill=SEVERITY_FILLS[d["severity"]],
            )
        )
    finish_table(sheet, len(CHECK_HEADER), len(findings))


def operands(values: dict) -> str:
    return "；".join(f"{k}={v}" for k, v in (values or {}).items())


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the roll-up sheet ---------------------------------------------------------------------------

GRID_WIDTHS = (28, 18, 36) + (12,) * 12  # Excel column widths of the roll-up sheet (about 2 units per 汉字)


def grid_sheet(sheet, report, title: str, note: str) -> None:
    """The three tables of the roll-up, drawn from the same grids as the reports, with their merges."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from ..tables import Cell, all_grids

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(GRID_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # print one page wide
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.append(text_cells(sheet, [title]))
    sheet.append(text_cells(sheet, [note]))
    row = 3  # sheet row of the next line
    for heading, grid in zip(report.format.headings[1:4], all_grids(report).values(), strict=True):
        sheet.append([WriteOnlyCell(sheet, heading)])
        row += 1
        cover: list[list[Cell | None]] = [[None] * grid.ncols for _ in range(grid.nrows)]
        for cell in grid.cells:
            cover[cell.row][cell.col] = cell
            if cell.rowspan > 1 or cell.colspan > 1:
                last = f"{get_column_letter(cell.col + cell.colspan)}{row + cell.row + cell.rowspan - 1}"
                sheet.merged_cells.add(f"{get_column_letter(cell.col + 1)}{row + cell.row}:{last}")
        for r, line in enumerate(cover):
            sheet.row_dimensions[row + r].height = 15 * _lines(grid, r)
            cells = []
            for item in line:
                anchor = item is not None and (item.row, item.col) == (r, line.index(item))
                value = (
                    None
                    if item is None or not anchor
                    else (excel_number(report.number(item.path)) if item.path else item.text)
                )
                c = WriteOnlyCell(sheet, value)
                c.border = border
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                c.font = Font(bold=bool(item and item.header))
                cells.append(c)
            sheet.append(cells)
        row += grid.nrows + 1
        sheet.append([])


def _lines(grid, r: int) -> int:
    """Text lines the tallest single-row cell of grid row ``r`` needs at the sheet's column widths."""
    needed = 1
    for cell in grid.cells:
        if cell.row == r and cell.rowspan == 1:
            chars = max(sum(GRID_WIDTHS[cell.col : cell.col + cell.colspan]) // 2, 1)
            needed = max(needed, -(-len(cell.text) // chars))
    return needed


# --- on screen ---------------------------------------------------------------------------------


def print_summary(spool, filing: Filing, rollups: dict, files: list[Path], info: RunInfo) -> None:
    units = filing.units
    total = len(units)
    skipped = sum(bool(r.get("skipped")) for r in spool)
    rate = f"，{spool.count() / info.elapsed:.1f} 个/秒" if info.elapsed > 0 and spool.count() else ""
    print(
        f"批量生成完成：{spool.count()} 份数据，{total} 个单位，"
        f"用时 {info.elapsed:.1f} 秒（{info.jobs} 个进程{rate}）。"
    )
    print(
        "  "
        + " · ".join(f"{s} {filing.count(s)}" for s in STATUSES)
        + (f" · 其中 {skipped} 份已完成、本次跳过（加 --force 可重新生成）" if skipped else "")
    )
    for status, title in ((HAS_ERRORS, "有错误的单位"), (MISSING, "未提交的单位")):
        listed = [u for u in units if u.status == status]
        if listed:
            more = f"，下面列出前 {SHOWN_ON_SCREEN} 个" if len(listed) > SHOWN_ON_SCREEN else ""
            print(f"{title}（{len(listed)} 个{more}）：")
            for unit in listed[:SHOWN_ON_SCREEN]:
                print(f"  {unit.name}：{_first_problem(spool, unit) if unit.chosen else '没有找到它的数据'}")
    if any(u.status == HAS_ERRORS for u in units):
        print("有错误的单位没有生成报告，也没有计入汇总（加 --ignore-errors 可先生成草稿）。")
    noted = [u for u in units if u.notes]
    for unit in noted[:SHOWN_ON_SCREEN]:
        print(f"  {unit.name}：{'；'.join(unit.notes)}")
    if len(noted) > SHOWN_ON_SCREEN:
        print(f"  ……另有 {len(noted) - SHOWN_ON_SCREEN} 个单位的说明，见 {BATCH_REPORT}")
    if info.previous:
        unmatched = unmatched_last_year(spool, info.previous)
        if unmatched:
            print(
                f"上年数据中有 {len(unmatched)} 个单位本年没有对应（按单位代码、名称都没有找到）："
                f"{'、'.join(unmatched[:SHOWN_ON_SCREEN])}"
            )
    print(f"校验结果（每个单位的状态、联系人，每个问题的位置和数值）：{info.output / BATCH_REPORT}")
    print(f"审核报告（状态表、问题、汇总和图表，可直接用浏览器打开、打印）：{info.output / REVIEW_PAGE}")
    if not rollups:
        print("没有可汇总的单位（所有单位都有错误、无法读取或未提交），未生成汇总表。")
    for rollup in rollups.values():
        problems = rollup.findings + rollup.comparisons
        verdict = "通过" if not problems else f"发现 {len(problems)} 个问题，见校验结果"
        print(f"汇总（{rollup.year}年度，{rollup.agencies} 个单位，校验{verdict}）：")
        for path in files:
            if path.stem == rollup.stem_name:
                print(f"  {path}")


def unmatched_last_year(spool, previous: dict) -> list[str]:
    """Last year's units that no unit of this year was matched with."""
    matched = {r["previous"]["id"] for r in spool if r.get("previous")}
    return [name for number, name in previous["units"].items() if number not in matched]


def _first_problem(spool, unit) -> str:
    record = spool.get(unit.chosen.seq)
    errors = [f for f in record["findings"] if f["severity"] == ERROR]
    if not errors:
        return "；".join(unit.notes)
    first = errors[0]
    where = "" if first["where"] == record["source"] else f"{first['where']}："
    more = f"（另有 {len(errors) - 1} 个错误）" if len(errors) > 1 else ""
    return f"{record['source']} [{first['rule']}] {where}{first['message']}{more}"
