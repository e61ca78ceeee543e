"""Factual sentences generated from the numbers, for prose the user left empty.

Every sentence is computed from the same Report the tables print, so it cannot disagree with them.
"""
from __future__ import annotations

from .formats import HEADINGS
from .numbers import format_number
from .outputs import safe_filename
from .report import Report

TITLE_LINE_CHARS = 20  # 2号 characters that fit on one 156 mm line
TITLE_SUBJECT = "政府信息公开工作年度报告"


def title(report: Report, suffix: str = "") -> str:
    """「××镇人民政府2025年政府信息公开工作年度报告」 (+ ``suffix``, e.g. 数据汇总表): the one place it is assembled."""
    return f"{report.agency.name}{_after_name(report)}{suffix}"


def _after_name(report: Report) -> str:
    return f"{report.year}年{TITLE_SUBJECT}"


def title_lines(report: Report) -> str:
    """The title as printed: a long one breaks after the agency name, never inside 「年度报告」."""
    text = title(report)
    if len(text) <= TITLE_LINE_CHARS:
        return text
    return f"{report.agency.name}\n{_after_name(report)}"


def file_stem(report: Report, suffix: str = "") -> str:
    """The name of the report's output files, without extension: its title made safe for every file system."""
    return safe_filename(title(report, suffix))


def opening(report: Report) -> str:
    """The customary opening paragraph: legal basis, the six parts, period, where to read, contact."""
    a = report.agency
    parts = "、".join(h.split("、", 1)[1] for h in HEADINGS)
    text = (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条规定编制。"
            f"全文包括{parts}六个部分。本报告中所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。")
    if a.website or a.url:
        site = f"“{a.website}”" if a.website else ""
        url = f"（{a.url}）" if a.url else ""
        text += f"本报告电子版可在{site or '政府门户网站'}{url}查阅或下载。"
    contact = "，".join(f"{label}：{value}" for label, value in
                       (("地址", a.address), ("邮编", a.postcode), ("电话", a.phone), ("电子邮箱", a.email)) if value)
    if contact:
        text += f"如对本报告有疑问，请与{a.name}{a.office}联系（{contact}）。"
    return text


def active_summary(report: Report) -> str:
    """（一）主动公开, from the section 二 table."""
    def n(path: str) -> str:
        return format_number(report.number(path))

    who = report.agency.self_reference
    row = report.format.active.row("normative_docs")  # 规范性文件 (townships make no 规章)
    columns = report.format.active_block_of(row.key).columns
    made, changed, stock = ((c.short, n(f"active.{row.key}.{c.key}")) for c in columns)
    docs = f"本年度{made[0]}{row.label}{made[1]}件、{changed[0]}{changed[1]}件，{stock[0]}{stock[1]}件"
    decisions = (f"作出行政许可决定{n('active.licensing.decisions')}件、行政处罚决定{n('active.penalty.decisions')}件、"
                 f"行政强制决定{n('active.coercion.decisions')}件")
    return f"{report.year}年，{who}依法主动公开政府信息。{docs}；{decisions}。具体情况见第二部分。"


def requests_summary(report: Report) -> str:
    """（二）依申请公开, from the section 三 table."""
    def total(row: str) -> str:
        return format_number(report.requests_total(row))

    if not (report.requests_total("new") or report.requests_total("carried_over")):
        text = "本年度未收到政府信息公开申请，无上年结转申请。"
    else:
        text = (f"本年度共收到政府信息公开申请{total('new')}件，上年结转{total('carried_over')}件，"
                f"办结{total('total_processed')}件（其中予以公开{total('granted')}件、部分公开{total('partial')}件），"
                f"结转下年度继续办理{total('carry_forward')}件。")
    return text + appeals_summary(report)


def appeals_summary(report: Report) -> str:
    review = report.appeals_total("review") or 0
    direct = report.appeals_total("litigation_direct") or 0
    after = report.appeals_total("litigation_after_review") or 0
    if not (review or direct or after):
        return "本年度未发生政府信息公开行政复议、行政诉讼。"
    parts = []
    if review:
        parts.append(f"政府信息公开行政复议{review}件")
    if direct or after:
        parts.append(f"行政诉讼{direct + after}件")
    return f"本年度发生{'、'.join(parts)}，具体情况见第四部分。"


def fee_statement(report: Report) -> str:
    """The 信息处理费 sentence that section 六 must contain."""
    fees = report.fees
    if fees.collected or fees.amount:
        cases = f"（{fees.cases}件）" if fees.cases else ""
        return (f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费"
                f"{format_number(fees.amount or 0, 'amount')}元{cases}。")
    if fees.collected is False:
        return "本年度未收取政府信息公开信息处理费。"
    return ""


def overview_part(report: Report, key: str) -> str:
    """Text for a sub-part of 一: the user's, else generated where the numbers allow."""
    text = report.text(f"overview.{key}")
    if text:
        return text
    return {"active": active_summary, "requests": requests_summary}.get(key, lambda r: "")(report)


def other_matters(report: Report) -> str:
    """Section 六: the user's text plus the fee statement if the text does not already give it."""
    text = report.text("other")
    fee = fee_statement(report)
    if fee and "信息处理费" not in text:
        text = f"{fee}\n{text}" if text else fee
    return text or "本年度无其他需要报告的事项。"


def paragraphs(text: str) -> list[str]:
    """Split prose into paragraphs: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]
