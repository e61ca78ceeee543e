"""A page's text boxes into text lines, the way the PDF reader gives them: a table row per line, its cells
separated by tabs, each cell cut out by the ruling lines found on the image.

Ruling lines are found with numpy alone: a horizontal rule is a long run of dark pixels along a row of
the image; inside each band between two rules, a vertical rule is a pixel column that is dark over
(nearly) the whole band height. Where a band's top rule is missing above a cell, the cell continues the
one above (a merged label): its text goes to the first row of the merged cell, as in a PDF's table.
A box belongs to the cell its middle falls in; a cell with print but no box (the detector misses a lone
「1」), or with a doubtful one, is read again on its own.

A cell is cut out the way the detector cuts text: tight around the strokes that reach the page's print
level (a red seal is light in grey, specks are small, a rule's stub spans the cut-out), levels stretched,
nearly square for a lone figure. Every figure is read this way a second time, and the page's lines come
twice: as read, and with each figure as the cell alone read it (blank where only one reading exists or
the two differ) — ``proof`` keeps a cell no equation checks only where both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from PIL import Image, ImageOps

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
GLYPH = 0.004  # share of the page height a figure's stroke spans at least (a lone 「1」 included; specks do not)
SHORT = 3  # characters: a text this short in a cell that is not a figure is most likely a figure misread
FIGURE = re.compile(r"\d+(?:\.\d+)?")
CORE = 0.5  # a stroke's middle is darker than halfway between the page's darkest ink and its paper…
PAPER = 0.8  # …and its edges than this share of the way
DETECT_MARGIN = 12  # pixels of white around a cell given to the detector
CORE_MAX = 140  # grey level: a stroke's middle is never lighter (a seal's tint is)
PAD = 0.1  # share of a figure's height left around it when it is cut out…
SQUARE = 0.9  # …and at least this share of its height as its width

Reader = Callable[[list[Image.Image]], list[tuple[str, float]]]


@dataclass
class Cell:
    top: int
    bottom: int
    left: int
    right: int
    boxes: list[Box] = field(default_factory=list)
    text: str = ""
    again: str = ""  # the text in a second, independent reading (figures read from the cell alone)

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x < self.right and self.top <= y < self.bottom


def page_lines(
    image: Image.Image, boxes: list[Box], reread: Reader, find: Reader | None = None
) -> tuple[list[str], list[str]]:
    """The page's lines top to bottom (prose lines, and table rows with tab-separated cells), twice: as read, and
    with every figure the page gave read again from its cell alone (blank where that second reading is not sure,
    or where the first reading already came from the cell alone)."""
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
            cell.again = cell.text
    _read_again(image, [c for row in rows for c in row if _doubtful(c) or FIGURE.fullmatch(c.text)], reread, find)
    lines = [line for line in _lines(loose) if not _page_number(line, image.height)]
    prose = [(sum(b.middle[1] for b in line) / len(line), _line_text(line)) for line in lines]

    def in_order(again: bool) -> list[str]:
        placed = prose + [(row[0].top, _row_text(row, again)) for row in rows if row]
        return [text for _, text in sorted(placed, key=lambda pair: pair[0])]

    return in_order(False), in_order(True)


def _doubtful(cell: Cell) -> bool:
    """A cell with no text, with one piece the recogniser was unsure of (a lone 「1」 read as 「√」), or with a short
    text that is not a figure (「I」, 「口0」: a figure with a stroke of a seal or a rule in it)."""
    short_non_figure = len(cell.text) <= SHORT and not FIGURE.fullmatch(cell.text)
    return not cell.text or (len(cell.boxes) == 1 and cell.boxes[0].score < SURE) or short_non_figure


def _read_again(image: Image.Image, cells: list[Cell], reread: Reader, find: Reader | None) -> None:
    """Cells with print in them cut out clean and recognised on their own. A doubtful cell keeps the surer
    reading, or the figure where the page gave text; a figure the page gave is read a second time, and one
    the page's detector missed is looked for again (``find``: detector and recogniser) in its cell alone."""
    grey = np.asarray(image)
    core, paper = print_levels(grey)
    cut = [(cell, _print_crop(grey, cell, core, paper)) for cell in cells]
    inked = [(cell, crop) for cell, crop in cut if crop is not None]
    for cell in cells:
        if FIGURE.fullmatch(cell.text):
            cell.again = ""  # unless read again below, and sure
    missed = []  # figures the page's detector did not find: found again in the cell alone
    for (cell, _), (text, score) in zip(inked, reread([crop for _, crop in inked]), strict=True):
        if score >= SURE and text == cell.text:
            cell.again = text  # the page and the cell alone read the same
        elif _doubtful(cell):
            figure_for_text = bool(FIGURE.fullmatch(text)) and not FIGURE.fullmatch(cell.text)
            if score >= MIN_SCORE and (figure_for_text or score >= max((b.score for b in cell.boxes), default=0)):
                cell.text, cell.again = text, "" if FIGURE.fullmatch(text) else text  # read once
                if not cell.boxes and score >= SURE and FIGURE.fullmatch(text):
                    missed.append(cell)
    if find is not None and missed:
        for cell, (text, _) in zip(missed, find([_levelled_cell(grey, c, paper) for c in missed]), strict=True):
            if text == cell.text:
                cell.again = text  # found and read in the cell as on a page, alike


