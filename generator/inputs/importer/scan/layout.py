"""A page's text boxes into text lines, the way the PDF reader gives them: a table row per line, its cells
separated by tabs, each cell cut out by the ruling lines found on the image.

Ruling lines are found with numpy alone: a horizontal rule is a long run of dark pixels along a row of
the image; inside each band between two rules, a vertical rule is a pixel column that is dark over
(nearly) the whole band height. Where a band's top rule is missing above a cell, the cell continues the
one above (a merged label): its text goes to the first row of the merged cell, as in a PDF's table.
A box belongs to the cell its middle falls in; a cell with ink but no box (the detector misses a lone
「1」) is read again on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from PIL import Image

from .engine import MIN_SCORE, Box

DARK = 160  # grey level below which a pixel is ink
RULE_PART = 25  # a horizontal rule is made of runs at least 1/25 of the page width…
RULE_LENGTH = 8  # …covering at least 1/8 of the page width
MAX_ROW = 0.09  # a table row is at most this share of the page height (a label of three lines fits)
VERTICAL_COVER = 0.85  # share of a band's height a vertical rule covers
RULED = 0.7  # share of a cell's width its top rule covers, else the cell continues the one above
MERGE = 4  # pixels: dark rows or columns this close are one rule
MARGIN = 4  # pixels kept off a cell's rules when it is cut out
SURE = 0.9  # a recognised piece scored below this in a table cell is read again on its own
MARGIN_ZONE = 0.12  # share of the page height at its top and bottom where page numbers are
PAGE_NUMBER = re.compile(r"[\s\-—－–一]*(?:第\s*)?\d{1,3}(?:\s*页)?[\s\-—－–一]*")
INK = 0.01  # share of dark pixels above which an empty cell holds something to read

Reader = Callable[[list[Image.Image]], list[tuple[str, float]]]


@dataclass
class Cell:
    top: int
    bottom: int
    left: int
    right: int
    boxes: list[Box] = field(default_factory=list)
    text: str = ""

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x < self.right and self.top <= y < self.bottom


def page_lines(image: Image.Image, boxes: list[Box], reread: Reader) -> list[str]:
    """The page's lines top to bottom: prose lines, and table rows with tab-separated cells."""
    ink = np.asarray(image) < DARK
    rows = table_rows(ink)
    loose = []
    for box in boxes:
        cell = next((c for row in rows for c in row if c.holds(*box.middle)), None)
        if cell is None:
            loose.append(box)
        else:
            cell.boxes.append(box)
    for row in rows:
        for cell in row:
            cell.text = "".join(b.text for b in sorted(cell.boxes, key=lambda b: (round(b.y0 / 10), b.x0)))
    _read_again(image, ink, [c for row in rows for c in row if _doubtful(c)], reread)
    placed: list[tuple[float, str]] = [(row[0].top, _row_text(row)) for row in rows if row]
    lines = [line for line in _lines(loose) if not _page_number(line, image.height)]
    placed += [(sum(b.middle[1] for b in line) / len(line), _line_text(line)) for line in lines]
    return [text for _, text in sorted(placed, key=lambda pair: pair[0])]


def _doubtful(cell: Cell) -> bool:
    """A cell with no text, or with one piece the recogniser was unsure of (a lone 「1」 read as 「√」)."""
    return not cell.text or (len(cell.boxes) == 1 and cell.boxes[0].score < SURE)


def _read_again(image: Image.Image, ink: np.ndarray, doubtful: list[Cell], reread: Reader) -> None:
    """Doubtful cells with ink in them, cut out and recognised on their own; the surer reading is kept."""
    inked = [
        c
        for c in doubtful
        if c.bottom - c.top > 2 * MARGIN
        and c.right - c.left > 2 * MARGIN
        and ink[c.top + MARGIN : c.bottom - MARGIN, c.left + MARGIN : c.right - MARGIN].mean() > INK
    ]
    crops = [image.crop(_ink_box(ink, c)) for c in inked]
    for cell, (text, score) in zip(inked, reread(crops), strict=True):
        if score >= max([MIN_SCORE, *(b.score for b in cell.boxes)]):
            cell.text = text


