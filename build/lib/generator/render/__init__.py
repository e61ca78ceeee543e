"""Renderers: a Report to DOCX, HTML and PDF. ``render(report, fmt)`` returns the file's bytes."""
from __future__ import annotations

from ..report import Report

TARGETS = ("docx", "html", "pdf")


def render(report: Report, target: str, template=None) -> bytes:
    if target == "html":
        from .html import render_html
        return render_html(report).encode("utf-8")
    if target == "pdf":
        from .pdf import render_pdf
        return render_pdf(report)
    if target == "docx":
        from .docx import render_docx
        return render_docx(report, template)
    raise ValueError(target)
