"""Local guidance a county or province may ask for beyond the official format, off unless asked for
(``Guidance``; ``check --local-guidance``): the length of 一、总体情况 (D-1) and a sub-part of 一 that states
no figure at all (D-2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import WARNING, Finding
from ..formats import HEADINGS
from ..report import PROSE_FIELDS, Report

OVERVIEW_LENGTH = 1000  # characters some 2025 notices ask 一、总体情况 to run to
SHORT = 0.8  # below 80 % of the length asked: reminded
FIGURE = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万两]+(?:件|条|次|个|项|期|场|人次|家|篇)")


@dataclass(frozen=True)
class Guidance:
    """Which local guidance applies: ``check --local-guidance`` turns it on, ``--overview-length`` sets D-1's length."""

    enabled: bool = False
    overview_length: int = OVERVIEW_LENGTH  # 0: no length reminder


def local_guidance(report: Report, guidance: Guidance) -> list[Finding]:
    if not guidance.enabled:
        return []
    return l1_overview_length(report, guidance.overview_length) + l2_parts_without_figures(report)


def l1_overview_length(report: Report, length: int) -> list[Finding]:
    """D-1: 一、总体情况 (the opening and its sub-parts, as written) runs to about ``length`` characters."""
    keys = [k for k in PROSE_FIELDS if k.startswith("overview.")]
    written = sum(len(re.sub(r"\s+", "", report.text(k))) for k in keys)
    if not length or written >= length * SHORT:
        return []
    return [
        Finding(
            "D-1",
            WARNING,
            HEADINGS[0],
            f"总体情况共写了约 {written} 字，本地要求约 {length} 字（自动生成的句子不计）。"
            "请充实主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的具体做法和数字。"
            "（本地要求的字数不同时，用 --overview-length 字数 指定。）",
            path="prose.overview",
            operands={"字数": written, "要求": length},
        )
    ]


def l2_parts_without_figures(report: Report) -> list[Finding]:
    """D-2: a written sub-part of 一 that states no figure at all (no number of items, times, documents …)."""
    out = []
    for key, label in PROSE_FIELDS.items():
        text = report.text(key)
        if not key.startswith("overview.") or key == "overview.intro" or not text or FIGURE.search(text):
            continue
        out.append(
            Finding(
                "D-2",
                WARNING,
                report.places.get(f"prose.{key}") or label,
                "这一小节没有一个具体数字。本地要求总体情况用数据说明工作（如发布信息多少条、开展培训几次），请补充。",
                path=f"prose.{key}",
            )
        )
    return out


NO_GUIDANCE = Guidance()
