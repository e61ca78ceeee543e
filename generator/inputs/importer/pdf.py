"""A PDF into items: its text layer for the prose, the drawn ruling lines for the tables.

A table drawn with ruling lines is read cell by cell from those lines (pdfplumber): a page break
inside a merged label, labels and numbers on one line, vertical labels and blank cells cannot
confuse it. Only pages that name a table are given to pdfplumber (it is slow); every other page,
and the text around the tables, is read from the text layer with pdfium (fast). A page whose
tables have no ruling lines is read as text; ``rows`` then cuts its lines into cells.
Measured on the real 洪泽 2023 PDF and on our own rendered PDFs: ``bench/bench_import.py``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from ...errors import InputError
from .furniture import drop_furniture
from .items import Source, compact, is_numeric, keyform
from .rows import Line, split_lines
from .sections import HEADING
from .tables import is_label
from .text import IMAGE, items_from_lines

VERTICAL_MARK = "\x00"
SPACES = " \u3000\r"  # stripped from text lines; tabs are kept (they separate the cells of ruled tables)
INDENT = 3  # a paragraph's first line is indented by 2 characters
# A justified line may hold a few characters less: the line-breaking rules keep 「“青石发布”」 or a number
# together and move them down whole.
SHORT_FULL_LINE = 2
NEW_PART = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[）)])")  # starts a heading
MIN_PDF_CJK = 200  # fewer CJK characters than this: the PDF has no usable text layer (scanned)
TABLE_MARKS = ("第二十条", "勾稽关系", "申请人情况", "本年新收", "无法提供", "不予处理", "结转下年度", "行政复议")
LIGHT = 0.6  # a fill lighter than this is a background
ROW_REACH = 1.25  # an unruled last row lies within this many row heights below the table
MIN_IMAGE = 60  # points: smaller pictures are logos and seals, not tables
REFUSE = "请提供 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。"


class ScannedPDF(InputError):
    """A PDF without a text layer: the importer gives it to ``scan`` (OCR)."""


def items_from_pdf(path: Path, ruled_tables: bool = True) -> Source:
    """Items of a PDF; ``ruled_tables=False`` reads the tables from the text layer too (for comparison)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(f"{path.name}：PDF 文件已加密，无法读取。{REFUSE}") from None
        raise InputError(f"{path.name}：PDF 文件已损坏或不是 PDF，无法打开。{REFUSE}") from None
    try:
        pages = [_page_text(document[i]) for i in range(len(document))]
    finally:
        document.close()
    if sum("\u4e00" <= ch <= "\u9fff" for text in pages for ch in text) < MIN_PDF_CJK:
        raise ScannedPDF(f"{path.name}：PDF 中没有可提取的文字（可能是扫描件或图片）。{REFUSE}")
    if ruled_tables:
        table_pages = [i for i, text in enumerate(pages) if any(m in compact(text) for m in TABLE_MARKS)]
        pages = _with_ruled_tables(path, pages, table_pages)
    return items_from_pages(pages)


def items_from_pages(pages: list[str]) -> Source:
    """Items of a PDF's page texts: page numbers dropped, vertical labels and wrapped prose joined, rows cut."""
    kept = drop_furniture([text.splitlines() for text in pages])
    lines = [(f"第{number}页", line.strip(SPACES)) for number, page in enumerate(kept, start=1) for line in page]
    return Source(items_from_lines(split_lines(_join_wrapped(_join_vertical(lines)))), exact_cells=False)


def _page_text(page) -> str:
    """A page's text; a large picture becomes an IMAGE line where it stands between the lines."""
    from pypdfium2 import raw

    textpage = page.get_textpage()
    text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
    pictures = sorted(
        (obj.get_bounds() for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE])), key=lambda box: -box[3]
    )
    pictures = [box for box in pictures if box[2] - box[0] > MIN_IMAGE and box[3] - box[1] > MIN_IMAGE]
    if not pictures:
        return text
    parts, width, top = [], page.get_width(), page.get_height()
    for _, bottom, _, upper in pictures:
        parts += [textpage.get_text_bounded(0, upper, width, top), IMAGE]
        top = bottom
    parts.append(textpage.get_text_bounded(0, 0, width, top))
    return "\n".join(parts).replace("\r\n", "\n").replace("\r", "\n")


def _with_ruled_tables(path: Path, pages: list[str], numbers: list[int]) -> list[str]:
    """Pages that name a table, read again with pdfplumber: text around the tables, cells as tab rows."""
    if not numbers:
        return pages
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its English warnings would only confuse a clerk
    pages = list(pages)
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number in numbers:
                text = _ruled_page(pdf.pages[number])
                if text is not None:
                    pages[number] = text
    except Exception:
        return pages
    return pages


