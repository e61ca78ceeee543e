"""The three report tables as grids of cells with their merges, built from the format definitions.

Both renderers (HTML and DOCX) draw these same grids, so the table geometry exists once — merges, header
rows and the row ranges that must stay on one page (a table may break between rows only elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .formats import (
    ACTIVE_GRID_COLUMNS,
    APPLICANTS,
    CONTENT,
    LITIGATION,
    ORGANISATION_COLUMNS,
    ORGANISATIONS,
    OUTCOMES,
    REQUEST_NOTE,
    REVIEW,
    Format,
)
from .numbers import INVALID_MARK, format_number
from .report import Report

FIRST_ROWS = 2  # body rows of a long table kept with its header (and so with its heading)


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    scope: str = ""  # HTML th scope: col, row, colgroup, rowgroup
    path: str = ""  # the number's path, for value cells
    invalid: bool = False  # the input could not be read: the cell shows INVALID_MARK, never a silent 0


@dataclass
class Grid:
    key: str
    caption: str
    widths_mm: list[float]  # column widths; they add up to the 156 mm text block
    header_rows: int
    cells: list[Cell] = field(default_factory=list)
    keep: list[range] = field(default_factory=list)  # row ranges that must stay on one page

    def break_after(self, row: int) -> bool:
        """Whether a page may break between ``row`` and the next row."""
        return not any(row in block and row + 1 in block for block in self.keep)

    @property
    def ncols(self) -> int:
        return len(self.widths_mm)

    @property
    def nrows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def rows(self) -> list[list[Cell]]:
        """Anchor cells grouped by row (what an HTML <tr> holds)."""
        out: list[list[Cell]] = [[] for _ in range(self.nrows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out

    def add(self, text: str, row: int, col: int, **kw) -> None:
        self.cells.append(Cell(text, row, col, **kw))

    def value(self, report: Report, fmt: Format, path: str, row: int, col: int, colspan: int = 1) -> None:
        number = report.number(path)
        text = INVALID_MARK if number is None else format_number(number, fmt.kind_of(path))
        self.add(text, row, col, colspan=colspan, path=path, invalid=number is None)


def active_grid(report: Report) -> Grid:
    fmt = report.format
    grid = Grid("active", fmt.headings[1], [52, 34, 34, 36], header_rows=0)
    r = 0
    for block in fmt.active_blocks:
        grid.keep.append(range(r, r + 2 + len(block.rows)))  # a caption stays with its rows
        grid.add(block.caption, r, 0, colspan=ACTIVE_GRID_COLUMNS, header=True, scope="colgroup")
        labels = [CONTENT, *(c.label for c in block.columns)]
        for i, label in enumerate(labels):
            span = ACTIVE_GRID_COLUMNS - len(labels) + 1 if i == len(labels) - 1 else 1
            grid.add(label, r + 1, i, colspan=span, header=True, scope="col")
        r += 2
        for row in block.rows:
            grid.add(row.label, r, 0, header=True, scope="row")
            for i, column in enumerate(block.columns, start=1):
                span = ACTIVE_GRID_COLUMNS - len(block.columns) if i == len(block.columns) else 1
                grid.value(report, fmt, f"active.{row.key}.{column.key}", r, i, colspan=span)
            r += 1
    return grid


def requests_grid(report: Report) -> Grid:
    fmt = report.format
    table = fmt.requests
    grid = Grid("requests", table.section, [7, 15, 66] + [9.7] * 7, header_rows=3)
    grid.add(REQUEST_NOTE, 0, 0, rowspan=3, colspan=3, header=True)
    grid.add(APPLICANTS, 0, 3, colspan=7, header=True, scope="colgroup")
    grid.add(table.column("natural").label, 1, 3, rowspan=2, header=True, scope="col")
    grid.add(ORGANISATIONS, 1, 4, colspan=len(ORGANISATION_COLUMNS), header=True, scope="colgroup")
    grid.add(table.column("total").label, 1, 9, rowspan=2, header=True, scope="col")
    for i, key in enumerate(ORGANISATION_COLUMNS):
        grid.add(table.column(key).label, 2, 4 + i, header=True, scope="col")
    outcome_rows = [row for row in table.rows if row.group]
    grid.keep.append(range(grid.header_rows + FIRST_ROWS))
    r = 3
    for row in table.rows:
        if not row.group:
            grid.add(row.label, r, 0, colspan=3, header=True, scope="row")
        else:
            if row is outcome_rows[0]:
                grid.add(OUTCOMES, r, 0, rowspan=len(outcome_rows), header=True, scope="rowgroup")
                first_group = next(x for x in outcome_rows if x.label != x.group)
                first_group_end = max(i for i, x in enumerate(outcome_rows) if x.group == first_group.group)
                grid.keep.append(range(r, r + first_group_end + 1))  # its label stays with the first group
            members = [x for x in outcome_rows if x.group == row.group]
            if row.label == row.group:
                grid.add(row.label, r, 1, colspan=2, header=True, scope="row")
            else:
                if row is members[0]:
                    grid.add(row.group, r, 1, rowspan=len(members), header=True, scope="rowgroup")
                    grid.keep.append(range(r, r + len(members)))  # a group label stays with its rows
                grid.add(row.label, r, 2, header=True, scope="row")
        for i, column in enumerate(table.columns):
            grid.value(report, fmt, f"requests.{row.key}.{column.key}", r, 3 + i)
        r += 1
    grid.keep.append(range(r - 2, r))  # the last row never stands alone below a repeated header
    return grid


def appeals_grid(report: Report) -> Grid:
    fmt = report.format
    table = fmt.appeals
    grid = Grid("appeals", table.section, [156 / 15] * 15, header_rows=3)
    # As in the official template: 行政复议 is one row high and its leaf headings span rows 2–3;
    # 行政诉讼 splits into its two groups on row 2, with their leaf headings on row 3.
    grid.add(REVIEW, 0, 0, colspan=5, header=True, scope="colgroup")
    grid.add(LITIGATION, 0, 5, colspan=10, header=True, scope="colgroup")
    for i, row in enumerate(table.rows):
        litigation = row.group == LITIGATION
        if litigation:
            grid.add(row.label, 1, 5 * i, colspan=5, header=True, scope="colgroup")
        for j, column in enumerate(table.columns):
            grid.add(
                column.label,
                2 if litigation else 1,
                5 * i + j,
                rowspan=1 if litigation else 2,
                header=True,
                scope="col",
            )
            grid.value(report, fmt, f"appeals.{row.key}.{column.key}", 3, 5 * i + j)
    grid.keep.append(range(grid.nrows))
    return grid


def all_grids(report: Report) -> dict[str, Grid]:
    return {g.key: g for g in (active_grid(report), requests_grid(report), appeals_grid(report))}
