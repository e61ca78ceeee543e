"""A table's rows in the groups a page may break between, with merged cells cut at those breaks.

Shared by HTML/PDF and DOCX: a merged cell (「三、本年度办理结果」 over sixteen rows) that a page break would cut is
written as one piece per row group, its text in the first, drawn without a border between them. Both
WeasyPrint and LibreOffice lay a merged cell crossing a page break out badly (its text at the top, or lost).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..tables import Cell, Grid


@dataclass
class Piece:
    """A cell as written in one row group: a merged cell cut where a page may break is several pieces,
    drawn as one cell (no border between them), its text in the first (read in the cell's place)."""

    cell: Cell
    rowspan: int
    text: str
    open_top: bool = False
    open_bottom: bool = False

    @property
    def css_class(self) -> str:
        names = ("invalid", self.cell.invalid), ("open-top", self.open_top), ("open-bottom", self.open_bottom)
        return " ".join(name for name, on in names if on)


def row_groups(grid: Grid) -> list[tuple[str, list[list[Piece]]]]:
    """The table as <thead> and one <tbody> per run of rows that must stay on one page.

    WeasyPrint lays a merged cell out badly when a page break cuts it, so no cell may cross a row
    group: such a cell is cut into pieces, one per group.
    """
    bounds = [0, grid.header_rows] if grid.header_rows else [0]
    bounds += [r + 1 for r in range(grid.header_rows, grid.nrows - 1) if grid.break_after(r)] + [grid.nrows]
    groups = [range(a, b) for a, b in itertools.pairwise(bounds)]
    rows: list[list[Piece]] = [[] for _ in range(grid.nrows)]
    for cell in sorted(grid.cells, key=lambda c: c.col):
        spans = [g for g in groups if g.start < cell.row + cell.rowspan and cell.row < g.stop]
        cut = [range(max(g.start, cell.row), min(g.stop, cell.row + cell.rowspan)) for g in spans]
        for i, part in enumerate(cut):
            text = cell.text if i == 0 else ""
            rows[part.start].append(Piece(cell, len(part), text, open_top=i > 0, open_bottom=i < len(cut) - 1))
    kinds = ["thead" if grid.header_rows and g.start == 0 else "tbody" for g in groups]
    return [(kind, [rows[r] for r in g]) for kind, g in zip(kinds, groups)]