def _visible(obj) -> bool:
    """Light filled rectangles are cell backgrounds, not rules (a border may be a thin or a dark filled shape)."""
    if obj["object_type"] != "rect" or obj.get("stroke") or min(obj["width"], obj["height"]) <= 2:
        return True
    return not _light(obj.get("non_stroking_color"))


def _light(color) -> bool:
    """Whether a fill colour (gray, RGB or CMYK components from 0 to 1) is light, like a white or pale background."""
    if not isinstance(color, (tuple, list)) or not all(isinstance(c, (int, float)) for c in color):
        return isinstance(color, (int, float)) and color > LIGHT
    if len(color) == 4:  # CMYK
        return 1 - color[3] - sum(color[:3]) / 3 > LIGHT
    return sum(color) / len(color) > LIGHT


def _ruled_page(page) -> str | None:
    """The page's text with each ruled table's rows in place (tab-separated cells) and each large picture as an
    IMAGE line; None when the page has no ruled table."""
    page = page.filter(_visible)
    tables = [t for t in page.find_tables() if _is_data_table(t)]
    if not tables:
        return None
    pictures = [
        (p["top"], p["bottom"], None) for p in page.images if p["width"] > MIN_IMAGE and p["height"] > MIN_IMAGE
    ]
    blocks = sorted([(t.bbox[1], t.bbox[3], t) for t in tables] + pictures, key=lambda block: block[0])
    parts, top = [], 0.0
    for start, end, table in blocks:
        if start > top:
            parts.append(page.crop((0, top, page.width, start)).extract_text() or "")
        bottom = end
        if table is None:
            parts.append(IMAGE)
        else:
            rows = [[cell.replace("\n", "").strip() for cell in row if cell is not None] for row in table.extract()]
            last, bottom = _unruled_row(page, table)
            parts += ["\t".join(row) for row in [*rows, last] if any(row)]
        top = max(top, bottom)
    if top < page.height:
        parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
    return "\n".join(parts)


def _unruled_row(page, table) -> tuple[list[str], float]:
    """A last row whose bottom rule is on the next page (the table continues there): pdfplumber leaves it out,
    so its words, right below the table, are put into the table's columns by position. Returns the row (empty
    if there is none) and where the table ends."""
    x0, _, x1, y1 = table.bbox
    height = table.rows[-1].bbox[3] - table.rows[-1].bbox[1]
    bottom = min(page.height, y1 + height * ROW_REACH)
    words = page.crop((x0, y1, x1, bottom)).extract_words()
    if not words or min(w["top"] for w in words) - y1 > height / 2:
        return [], y1
    edges = sorted({round(x, 1) for cell in table.cells for x in (cell[0], cell[2])})
    cells = [""] * (len(edges) - 1)
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        middle = (word["x0"] + word["x1"]) / 2
        column = next((i for i in range(len(cells)) if edges[i] <= middle < edges[i + 1]), len(cells) - 1)
        cells[column] += word["text"]
    filled = [cell for cell in cells if cell]
    if len(filled) < 2 or not any(is_numeric(cell) for cell in filled):
        return [], y1  # text below the table (a heading), not a row of it
    first = next(i for i, cell in enumerate(cells) if cell)
    return cells[first:], max(w["bottom"] for w in words) + 1


def _is_data_table(table) -> bool:
    rows = table.extract()
    return sum(1 for row in rows if sum(1 for cell in row if cell and cell.strip()) >= 2) >= 2


def _join_vertical(lines: list[Line]) -> list[Line]:
    """A label printed one character per line (「三」「、」「本」…) becomes one line again."""
    out: list[Line] = []
    for where, line in lines:
        single = len(line) == 1 and not line.isdigit()
        if single and out and out[-1][1].endswith(VERTICAL_MARK):
            out[-1] = (out[-1][0], out[-1][1][:-1] + line + VERTICAL_MARK)
        else:
            out.append((where, line + VERTICAL_MARK if single else line))
    return [(where, line.removesuffix(VERTICAL_MARK)) for where, line in out]


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Prose wrapped at the page width: a full line not ending a sentence continues on the next."""
    lengths = Counter(len(line) for _, line in lines if len(line) > 10 and " " not in line and "\t" not in line)
    if not lengths:
        return lines
    width = lengths.most_common(1)[0][0]
    out: list[Line] = []
    previous = ""  # the previous physical line
    for where, line in lines:
        if (
            len(previous) >= width - INDENT - SHORT_FULL_LINE
            and line
            and not previous.endswith("。")
            and not re.search(r"[ \t]", previous + line)
            and not _starts_block(line)
        ):
            out[-1] = (out[-1][0], out[-1][1] + line)
        else:
            out.append((where, line))
        previous = line
    return out


def _starts_block(line: str) -> bool:
    """A line that begins something of its own: a heading, a table label or a table caption."""
    return (
        line == IMAGE
        or bool(HEADING.match(line) or NEW_PART.match(line))
        or is_label(line)
        or keyform(line).startswith("第二十条")
    )
