"""Scanned reports (image-only PDFs, PNG and JPEG) read offline by OCR, kept only where the tables'
arithmetic proves them.

``import_scan(path)``: each page is turned upright and grey (``images``), its text recognised
(``engine``: RapidOCR, models shipped in its wheel, the optional extra ``nianbao[ocr]``), laid out
as the PDF reader lays out a text layer — ruled table rows become tab-separated cells (``layout``) —
and read by the importer like any PDF: headings, tables by their row and column labels, prose. Then
``proof`` keeps only the table cells that an equation of the official tables confirms; each other cell
(all of 二, which no equation checks) is unread, with an S-1 finding that names it, what was recognised,
and whether a second reading of the figure from its cell alone agreed.

Bounded: at most ``images.MAX_PAGES`` pages, ``images.MAX_PIXELS`` pixels a page (a decompression
bomb is refused before it is decoded), ``MAX_SECONDS`` in all.
"""

from __future__ import annotations

import time
from pathlib import Path

from ....errors import InputError
from ....report import Report
from ..items import Source
from .engine import INSTALL, available

__all__ = ["INSTALL", "available", "import_scan"]

MAX_SECONDS = 600  # a 15-page scan takes about two minutes on two cores


def import_scan(path: Path, refused: str = "") -> Report:
    """A scanned report as a Report; ``refused`` is the reader's message for a PDF without text (kept, with
    the install command, when the OCR extra is missing)."""
    if path.suffix.lower() != ".pdf":
        from .images import open_image

        open_image(path).close()  # a decompression bomb is refused whether or not OCR is installed
    if not available():
        reason = refused or f"{path.name}：这是图片，需要文字识别（OCR）才能读取。"
        raise InputError(f"{reason} {INSTALL}")
    from .. import build_report
    from .proof import prove

    try:
        first, second = read_scan(path)
        report = build_report(first, path.name)
    except InputError as exc:
        raise InputError(
            f"{exc} 扫描件的文字是识别出来的，可能不完整：请确认扫描清晰（200～300 dpi）、页面端正，"
            "或改用 Word（.docx）版本。"
        ) from None
    try:
        again = build_report(second, path.name)
    except InputError:
        again = None
    return prove(report, again)


def read_scan(path: Path) -> tuple[Source, Source]:
    """The scan's pages as a Source of items (what the PDF reader would give for a text layer), twice: as read,
    and with the tables' figures read a second time, each from its cell alone (``layout.page_lines``)."""
    from ..pdf import items_from_pages
    from .engine import find_and_read, read_crops, read_page
    from .images import page_images
    from .layout import page_lines

    started, pages, again = time.monotonic(), [], []
    for number, image in enumerate(page_images(path), start=1):
        if time.monotonic() - started > MAX_SECONDS:
            raise InputError(
                f"{path.name}：文字识别超过 {MAX_SECONDS // 60} 分钟仍未完成（已识别 {number - 1} 页），已停止。"
                "请只保留年度报告的页面，或改用 Word（.docx）版本。"
            )
        lines, second = page_lines(image, read_page(image), read_crops, find_and_read)
        pages.append("\n".join(lines))
        again.append("\n".join(second))
    return items_from_pages(pages), items_from_pages(again)
