"""The assessment tables of a run: 雷同 across units (prose per section) and each unit's 考评 score.

Built from the spool and the settled filing with ``generator.assess``; the tables go to 审核报告.html
and 校验结果.xlsx only (they are for the reviewer, never in the published roll-up).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..assess.scorecard import SCORE_HEADER, Scorecard, score_rows, score_unit
from ..assess.similarity import SIMILARITY_HEADER, similar_prose, similarity_findings, similarity_rows
from ..findings import Finding
from ..formats import FORMATS
from ..report import Agency, Report
from .record import UnitRecord
from .settle import Filing, Unit
from .sheets import Extra


def assessment_tables(records: Any, filing: Filing, card: Scorecard) -> tuple[Extra, ...]:
    """(雷同, 考评): pairs of units with the same prose, and every expected unit's score with its deductions."""
    chosen = [u for u in filing.units if u.chosen and u.chosen.readable]
    pairs = similar_prose([(u.title, _prose_report(records.get(u.chosen.seq), u.title)) for u in chosen if u.chosen])
    similar = Extra(
        "雷同",
        "各单位之间的雷同（文字部分）",
        SIMILARITY_HEADER,
        [list(row) for row in similarity_rows(pairs)],
        "逐部分比较各单位自己写的文字（去掉单位名称、数字和各单位通用的套话）；相同比例达到 80% 的列出。"
        "数据完全相同的单位另见各单位的「说明」。",
        "没有发现单位之间文字雷同。",
    )
    extra_findings = similarity_findings(pairs)
    scores = [(u.title, _score(card, records, u, extra_findings.get(u.title, []))) for u in filing.units if u.listed]
    scored = Extra(
        "考评",
        f"考评得分（{card.title}）",
        SCORE_HEADER,
        [list(row) for row in score_rows(scores)],
        f"考评表：{card.title}，满分 {card.full:g} 分；出处：{card.source}。未提交的单位按 0 分计。",
    )
    return similar, scored


def _prose_report(record: UnitRecord, name: str) -> Report:
    """Just what the 雷同 comparison reads: the unit's names and its prose."""
    fmt = FORMATS[record.format or "2021"]
    return Report(year=record.year or 0, format=fmt, agency=Agency(name=record.name or name), prose=record.prose)


def _score(card: Scorecard, records: Any, unit: Unit, similar: Iterable[Finding]) -> Any:
    if unit.chosen is None:
        return score_unit(card, findings=(), on_time=None, filed=False)
    record = records.get(unit.chosen.seq)
    findings = [Finding(f["rule"], f["severity"], f["where"], f["message"]) for f in record.findings]
    on_time = None if unit.chosen.published is None else unit.chosen.late_days == 0
    return score_unit(card, findings=[*findings, *similar], on_time=on_time, filed=True)
