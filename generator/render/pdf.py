"""PDF: WeasyPrint from the HTML page, with the CJK fonts embedded (subset by HarfBuzz when available).

WeasyPrint justifies a line by widening its spaces only, and Chinese has none: its lines stay ragged.
``_justify_between_characters`` replaces that step (for lines with Chinese text) by the CSS
``text-justify: inter-character`` rule that Chinese typesetting uses: the missing width is shared
between all the characters of the line, so every full line ends exactly at the right margin.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from ..report import Report
from .html import render_html

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060"  # <wbr> becomes a zero-width space: it takes no spacing


@lru_cache(maxsize=1)
def _weasyprint():
    import weasyprint  # slow import (~0.5 s): only when a PDF is asked for

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _justify_between_characters()
    return weasyprint


def _justify_between_characters() -> None:
    """Install inter-character justification in WeasyPrint's line layout (checked by tests/test_layout.py)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    spaces_only = inline.justify_line

    def text_boxes(box):
        if isinstance(box, boxes.TextBox):
            if box.text.strip(ZERO_WIDTH):
                yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def spread(box, spacing: float, advance: float) -> float:
        """Add ``spacing`` after every character of ``box``, moving what follows; returns the new advance."""
        if isinstance(box, boxes.TextBox):
            box.position_x += advance
            if not box.text.strip(ZERO_WIDTH):
                return advance
            style = box.style.copy()  # the draw step lays the text out again from the box's style
            letter_spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if letter_spacing == "normal" else letter_spacing) + spacing
            box.style = style
            box.width += spacing * len(box.text)
            return advance + spacing * len(box.text)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += advance
            start = advance
            for child in box.children:
                if child.is_in_normal_flow():
                    advance = spread(child, spacing, advance)
            box.width += advance - start
            return advance
        box.translate(advance, 0)
        return advance

    def justify_line(context, line, extra_width):
        texts = [box.text for box in text_boxes(line)]
        gaps = sum(len(text) for text in texts) - 1  # the last character gets no visible space after it
        if gaps > 0 and any(CJK.search(text) for text in texts):
            spread(line, extra_width / gaps, 0)
        else:
            spaces_only(context, line, extra_width)

    inline.justify_line = justify_line


def render_pdf(report: Report, draft: bool = False) -> bytes:
    return html_to_pdf(render_html(report, draft))


@lru_cache(maxsize=1)
def _font_config():
    """One font configuration per process: rebuilding it for every report costs ~20 % of the time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    return _weasyprint().HTML(string=html, base_url=".").write_pdf(font_config=_font_config())


def warm_up() -> None:
    """Import WeasyPrint now (worker processes do this once, before their first report)."""
    _weasyprint()
