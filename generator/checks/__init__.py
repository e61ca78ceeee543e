"""The checker: every rule of the spec (§5) that one year's data can be checked against.

``check(report)`` returns every failing rule, never only the first, each with its place, its operands and the
difference; ``cross_year(report, previous)`` adds the rules that need last year's report. Rule ids are stable
(R3-1 …) and registered with their Chinese names in ``generator.rules``. One module per concern:

- ``balances``   R3-1, R3-2, R3-3, R4-1 — the tables' arithmetic
- ``structure``  G-1, G-2, G-3, G-4, G-7, P-1, T-5, G-6 — format version, headings, sections, placeholders,
                 years left from another report, date
- ``fees``       G-5, R3-5, R6-1, R2-2 — the 信息处理费; an amount in 万元 read both ways
- ``claims``     T-1 — the prose's figures against the tables
- ``identity``   T-3, T-4, R2-1 — who the report speaks for
- ``contact``    A-1, A-2 — the unit's details: contact shapes, one-line fields
- ``cross_year`` X-1, X-2, T-2, X-3, X-4 — against last year's report
- ``guidance``   D-1, D-2 — local guidance beyond the official format, switchable (``Guidance``)

Adding a rule: a function ``(report) -> list[Finding]`` in the module of its concern, listed in ``RULES`` below.
"""

from __future__ import annotations

from ..findings import Finding
from ..report import Report
from .balances import r3_1_balance, r3_2_outcome_total, r3_3_row_total, r4_1_appeal_totals
from .claims import t1_prose_agrees
from .contact import a1_contact_shapes, a2_one_line_details
from .cross_year import cross_year
from .fees import g5_fee_statement, r2_2_wan_yuan_size, r3_5_fee_refusals, r6_1_fees_not_collected
from .guidance import NO_GUIDANCE, Guidance, local_guidance
from .identity import r2_1_township_rules, t3_self_reference, t4_doubled_names
from .structure import (
    DEADLINE,
    g1_headings,
    g2_format_version,
    g3_overview_parts,
    g4_problems,
    g6_publication_date,
    g7_problems_and_measures,
    p1_placeholders,
    t5_stale_year,
)

__all__ = ["DEADLINE", "RULES", "Guidance", "check", "cross_year"]

RULES = (  # in spec order
    r3_1_balance,
    r3_2_outcome_total,
    r3_3_row_total,
    r4_1_appeal_totals,
    g2_format_version,
    g1_headings,
    g3_overview_parts,
    g4_problems,
    g7_problems_and_measures,
    p1_placeholders,
    g5_fee_statement,
    r3_5_fee_refusals,
    r6_1_fees_not_collected,
    r2_1_township_rules,
    r2_2_wan_yuan_size,
    t1_prose_agrees,
    t3_self_reference,
    t4_doubled_names,
    t5_stale_year,
    a1_contact_shapes,
    a2_one_line_details,
)


def check(report: Report, deadline: tuple[int, int] | None = None, guidance: Guidance = NO_GUIDANCE) -> list[Finding]:
    """All findings for one report: reading problems first, then the rules in spec order."""
    findings = list(report.read_findings)
    for rule in RULES:
        findings += rule(report)
    findings += g6_publication_date(report, deadline)
    return findings + local_guidance(report, guidance)
