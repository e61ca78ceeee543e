"""The roll-up as a county would publish it: workbook (with the 「汇总数据」 row a higher level reads), HTML, DOCX, PDF.

Publishable means: full unit names, a plain statement of what was summed, no notes for the reviewer
(those go to 审核报告.html and 校验结果.xlsx). A draft (--ignore-errors, some units with errors) is
marked 草稿 on every page and names those units.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

from ..document import BODY, TABLE, TITLE, Block
from ..inputs.roster import RosterColumn, roster_columns, roster_row, write_header
from ..outputs import write_atomic
from ..render.docx import render_docx
from ..render.html import render_blocks
from ..tables import all_grids
from .record import UnitRecord
from .sheets import findings_sheet, grid_sheet, print_setup, text_cells
from .sums import DATA_SHEET, RollUp, excel_number

# On paper the roll-up's table 三 (26 rows) moves to the next page whole rather than start at the foot of page 1
# with its four header rows and two body rows; a page-long table still breaks between its row groups.
ROLLUP_PRINT_STYLE = "<style>@media print{.report section.part-requests{break-inside:avoid}}</style>"
CHART_STYLE = (
    "<style>.charts figure{margin:12pt 0;break-inside:avoid}"
    ".charts figcaption{font-size:10pt;line-height:1.4;text-align:left;text-indent:0}</style>"
)


def public_note(rollup: RollUp) -> str:
    """What the published roll-up says of itself: how many units, which period; for a draft, who has errors."""
    text = f"本表汇总了{rollup.agencies}个单位的第二、三、四部分数据（统计期限{rollup.year}年1月1日至12月31日）。"
    if rollup.draft:
        names = "、".join(rollup.draft)
        text = f"草稿，不可发布：以下单位的数据有错误，已按原样计入：{names}。" + text
    return text


def write_rollup(
    rollup: RollUp,
    records: Iterable[UnitRecord],
    names: dict[int, str],
    output: Path,
    targets: Sequence[str],
    charts: Sequence[str],
) -> list[Path]:
    """The roll-up's files; ``names``: seq -> the unit's full name, for the summed records."""
    note = public_note(rollup)
    paths = [write_atomic(output / f"{rollup.stem_name}.xlsx", _workbook(rollup, records, names, note), force=True)]
    html = rollup_html(rollup, note, charts)
    paths.append(write_atomic(output / f"{rollup.stem_name}.html", html, force=True))
    if "docx" in targets:  # the tables and the note, as the units' DOCX (the charts are in the HTML and PDF)
        docx = render_docx(rollup.report(), blocks=rollup_blocks(rollup, note), draft=bool(rollup.draft))
        paths.append(write_atomic(output / f"{rollup.stem_name}.docx", docx, force=True))
    if "pdf" in targets:
        from ..render.pdf import html_to_pdf  # WeasyPrint loads only when a PDF is asked for

        paths.append(write_atomic(output / f"{rollup.stem_name}.pdf", html_to_pdf(html), force=True))
    return paths


def rollup_html(rollup: RollUp, note: str, charts: Sequence[str] = ()) -> str:
    """The roll-up page (also the PDF): title, note, the three tables, its findings, then the charts."""
    page = render_blocks(rollup.title(), rollup_blocks(rollup, note), draft=bool(rollup.draft))
    figures = f'<section class="charts">{CHART_STYLE}{"".join(charts)}</section>\n' if charts else ""
    return page.replace("</article>", f"{ROLLUP_PRINT_STYLE}{figures}</article>", 1)


def rollup_blocks(rollup: RollUp, note: str) -> list[Block]:
    """Title, the note, and the three tables (二、三、四) of the roll-up."""
    grids = all_grids(rollup.report())
    blocks = [Block(TITLE, rollup.title()), Block(BODY, note)]
    for heading, key in zip(rollup.fmt.headings[1:4], ("active", "requests", "appeals"), strict=True):
        blocks.append(Block(TABLE, heading, grids[key]))
    return blocks


def _workbook(rollup: RollUp, records: Iterable[UnitRecord], names: dict[int, str], note: str) -> bytes:
    workbook = Workbook(write_only=True)
    title = rollup.title() + ("（草稿）" if rollup.draft else "")
    grid_sheet(workbook.create_sheet("汇总表"), rollup.report(), title, note)
    details = workbook.create_sheet("单位明细")
    print_setup(details, landscape=True)
    columns = [RosterColumn("name", "单位", "机关名称", "text"), RosterColumn("status", "单位", "状态", "text")]
    columns += [c for c in roster_columns(rollup.fmt) if c.key in rollup.sums]
    write_header(details, columns, freeze="C3")
    for record in records:
        if record.seq in names and (record.year, record.format) == (rollup.year, rollup.fmt.key):
            numbers = record.numbers or {}
            row = [names[record.seq], record.status, *(excel_number(numbers.get(c.key)) for c in columns[2:])]
            details.append(text_cells(details, row))
    findings_sheet(workbook.create_sheet("汇总校验"), [(rollup.title(), f) for f in rollup.findings])
    data = workbook.create_sheet(DATA_SHEET)
    print_setup(data, landscape=True)
    columns = roster_columns(rollup.fmt)
    write_header(data, columns, freeze="B3")
    data.append(text_cells(data, roster_row(rollup.report(), columns)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
