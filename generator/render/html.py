"""HTML: one self-contained, accessible page (semantic headings, real rowspan/colspan, th scope)."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..resources import template_text
from ..document import build_document
from ..prose import title
from ..report import Report


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FunctionLoader(template_text), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """Screen typography plus the paged-media rules under @media print (CSS kept in its own files)."""
    screen, paged = template_text("report.css"), template_text("print.css")
    return f"{screen}\n@media print {{\n{paged}\n}}\n"


def render_html(report: Report) -> str:
    return render_blocks(title(report), build_document(report))


def render_blocks(page_title: str, blocks: list) -> str:
    """A page from document blocks (used for reports and for the batch roll-up)."""
    template = _environment().get_template("report.html.j2")
    return template.render(title=page_title, blocks=blocks, css=Markup(stylesheet()), version=__version__)
