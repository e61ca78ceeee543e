"""The report's content in reading order — title, headings, paragraphs, tables, 落款 — for every renderer.

Layout decisions that every output shares live here too: which paragraph stays with the next one and
where the 落款 lines stand on the 28-character line (GB/T 9704-2012 7.3.5.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import prose
from .formats import HEADINGS
from .report import Report
from .tables import Grid, all_grids

TITLE, HEADING1, HEADING2, BODY, TABLE, SIGNATURE, DATE = (
    "title",
    "heading1",
    "heading2",
    "body",
    "table",
    "signature",
    "date",
)


LINE_CHARS = 28  # characters per line of the 156 mm text block (GB/T 9704)
DRAFT_NOTE = "草稿 · 数据有错误，仅供核对，不得发布"  # on every page of output made despite errors


@dataclass
class Block:
    kind: str
    text: str = ""
    grid: Grid | None = None
    keep_with_next: bool = False  # no page break between this block and the next one
    left: float = 0  # 落款 lines: where the line starts, in characters from the left of the text block
    right: float = 0  # 落款 lines: the space after it, in characters from the right of the text block


def chinese_date(report: Report) -> str:
    d = report.publication_date
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def build_document(report: Report) -> list[Block]:
    grids = all_grids(report)
    blocks = [Block(TITLE, prose.title_lines(report)), Block(BODY, prose.opening(report))]
    blocks.append(Block(HEADING1, HEADINGS[0]))
    blocks += _body(report.text("overview.intro"))
    for key, heading in report.format.overview_parts:
        text = prose.overview_part(report, key)
        if text:
            blocks.append(Block(HEADING2, heading))
            blocks += _body(_strip_heading(text, heading))
    for heading, key in zip(HEADINGS[1:4], ("active", "requests", "appeals")):
        blocks.append(Block(TABLE, heading, grids[key]))  # a table block carries its section heading
    blocks.append(Block(HEADING1, HEADINGS[4]))
    blocks += _body(report.text("problems") or "【此处应写明本年度存在的主要问题及改进措施】")
    blocks.append(Block(HEADING1, HEADINGS[5]))
    blocks += _body(prose.other_matters(report))
    blocks[-1].keep_with_next = True  # the 落款 never stands alone on a page
    return blocks + signature(report.agency.name, chinese_date(report))


def signature(name: str, date: str) -> list[Block]:
    """落款 without seal: the agency name 2 characters from the right; the date on the next line, its first
    character 2 characters right of the name's first. A date that would then end closer than 2 characters
    to the right edge ends 2 characters from it, and the name moves left by as much (the standard's rule for
    a date longer than the name, applied with its margin: Word, WPS and LibreOffice may set the digits of a
    date wider than the half character counted here)."""
    n, d = prose.text_width(name), prose.text_width(date)
    date_right = max(2, n - d)
    name_right = date_right + d + 2 - n
    return [
        Block(SIGNATURE, name, keep_with_next=True, left=max(0, LINE_CHARS - n - name_right), right=name_right),
        Block(DATE, date, left=max(0, LINE_CHARS - d - date_right), right=date_right),
    ]


def _body(text: str) -> list[Block]:
    return [Block(BODY, p) for p in prose.paragraphs(text)]


def _strip_heading(text: str, heading: str) -> str:
    """Users often start a part with its own heading; the renderer prints it already."""
    body = heading[3:]
    for prefix in (heading, body):
        if text.startswith(prefix):
            return text[len(prefix) :].lstrip("。.：: \n")
    return text
