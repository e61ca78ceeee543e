"""Renderers: a Report to DOCX, HTML and PDF. ``render(report, fmt)`` returns the file's bytes.

``draft=True`` (output made despite errors, ``--ignore-errors``) marks every page 草稿.
"""
from __future__ import annotations

from ..report import Report

TARGETS = ("docx", "html", "pdf")


def render(report: Report, target: str, template=None, draft: bool = False) -> bytes:
    if target == "html":
        from .html import render_html
        return render_html(report, draft).encode("utf-8")
    if target == "pdf":
        from .pdf import render_pdf
        return render_pdf(report, draft)
    if target == "docx":
        from .docx import render_docx
        return render_docx(report, template, draft)
    raise ValueError(target)
