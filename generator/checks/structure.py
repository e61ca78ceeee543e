"""The report's structure: format version (G-2), the six headings (G-1), the topics of 一 (G-3), section 五 (G-4,
G-7), placeholders left in the prose (P-1), years left from another report (T-5) and the publication date (G-6)."""

from __future__ import annotations

import re
from datetime import date

from ..findings import ERROR, WARNING, Finding
from ..formats import HEADINGS, OVERVIEW_PARTS, format_for_year
from ..numbers import CHINESE_DIGITS
from ..report import PROSE_FIELDS, Report

PLACEHOLDER = "【"
# What a sentence of 一 says when it covers a topic without its sub-heading (G-3).
TOPIC_WORDS = {
    "management": re.compile(r"信息管理|公开目录|公开指南|保密审查|发布审核|动态更新|政策解读|信息清理"),
    "platform": re.compile(r"公开平台|平台建设|门户网站|政府网站|新媒体|公众号|政务公开专区|公开栏|公开专栏"),
    "supervision": re.compile(r"监督保障|监督检查|考核|培训|社会评议|责任追究|工作机制|组织领导"),
}
DEADLINE = (1, 31)  # (month, day) of the year after the report year by which it is published (G-6)
GOVERNMENT_DEADLINE = (3, 31)  # a 县级以上 people's government's own report (条例第四十九条)
COUNTY_GOVERNMENT = re.compile(r"(?:省|自治区|市|州|盟|县|旗|区)人民政府$")
COUNTY_LEVELS = ("县", "区", "市", "州", "省")


def default_deadline(report: Report) -> tuple[int, int]:
    """3月31日 for a 县级以上 people's government's own report, 1月31日 for departments and townships (条例第四十九条)."""
    agency = report.agency
    if agency.is_township:
        return DEADLINE
    if COUNTY_GOVERNMENT.search(agency.name.strip()) or (not agency.name.strip() and agency.level in COUNTY_LEVELS):
        return GOVERNMENT_DEADLINE
    return DEADLINE


def g2_format_version(report: Report) -> list[Finding]:
    """The tables follow the format of the report year."""
    expected = format_for_year(report.year)
    if report.format.key == expected.key:
        return []
    return [
        Finding(
            "G-2",
            ERROR,
            "表格格式版本",
            f"{report.year}年度报告应使用{expected.name}（{expected.issued_by}），"
            f"但本报告使用的是{report.format.name}（{report.format.issued_by}）。",
            path="format",
            operands={"年度": report.year, "使用的格式": report.format.key, "应使用": expected.key},
        )
    ]


def g1_headings(report: Report) -> list[Finding]:
    """Six headings present, in order, with the exact wording (only for imported reports)."""
    if report.headings is None:
        return []
    found = list(report.headings)
    matched = _match_headings(found)
    out = []
    for heading, match in zip(HEADINGS, matched):
        if match is None:
            out.append(Finding("G-1", ERROR, f"第{heading[0]}部分", f"缺少「{heading}」部分。"))
        elif found[match] != heading:
            out.append(
                Finding(
                    "G-1",
                    WARNING,
                    f"第{heading[0]}部分标题",
                    f"标题写作「{found[match]}」，规范写法是「{heading}」。",
                    operands={"原文": found[match]},
                )
            )
    order = [m for m in matched if m is not None]
    if order != sorted(order):
        out.append(Finding("G-1", ERROR, "六个部分的顺序", "各部分顺序不对，应依次为：" + "；".join(HEADINGS) + "。"))
    return out


def _match_headings(found: list[str]) -> list[int | None]:
    """For each official heading, the index of the found heading that stands for it (None: missing).

    Exact wording wins; otherwise the most similar unused heading, preferring the same number and position.
    """
    from difflib import SequenceMatcher

    matched: list[int | None] = [found.index(h) if h in found else None for h in HEADINGS]
    for i, heading in enumerate(HEADINGS):
        if matched[i] is not None:
            continue
        body = heading.split("、", 1)[1]
        candidates = [
            (
                SequenceMatcher(None, body, text).ratio()
                + (0.2 if j == i else 0)
                + (0.4 if text.startswith(heading[:2]) else 0),
                j,
            )
            for j, text in enumerate(found)
            if j not in matched
        ]
        best = max(candidates, default=(0, None))
        matched[i] = best[1] if best[0] >= 0.5 else None
    return matched


def g3_overview_parts(report: Report) -> list[Finding]:
    """一 covers the topics the report year's format asks for (2021 format: five; 主动公开 and 依申请公开 are
    generated if empty), under their own sub-heading or in sentences about them (「三是完善公开平台…」)."""
    required = format_for_year(report.year).required_overview
    overview = re.sub(r"\s+", "", "".join(v for k, v in report.prose.items() if k.startswith("overview.")))
    return [
        Finding(
            "G-3",
            WARNING,
            f"{HEADINGS[0]} · {title}",
            f"没有填写「{title}」的内容，条例第五十条要求总体情况涵盖这一方面。请补充本年度实际做法。",
            path=f"prose.overview.{key}",
        )
        for key, title in OVERVIEW_PARTS
        if key in required and not report.text(f"overview.{key}") and not TOPIC_WORDS[key].search(overview)
    ]


def g4_problems(report: Report) -> list[Finding]:
    """Section 五 must state real problems and measures."""
    if report.text("problems"):
        return []
    return [
        Finding(
            "G-4", ERROR, HEADINGS[4], "没有填写内容。请写明本年度存在的主要问题和具体改进措施。", path="prose.problems"
        )
    ]


