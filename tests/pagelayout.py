"""Measure a PDF the way a reviewer with a ruler would: character boxes (pdfplumber) and ink (pdftoppm).

Everything is in millimetres from the top-left corner of the page.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210.0, 297.0
TOP, BOTTOM, LEFT, RIGHT = 37.0, 35.0, 28.0, 26.0  # GB/T 9704 margins
BLOCK_LEFT, BLOCK_RIGHT = LEFT, PAGE_W - RIGHT  # 28 … 184
BLOCK_TOP, BLOCK_BOTTOM = TOP, PAGE_H - BOTTOM  # 37 … 262
LINE_PITCH = 28.9 / MM  # 22 lines per page
CELL = (BLOCK_RIGHT - BLOCK_LEFT) / 28  # one character of the 28-character line
BODY_PT, PAGE_NUMBER_PT = 16, 14
# No line may start with these, nor end with those (the line-breaking rules of Chinese text).
NO_LINE_START = set("，。、；：？！）」』”’》〉】…—%·")
NO_LINE_END = set("（「『“‘《〈【")
DARK = re.compile(rb"[\x00-\x7f]+")  # grey levels darker than half


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    baseline: float = 0.0


@dataclass
class Line:
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self._cjk())

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self._cjk())

    def _cjk(self) -> list[Char]:
        """The Chinese characters (their boxes give the line's extent; Latin faces have other ascent and
        descent), or all characters of a line without any."""
        return [c for c in self.chars if not c.text.isascii()] or self.chars

    def letter_spacing(self) -> float:
        """The letter spacing (mm) justification gave the line: the median gap between two neighbouring
        Chinese characters beyond their own advance widths (justification widens every gap alike; the
        quarter-character gap LibreOffice puts between Chinese and digits is not letter spacing)."""
        gaps = sorted(
            b.x0 - a.x1 for a, b in itertools.pairwise(self.chars) if not a.text.isascii() and not b.text.isascii()
        )
        return gaps[len(gaps) // 2] if gaps else 0.0


@dataclass
class Page:
    number: int
    chars: list[Char]

    def lines(self, size: float = BODY_PT, below: float = BLOCK_BOTTOM + 1) -> list[Line]:
        """Lines of characters of one font size, top to bottom (the footer is below ``below``)."""
        rows: dict[int, list[Char]] = {}
        for c in self.chars:
            if abs(c.size - size) < 0.6 and c.bottom < below and c.text.strip():
                rows.setdefault(round(c.baseline * 4), []).append(c)  # same baseline within 0.25 mm
        return [Line(sorted(rows[key], key=lambda c: c.x0)) for key in sorted(rows)]

    def content(self) -> list[Char]:
        """Every character above the footer."""
        return [c for c in self.chars if c.bottom < BLOCK_BOTTOM + 1 and c.text.strip()]

    def footer(self) -> Line | None:
        chars = sorted((c for c in self.chars if c.top > BLOCK_BOTTOM and c.text.strip()), key=lambda c: c.x0)
        return Line(chars) if chars else None

    def rows(self, x0: float = 0, x1: float = PAGE_W) -> list[tuple[float, str]]:
        """(baseline, text) of each line of the characters between ``x0`` and ``x1``, top to bottom."""
        rows: dict[int, list[Char]] = {}
        for c in self.chars:
            if x0 - 0.3 <= c.x0 and c.x1 <= x1 + 0.3:
                rows.setdefault(round(c.baseline * 2), []).append(c)
        return [(key / 2, "".join(c.text for c in sorted(rows[key], key=lambda c: c.x0))) for key in sorted(rows)]

    def text(self, x0: float = 0, x1: float = PAGE_W) -> str:
        """The page's text (of the characters between ``x0`` and ``x1``), line by line."""
        return "\n".join(text for _, text in self.rows(x0, x1))


def read_pdf(path: Path) -> list[Page]:
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [
                Char(
                    c["text"],
                    c["x0"] / MM,
                    c["x1"] / MM,
                    c["top"] / MM,
                    c["bottom"] / MM,
                    c["size"],
                    (float(page.height) - c["matrix"][5]) / MM,
                )
                for c in page.chars
            ]
            pages.append(Page(number, chars))
    return pages


def dash_centre(path: Path, page: int, dpi: int = 600) -> float | None:
    """Vertical centre (mm) of the page number's dashes 「—」: the ink rows below the text block that
    hold a horizontal run of at least 3 mm (the digits are narrower)."""
    top_px = round(BLOCK_BOTTOM / 25.4 * dpi)
    height_px = round(20 / 25.4 * dpi)
    pgm = subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-y",
            str(top_px),
            "-H",
            str(height_px),
            "-x",
            "0",
            "-W",
            str(round(PAGE_W / 25.4 * dpi)),
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    width, height, pixels = _parse_pgm(pgm)
    run_px = 3 / 25.4 * dpi
    rows = [y for y in range(height) if _longest_dark_run(pixels[y * width : (y + 1) * width]) >= run_px]
    if not rows:
        return None
    return (top_px + (rows[0] + rows[-1]) / 2) / dpi * 25.4


def _parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), data[pos + 1 :]


def _longest_dark_run(row: bytes) -> int:
    return max((len(m.group()) for m in DARK.finditer(row)), default=0)


def full_width_only(text: str) -> bool:
    return all(ord(ch) >= 0x2E80 for ch in text)
