"""DOCX: the report Word/WPS users edit and publish, built on the reference template's page setup and styles
(or an office's own template, completed by ``docx_template``).

Paragraphs go through python-docx (which escapes text); the tables are written as WordprocessingML
from the shared grids in one go, which is ~10× faster than python-docx's cell-by-cell API.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length

from ..document import (
    BODY,
    DATE,
    DRAFT_NOTE,
    HEADING1,
    HEADING2,
    LINE_CHARS,
    SIGNATURE,
    TABLE,
    TITLE,
    Block,
    build_document,
)
from ..prose import title
from ..report import Report
from ..tables import Grid
from .docx_reference import (
    STYLE_BODY,
    STYLE_H1,
    STYLE_H2,
    STYLE_SIGNATURE,
    STYLE_TABLE,
    STYLE_TITLE,
    save_deterministic,
    set_ppr,
)
from .docx_template import REFERENCE, TemplateError, open_template  # noqa: F401  (re-exported)
from .linebreak import with_breaks
from .row_groups import Piece, row_groups

TWIPS_PER_MM = 1440 / 25.4
STYLE_OF = {
    TITLE: STYLE_TITLE,
    HEADING1: STYLE_H1,
    HEADING2: STYLE_H2,
    BODY: STYLE_BODY,
    SIGNATURE: STYLE_SIGNATURE,
    DATE: STYLE_SIGNATURE,
}
RED = "C00000"
CORE_PROPERTY_CHARS = 255  # title, author: the limit of python-docx (and of Word's 属性 dialog)
CELL_PADDING = round(0.8 * TWIPS_PER_MM)  # top and bottom of every table cell, as in the HTML/PDF


def render_docx(
    report: Report, template: Path | None = None, draft: bool = False, blocks: list[Block] | None = None
) -> bytes:
    """The DOCX of ``report``; ``blocks`` is its built document when the caller has it already (batch)."""
    doc, style_ids = open_template(template)
    body = doc.element.body
    shift = _chars_per_line(doc) - LINE_CHARS  # the 落款 is placed from the right edge
    for block in build_document(report) if blocks is None else blocks:
        if block.kind == TABLE:
            assert block.grid is not None, "build_document gives every table block its grid"
            _paragraph(doc, block.text, style_ids[STYLE_H1])
            body.insert(len(body) - 1, parse_xml(table_xml(block.grid, style_ids[STYLE_TABLE])))
            continue
        if block.kind == SIGNATURE:  # one blank line before the 落款
            _paragraph(doc, "", style_ids[STYLE_BODY], keep_next=True)
        text = with_breaks(block.text) if block.kind == BODY else block.text
        p = _paragraph(doc, text, style_ids[STYLE_OF[block.kind]], block.keep_with_next)
        if block.kind in (SIGNATURE, DATE):
            _place(p, max(0.0, block.left + shift), _char_twips(doc))
    if draft:
        _mark_draft(doc)
    _compress_punctuation(doc)
    _set_properties(doc, report)
    return save_deterministic(doc)


# what may follow w:characterSpacingControl in w:settings (CT_Settings: the order is fixed)
# fmt: off
SETTINGS_AFTER_SPACING_CONTROL = (
    "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore",
    "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
    "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults",
    "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)
# fmt: on


def _compress_punctuation(doc) -> None:
    """标点挤压: Word and WPS compress adjacent full-width punctuation (「”、“」「》（」) under 「压缩标点符号」."""
    settings = doc.settings.element
    control = settings.find(qn("w:characterSpacingControl"))
    if control is None:
        control = parse_xml(f'<w:characterSpacingControl {nsdecls("w")}/>')
        settings.insert_element_before(control, *SETTINGS_AFTER_SPACING_CONTROL)
    control.set(qn("w:val"), "compressPunctuation")


def _paragraph(doc, text: str, style_id: str, keep_next: bool = False):
    """Add a paragraph with a style id (python-docx's style-name lookup costs ~1 ms per paragraph)."""
    paragraph = doc.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.get_or_add_pStyle().val = style_id
    if keep_next:
        set_ppr(ppr, "keepNext")
    return paragraph


def _place(paragraph, left_chars: float, char_twips: float) -> None:
    """A 落款 line starting ``left_chars`` characters in. It may run 2 characters into the right margin
    rather than wrap where digits are wider than half a character (a substitute for Times New Roman)."""
    ppr = paragraph._p.get_or_add_pPr()
    for tag in ("autoSpaceDE", "autoSpaceDN"):  # 2026年1月20日 without spaces around the digits
        set_ppr(ppr, tag, val="0")
    set_ppr(ppr, "ind", left=str(round(left_chars * char_twips)), right=str(round(-2 * char_twips)), firstLine="0")


def _char_twips(doc) -> float:
    """One character of body text: the body font size plus its character spacing, or the document
    grid's character pitch if it has one."""
    normal = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    twips = normal.font.size.twips if normal is not None and normal.font.size else 210
    grid = doc.sections[-1]._sectPr.find(qn("w:docGrid"))
    if grid is not None and grid.get(qn("w:type")) in ("linesAndChars", "snapToChars"):
        return twips + int(grid.get(qn("w:charSpace")) or 0) * 20 / 4096
    spacing = normal.element.find(f"{qn('w:rPr')}/{qn('w:spacing')}") if normal is not None else None
    return twips + (int(spacing.get(qn("w:val"), "0")) if spacing is not None else 0)


def _chars_per_line(doc) -> float:
    """Characters of body text the line holds (a fraction where a template's text width is no multiple)."""
    section = doc.sections[-1]
    width = Length(section.page_width - section.left_margin - section.right_margin)
    return width.twips / _char_twips(doc)


def _mark_draft(doc) -> None:
    """草稿 in red at the top of every page's header (odd, even and first pages)."""
    section = doc.sections[-1]
    headers = [section.header]
    if doc.settings.odd_and_even_pages_header_footer:
        headers.append(section.even_page_header)
    if section.different_first_page_header_footer:
        headers.append(section.first_page_header)
    run = (
        f'<w:r><w:rPr><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体"/><w:b/>'
        f'<w:color w:val="{RED}"/><w:sz w:val="28"/></w:rPr><w:t>{DRAFT_NOTE}</w:t></w:r>'
    )
    for header in headers:
        header.is_linked_to_previous = False
        mark = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="center"/></w:pPr>{run}</w:p>')
        header._element.insert(0, mark)


def _set_properties(doc, report: Report) -> None:
    core = doc.core_properties  # each field holds at most 255 characters (python-docx refuses more)
    core.title = _fits(title(report))
    core.author = core.last_modified_by = _fits(report.agency.name)
    stamp = report.publication_date or datetime(report.year + 1, 1, 1)
    core.created = core.modified = datetime(stamp.year, stamp.month, stamp.day)
    core.revision = 1


def _fits(text: str, limit: int = CORE_PROPERTY_CHARS) -> str:
    """A document property: the whole text, or its first characters and an ellipsis (the body keeps it all)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_xml(grid: Grid, style_id: str) -> str:
    """A <w:tbl> for the grid: fixed column widths, borders, gridSpan/vMerge merges, header rows repeated on
    each page; no row splits, and rows the grid keeps together (``Grid.keep``) stay on one page. A merged cell
    is cut where a page may break (``row_groups``: its text in the first piece, no border between the pieces),
    so LibreOffice centres 「三、本年度办理结果」 on its page instead of putting it at the top of a cell across two."""
    widths = [round(w * TWIPS_PER_MM) for w in grid.widths_mm]
    nrows = grid.nrows
    cover = _coverage(grid)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    rows = []
    for r in range(nrows):
        tr_pr = "<w:cantSplit/>" + ("<w:tblHeader/>" if r < grid.header_rows else "")
        keep = "<w:keepNext/>" if r < nrows - 1 and not grid.break_after(r) else ""
        cells, c = [], 0
        while c < grid.ncols:
            piece, start = cover[r][c]
            cell = piece.cell
            span_width = sum(widths[c : c + cell.colspan])
            tc_pr = f'<w:tcW w:w="{span_width}" w:type="dxa"/>'
            if cell.colspan > 1:
                tc_pr += f'<w:gridSpan w:val="{cell.colspan}"/>'
            if piece.rowspan > 1:
                tc_pr += '<w:vMerge w:val="restart"/>' if start == r else "<w:vMerge/>"
            tc_pr += _open_borders(piece)
            tc_pr += '<w:vAlign w:val="center"/>'
            text = escape(piece.text) if start == r else ""
            color = f'<w:rPr><w:b/><w:color w:val="{RED}"/></w:rPr>' if cell.invalid else ""
            run = f'<w:r>{color}<w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
            cells.append(
                f'<w:tc><w:tcPr>{tc_pr}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep}'
                f'</w:pPr>{run}</w:p></w:tc>'
            )
            c += cell.colspan
        rows.append(f"<w:tr><w:trPr>{tr_pr}</w:trPr>{''.join(cells)}</w:tr>")
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid_cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    margins = (
        f'<w:top w:w="{CELL_PADDING}" w:type="dxa"/><w:left w:w="40" w:type="dxa"/>'
        f'<w:bottom w:w="{CELL_PADDING}" w:type="dxa"/><w:right w:w="40" w:type="dxa"/>'
    )
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar>{margins}</w:tblCellMar>'
        f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid_cols}'
        f'</w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def _open_borders(piece: Piece) -> str:
    """No border between two pieces of one merged cell."""
    sides = [side for side, open_side in (("top", piece.open_top), ("bottom", piece.open_bottom)) if open_side]
    nil = "".join(f'<w:{side} w:val="nil"/>' for side in sides)
    return f"<w:tcBorders>{nil}</w:tcBorders>" if sides else ""


def _coverage(grid: Grid) -> list[list[tuple[Piece, int]]]:
    """For each row and column, the piece of a cell there and the row it starts in."""
    rows = [row for _, group in row_groups(grid) for row in group]
    cover: list[list[tuple[Piece, int] | None]] = [[None] * grid.ncols for _ in range(grid.nrows)]
    for start, row in enumerate(rows):
        for piece in row:
            for r in range(start, start + piece.rowspan):
                for c in range(piece.cell.col, piece.cell.col + piece.cell.colspan):
                    cover[r][c] = (piece, start)
    assert all(all(row) for row in cover), "a grid's cells cover every position of it"
    return cover  # type: ignore[return-value]
