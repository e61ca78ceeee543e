"""Renderers: a Report to DOCX, HTML and PDF. ``render(report, fmt)`` returns the file's bytes.

``draft=True`` (output made despite errors, ``--ignore-errors``) marks every page 草稿.
"""

from __future__ import annotations

from dataclasses import fields, replace

from ..cells import CONTROL_CHARS
from ..report import Report

TARGETS = ("docx", "html", "pdf")


def render(report: Report, target: str, template=None, draft: bool = False) -> bytes:
    report = printable(report)
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


def printable(report: Report) -> Report:
    """The report without characters no document may hold (controls, lone surrogates).

    Every input removes them already with an R0-3 finding; this is the renderers' own guard, so a report
    built any other way can never make DOCX, HTML or PDF output fail.
    """
    agency = {f.name: getattr(report.agency, f.name) for f in fields(report.agency)}
    dirty = [k for k, v in agency.items() if CONTROL_CHARS.search(v)]
    dirty_prose = [k for k, v in report.prose.items() if v and CONTROL_CHARS.search(v)]
    if not dirty and not dirty_prose:
        return report
    return report.evolve(
        agency=replace(report.agency, **{k: CONTROL_CHARS.sub("", agency[k]) for k in dirty}),
        prose={**report.prose, **{k: CONTROL_CHARS.sub("", report.prose[k]) for k in dirty_prose}},
    )