def _levelled_cell(grey: np.ndarray, cell: Cell, paper: int) -> Image.Image:
    """The whole cell inside its rules, its darkest ink black and all lighter than ``paper`` white, on a white
    margin (the detector finds nothing at an image's very edge)."""
    inside = grey[cell.top + MARGIN : cell.bottom - MARGIN, cell.left + MARGIN : cell.right - MARGIN]
    darkest = float(inside.min())
    levelled = np.clip((inside.astype(np.float32) - darkest) * 255 / max(1.0, paper - darkest), 0, 255)
    return ImageOps.expand(Image.fromarray(levelled.astype(np.uint8)), DETECT_MARGIN, fill=255)


def print_levels(grey: np.ndarray) -> tuple[int, int]:
    """Two grey levels of this page: darker than ``core`` is certainly print (a stroke's middle); lighter than
    ``paper`` is paper, a grey background or a stamp's tint (a red seal is light in grey), never print."""
    dark, paper = (float(v) for v in np.percentile(grey, (0.5, 50)))  # a page of little print: dark is paper
    return min(CORE_MAX, round(dark + (paper - dark) * CORE)), round(dark + (paper - dark) * PAPER)


def _print_crop(grey: np.ndarray, cell: Cell, core: int, paper: int) -> Image.Image | None:
    """The print in a cell cut out tight, as the detector cuts text out, on white: its darkest ink black, all
    lighter than halfway from ``core`` to ``paper`` white, and at least about as wide as high (a lone 「1」 cut out narrow reads as 「√」);
    None when the cell holds no print."""
    inside = grey[cell.top + MARGIN : cell.bottom - MARGIN, cell.left + MARGIN : cell.right - MARGIN]
    if inside.size == 0:
        return None
    soft = (core + paper) // 2  # a stroke's edge; a seal's ring across a figure is lighter
    extent = _print_extent(inside, core, soft, grey.shape[0])
    if extent is None:
        return None
    piece = inside[extent].astype(np.float32)
    darkest = float(piece.min())
    levelled = np.clip((piece - darkest) * 255 / max(1.0, soft - darkest), 0, 255).astype(np.uint8)
    height, width = levelled.shape
    pad = max(1, round(height * PAD))
    side = max(pad, round((height * SQUARE - width) / 2))
    canvas = np.full((height + 2 * pad, width + 2 * side), 255, dtype=np.uint8)
    canvas[pad : pad + height, side : side + width] = levelled
    return Image.fromarray(canvas)


def _print_extent(piece: np.ndarray, core: int, soft: int, page_height: int) -> tuple[slice, slice] | None:
    """The rows and columns spanned by strokes: pieces darker than ``soft``, joined where noise broke them,
    that reach ``core`` somewhere and are at least GLYPH of the page high (specks, a seal's tint and the stub
    of a rule, which spans the whole cut-out one way, are left out)."""
    import cv2

    joined = cv2.dilate((piece < soft).astype(np.uint8), np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    darkest = np.full(count, 255, dtype=np.uint8)
    np.minimum.at(darkest, np.asarray(labels, dtype=np.intp).ravel(), piece.ravel())
    tall = max(3, round(GLYPH * page_height))
    high, wide = piece.shape
    keep = [
        s
        for label, s in enumerate(stats[1:count], start=1)
        if darkest[label] < core and tall <= s[cv2.CC_STAT_HEIGHT] < high - 2 and s[cv2.CC_STAT_WIDTH] < wide - 2
    ]
    if not keep:
        return None
    top = min(int(s[cv2.CC_STAT_TOP]) for s in keep)
    bottom = max(int(s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT]) for s in keep)
    left = min(int(s[cv2.CC_STAT_LEFT]) for s in keep)
    right = max(int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]) for s in keep)
    return slice(top, bottom), slice(left, right)


def _row_text(row: list[Cell], again: bool = False) -> str:
    first = next((i for i, c in enumerate(row) if c.text), 0)  # empty cells before: a merged label above
    return "\t".join(c.again if again else c.text for c in row[first:])


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