NOTHING_SAID = re.compile(r"^(?:无|没有|暂无|暂无问题|无问题|没有问题|无明显问题|暂无存在问题|不存在问题)[。.；;！!]?$")
MEASURE_WORDS = re.compile(r"改进|措施|整改|下一步|将进一步|将继续|加强|完善|提升|推进|强化|健全|规范")


def g7_problems_and_measures(report: Report) -> list[Finding]:
    """G-7: section 五 states problems AND improvements (条例第五十条): not only 「无」/「暂无问题」, and with some
    改进/措施 at all. An empty section 五 is G-4's."""
    text = re.sub(r"\s+", "", report.text("problems"))
    if not text:
        return []
    if NOTHING_SAID.match(text):
        message = f"只写了「{text}」。条例第五十条要求写明存在的主要问题和改进情况，请如实写出问题和具体措施。"
    elif not MEASURE_WORDS.search(text):
        message = "没有写改进情况或措施（没有「改进」「措施」「整改」「加强」「下一步」等内容）。请写明针对问题的具体改进措施。"
    else:
        return []
    return [Finding("G-7", WARNING, HEADINGS[4], message, path="prose.problems", operands={"正文": text[:40]})]


THIS_YEAR_WORDS = r"本年度|本年|今年|全年|年内|年度内"
CN_DIGIT = "〇零一二三四五六七八九"
# 2023年, ２０２３年 (full-width), 二〇二三年 (Chinese digits, as official writing often has it)
YEAR_IN_PROSE = re.compile(
    rf"(?<![\d{CN_DIGIT}])((?:19|20|１９|２０)\d{{2}}|(?:一九|二[〇零])[{CN_DIGIT}]{{2}})\s*年(?!\d)"
)


def _year_number(text: str) -> int:
    """2023 for 「2023」, 「２０２３」 or 「二〇二三」."""
    return int("".join(str(CHINESE_DIGITS.get(ch, ch)) for ch in text))


NEAR = 12  # characters either side of a year in which a 本年度-type word makes it read as the report year


def t5_stale_year(report: Report) -> list[Finding]:
    """T-5: a year that is neither the report year nor the one before, written as if it were this year's (next to
    本年度/全年 …): prose left from another year's report (e.g. carried forward by ``form --previous``)."""
    out = []
    allowed = {report.year, report.year - 1}
    for key, label in PROSE_FIELDS.items():
        text = report.text(key)
        stale = []
        for m in YEAR_IN_PROSE.finditer(text):
            year = _year_number(m.group(1))
            if year in allowed or year > report.year + 1:
                continue
            around = text[max(0, m.start() - NEAR) : m.end() + NEAR]
            if re.search(THIS_YEAR_WORDS, around) or re.match(r"度?[，,]", text[m.end() :]):
                stale.append(m.group(0))
        if stale:
            years = "、".join(f"「{y}」" for y in dict.fromkeys(stale))
            out.append(
                Finding(
                    "T-5",
                    WARNING,
                    report.places.get(f"prose.{key}") or label,
                    f"正文中的{years}不是本报告的{report.year}年度，却写在「本年度」「全年」这类说法旁边："
                    "可能是照抄往年报告的文字，请按本年度情况改写。",
                    path=f"prose.{key}",
                    operands={"年份": list(dict.fromkeys(stale)), "报告年度": report.year},
                )
            )
    return out


def _deadline_basis(report: Report) -> str:
    if default_deadline(report) == GOVERNMENT_DEADLINE:
        return "（条例第四十九条：县级以上人民政府的年度报告于每年3月31日前公布）"
    return "（条例第四十九条：政府部门和乡镇、街道的年度报告于每年1月31日前公布）"


def p1_placeholders(report: Report) -> list[Finding]:
    """P-1: no 【…】 placeholder from a starting paragraph (wizard, Excel hints) may reach the published text."""
    return [
        Finding(
            "P-1",
            ERROR,
            PROSE_FIELDS.get(key, key),
            f"还有 {text.count(PLACEHOLDER)} 处【…】占位文字没有换成本单位的实际情况，请补写后删去【】。",
            path=f"prose.{key}",
            operands={"占位": re.findall(r"【[^】]*】", text)[:5]},
        )
        for key, text in report.prose.items()
        if PLACEHOLDER in (text or "")
    ]


def g6_publication_date(report: Report, deadline: tuple[int, int] | None = None) -> list[Finding]:
    """The report is published by 1月31日 of the following year, 3月31日 for a 县级以上 government's own report
    (``default_deadline``; ``deadline`` overrides it)."""
    if report.publication_date is None:
        return [Finding("G-6", WARNING, "发布日期", "没有填写发布日期，落款将没有日期。", path="publication_date")]
    limit = date(report.year + 1, *(deadline or default_deadline(report)))
    if report.publication_date <= limit:
        return []
    late = (report.publication_date - limit).days
    return [
        Finding(
            "G-6",
            WARNING,
            "发布日期",
            f"发布日期 {report.publication_date:%Y-%m-%d} 晚于 {limit:%Y-%m-%d} 的公布期限 {late} 天"
            f"{'' if deadline else _deadline_basis(report)}。",
            path="publication_date",
            operands={"发布日期": str(report.publication_date), "期限": str(limit)},
            difference=late,
        )
    ]
