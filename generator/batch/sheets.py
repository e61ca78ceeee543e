"""The sheet and table helpers every workbook of a batch shares: text cells, header rows, A4 print set-up."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..findings import ERROR, SEVERITY_NAMES, WARNING, Finding
from ..spreadsheets import put_text
from ..tables import Cell, all_grids
from .sums import excel_number


@dataclass(frozen=True)
class Extra:
    """A table of its own on the page (雷同, 考评…): title, header, rows, a note, and what to say when empty."""

    sheet: str  # its sheet in 校验结果.xlsx (short, fixed: user text never names a sheet)
    title: str
    header: tuple[str, ...]
    rows: list[list[Any]]
    note: str = ""
    empty: str = "无。"


A4 = 9  # openpyxl's paperSize code for A4 (the default, 1, is US Letter)
SEVERITY_FILLS = {ERROR: "F8CBAD", WARNING: "FFF2CC", "fill-in": "EDEDED"}
CHECK_HEADER = ("汇总表", "规则", "类别", "位置", "说明", "相关数值", "差值")
CHECK_WIDTHS = (40, 8, 6, 48, 70, 40, 8)


def print_setup(sheet: Any, landscape: bool = False) -> None:
    """Printed on A4 (never Letter), one page wide."""
    sheet.page_setup.paperSize = A4
    if landscape:
        sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


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


def table_sheet(sheet: Any, header: tuple[str, ...], widths: tuple[int, ...], landscape: bool = True) -> Any:
    """Bold header row, frozen; columns sized; printed on A4, one page wide."""
    sheet.freeze_panes = "A2"
    print_setup(sheet, landscape)
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

    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def findings_sheet(sheet, findings: list[tuple[str, Finding]]) -> None:
    table_sheet(sheet, CHECK_HEADER, CHECK_WIDTHS)
    for title, f in sorted(findings, key=lambda item: item[1].severity != ERROR):
        d = f.as_dict()
        sheet.append(text_cells(sheet, [title, *finding_row(d)], fill=SEVERITY_FILLS[d["severity"]]))
    finish_table(sheet, len(CHECK_HEADER), len(findings))


def finding_row(d: dict[str, Any]) -> list[Any]:
    """A finding's cells: rule, kind, place, message, operands, difference."""
    return [
        d["rule"],
        SEVERITY_NAMES[d["severity"]],
        d["where"],
        d["message"],
        operands(d["operands"]),
        d["difference"],
    ]


def operands(values: dict) -> str:
    return "；".join(f"{k}={v}" for k, v in (values or {}).items())


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GRID_WIDTHS = (28, 18, 36) + (12,) * 12  # Excel column widths of the roll-up sheet (about 2 units per 汉字)


def grid_sheet(sheet, report, title: str, note: str) -> None:
    """The three tables of the roll-up, drawn from the same grids as the reports, with their merges."""

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(GRID_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    print_setup(sheet)
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
