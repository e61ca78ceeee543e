"""The report's content in reading order — title, headings, paragraphs, tables, 落款 — for every renderer."""
from __future__ import annotations

from dataclasses import dataclass

from . import prose
from .formats import HEADINGS
from .report import Report
from .tables import Grid, all_grids

TITLE, HEADING1, HEADING2, BODY, TABLE, SIGNATURE, DATE = (
    "title", "heading1", "heading2", "body", "table", "signature", "date")


@dataclass
class Block:
    kind: str
    text: str = ""
    grid: Grid | None = None


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
    blocks += [Block(SIGNATURE, report.agency.name), Block(DATE, chinese_date(report))]
    return blocks


def _body(text: str) -> list[Block]:
    return [Block(BODY, p) for p in prose.paragraphs(text)]


def _strip_heading(text: str, heading: str) -> str:
    """Users often start a part with its own heading; the renderer prints it already."""
    body = heading[3:]
    for prefix in (heading, body):
        if text.startswith(prefix):
            return text[len(prefix):].lstrip("。.：: \n")
    return text