def _ink_box(ink: np.ndarray, cell: Cell) -> tuple[int, int, int, int]:
    """The cell's ink with a margin (a quarter of its height), as the detector would cut a piece of text out."""
    top, left = cell.top + MARGIN, cell.left + MARGIN
    inside = ink[top : cell.bottom - MARGIN, left : cell.right - MARGIN]
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    pad = max(2, (rows[-1] - rows[0]) // 4)
    side = max(pad, (rows[-1] - rows[0]) // 2)  # a lone 「1」 is cut out nearly square, or it reads as 「√」
    return (
        max(cell.left, left + columns[0] - side),
        max(cell.top, top + rows[0] - pad),
        min(cell.right, left + columns[-1] + side + 1),
        min(cell.bottom, top + rows[-1] + pad + 1),
    )


def _row_text(row: list[Cell]) -> str:
    texts = [c.text for c in row]
    first = next((i for i, text in enumerate(texts) if text), 0)  # empty cells before: a merged label above
    return "\t".join(texts[first:])


def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes outside tables grouped into lines (their heights overlap)."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.middle[1]):
        line = lines[-1] if lines else None
        if line and box.middle[1] < max(b.y1 for b in line) - (box.y1 - box.y0) / 4:
            line.append(box)
        else:
            lines.append([box])
    return lines


def _page_number(line: list[Box], height: int) -> bool:
    """A page number in the top or bottom margin (「— 3 —」, whose dashes the recogniser may drop): not text."""
    middle = sum(b.middle[1] for b in line) / len(line)
    in_margin = middle < MARGIN_ZONE * height or middle > (1 - MARGIN_ZONE) * height
    return in_margin and bool(PAGE_NUMBER.fullmatch(_line_text(line)))


def _line_text(line: list[Box]) -> str:
    return " ".join(b.text for b in sorted(line, key=lambda b: b.x0))


def table_rows(ink: np.ndarray) -> list[list[Cell]]:
    """The cells of every ruled table on the page, row by row; a merged cell is in the first of its rows."""
    height = ink.shape[0]
    rules = _horizontal_rules(ink)
    rows: list[list[Cell]] = []
    above: list[Cell] = []  # the cells of the previous row, merged ones included (for the next row's merges)
    for top, bottom in pairwise(rules):
        edges = _vertical_rules(ink[top + 2 : bottom - 1]) if 8 <= bottom - top <= MAX_ROW * height else []
        if len(edges) < 2:
            above = []
            continue
        row, reach = [], []
        for left, right in pairwise(edges):
            cell = Cell(top, bottom, left, right)
            owner = None if _ruled(ink, top, left, right) else _over(above, (left + right) / 2)
            if owner is None:
                row.append(cell)
                reach.append(cell)
            else:
                owner.bottom = bottom
                reach.append(owner)
        rows.append(row)
        above = reach
    return rows


def _over(cells: list[Cell], x: float) -> Cell | None:
    return next((c for c in cells if c.left <= x < c.right), None)


def _ruled(ink: np.ndarray, y: int, left: int, right: int) -> bool:
    strip = ink[max(0, y - 3) : y + 4, left + MARGIN : right - MARGIN]
    return strip.size == 0 or float(strip.any(axis=0).mean()) >= RULED


def _horizontal_rules(ink: np.ndarray) -> list[int]:
    width = ink.shape[1]
    part = max(width // RULE_PART, 10)
    sums = np.cumsum(ink, axis=1, dtype=np.int32)
    full = (sums[:, part:] - sums[:, :-part]) == part
    return _centres(np.flatnonzero(full.sum(axis=1) >= width // RULE_LENGTH))


def _vertical_rules(band: np.ndarray) -> list[int]:
    if band.shape[0] <= 0:
        return []
    return _centres(np.flatnonzero(band.mean(axis=0) >= VERTICAL_COVER))


def _centres(positions: np.ndarray) -> list[int]:
    """Runs of adjacent positions (a rule a few pixels thick) as their middles."""
    out: list[list[int]] = []
    for p in positions.tolist():
        if out and p - out[-1][-1] <= MERGE:
            out[-1].append(p)
        else:
            out.append([p])
    return [(run[0] + run[-1]) // 2 for run in out]
