"""The end of a batch: the batch report (校验结果.xlsx), the roll-up (汇总) and the summary on screen.

Everything is written from the spool of agency records, streamed in input order, so a run of tens of
thousands of agencies needs no more memory than a run of ten.
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from .worker import ERRORS, OK, UNREADABLE, WARNINGS
from ..checks import check
from ..errors import EXIT_FINDINGS, EXIT_OK
from ..findings import ERROR, SEVERITY_NAMES, Finding, has_errors
from ..formats import AMOUNT, FORMATS, Format
from ..outputs import write_atomic
from ..prose import title
from ..report import Agency, Report

BATCH_REPORT = "校验结果.xlsx"
SHOWN_ON_SCREEN = 20
TABLE_RULES = ("R0-1", "R0-2", "R3-1", "R3-2", "R3-3", "R4-1", "G-2")  # the checker's rules about table numbers


def finish_batch(spool, output: Path, targets, elapsed: float, jobs: int) -> int:
    """Write the batch report and the roll-ups, print the summary; return the exit code."""
    rollups = _rollups(spool)
    outcome = _write_batch_report(spool, output / BATCH_REPORT, rollups)
    rollup_files = [path for r in rollups.values() for path in r.write(spool, output, targets)]
    _print_summary(outcome, rollups, output, rollup_files, elapsed, jobs)
    bad = outcome["counts"][ERRORS] + outcome["counts"][UNREADABLE]
    return EXIT_FINDINGS if bad or any(has_errors(r.findings) for r in rollups.values()) else EXIT_OK


# --- roll-up -------------------------------------------------------------------------------------

class RollUp:
    """County-level sums of sections 二/三/四 for one report year and format."""

    def __init__(self, year: int, fmt: Format):
        self.year, self.fmt = year, fmt
        self.sums = {path: Decimal(0) if fmt.kind_of(path) == AMOUNT else 0 for path in fmt.input_paths}
        self.agencies = self.excluded = self.unreadable_cells = 0
        self.parents: set[str] = set()
        self.findings: list[Finding] = []
        self.stem_name = self.stem(False)

    def add(self, record: dict) -> None:
        """Add an agency's numbers; agencies with errors are left out (their numbers cannot be right)."""
        if record["status"] == ERRORS:
            self.excluded += 1
            return
        self.agencies += 1
        self.parents.add(record.get("parent") or "")
        for path, value in record["numbers"].items():
            if path not in self.sums:
                continue
            if value is None:
                self.unreadable_cells += 1
            else:
                self.sums[path] += Decimal(value) if isinstance(self.sums[path], Decimal) else value

    @property
    def name(self) -> str:
        parents = self.parents - {""}
        return next(iter(parents)) if len(parents) == 1 else "各单位"

    def report(self) -> Report:
        return Report(year=self.year, format=self.fmt, agency=Agency(name=self.name, level="汇总"),
                      declared_format=self.fmt.key, numbers=self.sums)

    def checked(self) -> None:
        """The table rules of the checker (prose, date and fee rules do not apply to a roll-up)."""
        self.findings = [f for f in check(self.report()) if f.rule in TABLE_RULES]

    def stem(self, clash: bool) -> str:
        return f"汇总-{self.year}年度" + (f"-{self.fmt.key}版格式" if clash else "")

    def title(self) -> str:
        return title(self.report(), suffix="数据汇总表")

    def note(self) -> str:
        text = f"本表汇总了{self.agencies}个单位的第二、三、四部分数据（统计期限{self.year}年1月1日至12月31日）。"
        if self.excluded:
            text += (f"另有{self.excluded}个单位的数据有错误，未计入汇总（见校验结果.xlsx）；"
                     "改正后重新运行即可得到完整的汇总。")
        if self.unreadable_cells:
            text += f"有{self.unreadable_cells}个无法识别的数字未计入。"
        return text

    def write(self, spool, output: Path, targets) -> list[Path]:
        paths = [write_atomic(output / f"{self.stem_name}.xlsx", self._workbook(spool), force=True)]
        html = self._html()
        paths.append(write_atomic(output / f"{self.stem_name}.html", html, force=True))
        if "pdf" in targets:
            from ..render.pdf import html_to_pdf
            pdf = html_to_pdf(html)
            paths.append(write_atomic(output / f"{self.stem_name}.pdf", pdf, force=True))
        return paths

    def _html(self) -> str:
        from ..document import BODY, TABLE, TITLE, Block
        from ..render.html import render_blocks
        from ..tables import all_grids

        grids = all_grids(self.report())
        blocks = [Block(TITLE, self.title()), Block(BODY, self.note())]
        for heading, key in zip(self.fmt.headings[1:4], ("active", "requests", "appeals")):
            blocks.append(Block(TABLE, heading, grids[key]))
        blocks += [Block(BODY, f.text()) for f in self.findings]
        return render_blocks(self.title(), blocks)

    def _workbook(self, spool) -> bytes:
        from openpyxl import Workbook

        from ..inputs.roster import RosterColumn, roster_columns, write_header

        workbook = Workbook(write_only=True)
        _grid_sheet(workbook.create_sheet("汇总表"), self.report(), self.title(), self.note())
        details = workbook.create_sheet("单位明细")
        columns = [RosterColumn("name", "单位", "机关名称", "text"), RosterColumn("status", "单位", "状态", "text")]
        columns += [c for c in roster_columns(self.fmt) if c.key in self.sums]
        write_header(details, columns, freeze="C3")
        for record in spool:
            if (record.get("numbers") is not None and record["status"] != ERRORS
                    and (record["year"], record["format"]) == (self.year, self.fmt.key)):
                numbers = record["numbers"]
                details.append([record["name"], record["status"],
                                *(_excel_number(numbers.get(c.key)) for c in columns[2:])])
        _findings_sheet(workbook.create_sheet("汇总校验"), [(self.title(), f) for f in self.findings])
        return _save(workbook)


