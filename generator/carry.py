"""Carry last year's report forward into a draft for the next year (form --previous, wizard --answers)."""

from __future__ import annotations

from .formats import STOCK_ROWS, Format, format_for_year
from .report import Fees, Report, ReportBuilder


def next_year(previous: Report, year: int | None = None, fmt: Format | None = None) -> Report:
    """A draft for ``year`` (default: the year after ``previous``) in ``fmt`` (default: the year's format).

    Agency details are kept; 四、结转下年度 becomes 二、上年结转; the documents in force at the end of last
    year become this year's starting stock where the format rolls it forward (2021: 现行有效件数).
    Only those numbers are set: every other number is left blank for this year's figures. Prose is kept
    as a draft a clerk can edit; the checker's T-2 rule warns when it is published largely unchanged.
    """
    year = year or previous.year + 1
    fmt = fmt or format_for_year(year)
    draft = ReportBuilder(
        year=year, format=fmt, agency=previous.agency, fees=Fees(), prose=dict(previous.prose), absent_is_zero=False
    )
    for col in fmt.requests.input_columns:
        draft.numbers[f"requests.carried_over.{col.key}"] = previous.number(f"requests.carry_forward.{col.key}") or 0
    if fmt.stock_flow:
        for row in STOCK_ROWS:
            stock = previous.number(f"active.{row}.{previous.format.stock_column}")
            draft.numbers[f"active.{row}.{fmt.stock_column}"] = stock or 0
    return draft.build()
