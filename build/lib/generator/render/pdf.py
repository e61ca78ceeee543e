"""PDF: WeasyPrint from the HTML page, with the CJK fonts embedded (subset by HarfBuzz when available)."""
from __future__ import annotations

import logging
from functools import lru_cache

from ..report import Report
from .html import render_html


@lru_cache(maxsize=1)
def _weasyprint():
    import weasyprint  # slow import (~0.5 s): only when a PDF is asked for

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def render_pdf(report: Report) -> bytes:
    return html_to_pdf(render_html(report))


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