def _rollups(spool) -> dict[tuple, RollUp]:
    rollups: dict[tuple, RollUp] = {}
    for record in spool:
        if record.get("numbers") is None:
            continue
        key = (record["year"], record["format"])
        rollups.setdefault(key, RollUp(record["year"], FORMATS[record["format"]])).add(record)
    years = [year for year, _ in rollups]
    for (year, _), rollup in rollups.items():
        rollup.stem_name = rollup.stem(years.count(year) > 1)
        rollup.checked()
    return rollups


GRID_WIDTHS = (28, 18, 36) + (12,) * 12  # Excel column widths of the roll-up sheet (about 2 units per 汉字)


def _grid_sheet(sheet, report: Report, title: str, note: str) -> None:
    """The three tables of the roll-up, drawn from the same grids as the reports, with their merges."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from ..tables import all_grids

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(GRID_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # print one page wide
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.append([title])
    sheet.append([note])
    row = 3  # sheet row of the next line
    for heading, grid in zip(report.format.headings[1:4], all_grids(report).values()):
        sheet.append([WriteOnlyCell(sheet, heading)])
        row += 1
        cover = [[None] * grid.ncols for _ in range(grid.nrows)]
        for cell in grid.cells:
            cover[cell.row][cell.col] = cell
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merged_cells.add(f"{get_column_letter(cell.col + 1)}{row + cell.row}:"
                                       f"{get_column_letter(cell.col + cell.colspan)}{row + cell.row + cell.rowspan - 1}")
        for r, line in enumerate(cover):
            sheet.row_dimensions[row + r].height = 15 * _lines(grid, r)
            cells = []
            for cell in line:
                anchor = cell is not None and (cell.row, cell.col) == (r, line.index(cell))
                value = None if not anchor else _excel_number(report.number(cell.path)) if cell.path else cell.text
                c = WriteOnlyCell(sheet, value)
                c.border = border
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                c.font = Font(bold=bool(cell and cell.header))
                cells.append(c)
            sheet.append(cells)
        row += grid.nrows + 1
        sheet.append([])


def _lines(grid, r: int) -> int:
    """Text lines the tallest single-row cell of grid row ``r`` needs at the sheet's column widths."""
    needed = 1
    for cell in grid.cells:
        if cell.row == r and cell.rowspan == 1:
            chars = max(sum(GRID_WIDTHS[cell.col:cell.col + cell.colspan]) // 2, 1)
            needed = max(needed, -(-len(cell.text) // chars))
    return needed


def _excel_number(value):
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


# --- batch report ---------------------------------------------------------------------------------

AGENCY_HEADER = ("序号", "机关名称", "数据来源", "状态", "错误", "提醒", "本次处理", "输出文件夹", "输出文件")
FINDING_HEADER = ("序号", "机关名称", "数据来源", "规则", "类别", "位置", "说明", "相关数值", "差值")


def _write_batch_report(spool, path: Path, rollups: dict) -> dict:
    """校验结果.xlsx: one row per agency, one row per finding, and the roll-up's own check."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    agencies = _table_sheet(workbook.create_sheet("各单位"), AGENCY_HEADER, (6, 28, 14, 10, 6, 6, 10, 28, 60))
    details = _table_sheet(workbook.create_sheet("问题明细"), FINDING_HEADER, (6, 28, 14, 8, 6, 48, 70, 40, 8))
    outcome = {"counts": {OK: 0, WARNINGS: 0, ERRORS: 0, UNREADABLE: 0}, "skipped": 0, "total": 0, "shown": []}
    for record in spool:
        number = record["seq"] + 1
        findings = record["findings"]
        errors = sum(f["severity"] == ERROR for f in findings)
        name = record["name"] or record["folder"]
        outcome["counts"][record["status"]] += 1
        outcome["total"] += 1
        outcome["skipped"] += bool(record.get("skipped"))
        agencies.append([number, name, record["source"], record["status"], errors, len(findings) - errors,
                         "已完成，跳过" if record.get("skipped") else "本次生成", record["folder"],
                         "\n".join(record["files"])])
        for f in findings:
            details.append([number, name, record["source"], f["rule"], SEVERITY_NAMES[f["severity"]], f["where"],
                            f["message"], _operands(f["operands"]), f["difference"]])
        if errors and len(outcome["shown"]) < SHOWN_ON_SCREEN:
            first = next(f for f in findings if f["severity"] == ERROR)
            more = f"（另有 {errors - 1} 个错误）" if errors > 1 else ""
            where = "" if first["where"] == record["source"] else f"{first['where']}："
            outcome["shown"].append(f"{record['source']} {name}：[{first['rule']}] {where}{first['message']}{more}")
    checks = _table_sheet(workbook.create_sheet("汇总校验"), ("汇总表", *FINDING_HEADER[3:]), (40, 8, 6, 48, 70, 40, 8))
    for rollup in rollups.values():
        for f in rollup.findings:
            d = f.as_dict()
            checks.append([rollup.title(), d["rule"], SEVERITY_NAMES[d["severity"]], d["where"], d["message"],
                           _operands(d["operands"]), d["difference"]])
    write_atomic(path, _save(workbook), force=True)
    return outcome


def _table_sheet(sheet, header, widths):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, text)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _findings_sheet(sheet, findings: list[tuple[str, Finding]]) -> None:
    _table_sheet(sheet, ("汇总表", *FINDING_HEADER[3:]), (40, 8, 6, 48, 70, 40, 8))
    for title, f in findings:
        d = f.as_dict()
        sheet.append([title, d["rule"], SEVERITY_NAMES[d["severity"]], d["where"], d["message"],
                      _operands(d["operands"]), d["difference"]])


def _operands(operands: dict) -> str:
    return "；".join(f"{k}={v}" for k, v in (operands or {}).items())


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_summary(outcome: dict, rollups: dict, output: Path, rollup_files: list[Path], elapsed: float,
                   jobs: int) -> None:
    counts, total = outcome["counts"], outcome["total"]
    rate = f"，{total / elapsed:.1f} 个/秒" if elapsed > 0 and total else ""
    print(f"批量生成完成：共 {total} 个单位，用时 {elapsed:.1f} 秒（{jobs} 个进程{rate}）。")
    print(f"  通过 {counts[OK]} · 有提醒 {counts[WARNINGS]} · 有错误 {counts[ERRORS]} · 无法读取 {counts[UNREADABLE]}"
          + (f" · 其中 {outcome['skipped']} 个已完成、本次跳过（加 --force 可重新生成）" if outcome["skipped"] else ""))
    if outcome["shown"]:
        bad = counts[ERRORS] + counts[UNREADABLE]
        print(f"有错误的单位（{bad} 个{'，下面列出前 %d 个' % SHOWN_ON_SCREEN if bad > SHOWN_ON_SCREEN else ''}）：")
        for line in outcome["shown"]:
            print("  " + line)
        print("有错误的单位没有生成报告（加 --ignore-errors 可先生成草稿）。")
    print(f"校验结果（每个单位的状态、每个问题的位置和数值）：{output / BATCH_REPORT}")
    for rollup in rollups.values():
        verdict = "通过" if not has_errors(rollup.findings) else f"发现 {len(rollup.findings)} 个问题，见校验结果"
        left_out = f"，{rollup.excluded} 个有错误的单位未计入" if rollup.excluded else ""
        print(f"汇总（{rollup.year}年度，{rollup.agencies} 个单位{left_out}，校验{verdict}）：")
    for path in rollup_files:
        print(f"  {path}")
