"""Carry last year's report forward into a draft for the next year (form --previous, wizard --answers)."""
from __future__ import annotations

import copy

from .formats import format_for_year
from .report import Report


def next_year(previous: Report) -> Report:
    """A draft for ``previous.year + 1``: agency details kept, 结转下年度 → 上年结转, 现行有效件数 rolled forward.

    Other numbers start at 0. Prose is kept as a draft (``prose``) so a clerk can edit it; the checker's
    T-2 rule warns when it is published largely unchanged.
    """
    year = previous.year + 1
    fmt = format_for_year(year)
    draft = Report(year=year, format=fmt, agency=copy.copy(previous.agency), fees=type(previous.fees)(),
                   prose=dict(previous.prose))
    draft.numbers = {path: 0 for path in fmt.input_paths}
    for col in fmt.requests.input_columns:
        draft.numbers[f"requests.carried_over.{col.key}"] = previous.number(f"requests.carry_forward.{col.key}") or 0
    for row in ("rules", "normative_docs"):
        before = previous.number(f"active.{row}.in_force") if previous.format.key == "2021" else \
            previous.number(f"active.{row}.total_public")
        if fmt.key == "2021":
            draft.numbers[f"active.{row}.in_force"] = before or 0
    return draft
