"""Factual sentences generated from the numbers, for prose the user left empty.

Every sentence is computed from the same Report the tables print, so it cannot disagree with them.
"""

from __future__ import annotations

import re

from .formats import HEADINGS
from .numbers import INVALID_MARK, format_number
from .outputs import safe_filename
from .report import Number, Report

TITLE_LINE_CHARS = 20  # 2号 characters that fit on one 156 mm line
TITLE_SUBJECT = "政府信息公开工作年度报告"
# Where a long agency name may break: between nameplates (a space, 、, before a bracketed second name)
# or after a word that ends the name of an organ. Never inside a word.
ORGAN_WORDS = ("人民政府", "办事处", "委员会", "办公室", "管委会", "政府", "街道", "局", "厅", "中心", "院")
NAME_BREAK = re.compile("|".join([r"(?<=[\s、])", r"(?=[（(])", *(f"(?<={w})" for w in ORGAN_WORDS)]))
NOTHING_ELSE = "本年度无其他需要报告的事项。"
# Section 六 text that only says there is nothing to report (contradicted once the fee sentence is added).
SAYS_NOTHING = re.compile(r"(无|没有|暂无|无其他(需要)?报告的?事项|本年度无其他需要报告的事项)[。.]?")


def title(report: Report, suffix: str = "") -> str:
    """「××镇人民政府2025年政府信息公开工作年度报告」 (+ ``suffix``, e.g. 数据汇总表): the one place it is assembled."""
    return f"{report.agency.name}{_after_name(report)}{suffix}"


PAGE_TITLE_NAME_CHARS = 60  # longer agency names are cut in a page's <title> (a browser tab, a bookmark)


def page_title(report: Report, suffix: str = "") -> str:
    """The title for a browser tab: a very long agency name cut with 「…」 (the page's heading keeps it whole)."""
    name = report.agency.name
    if len(name) > PAGE_TITLE_NAME_CHARS:
        name = name[: PAGE_TITLE_NAME_CHARS - 10].rstrip() + "…"
    return f"{name}{_after_name(report)}{suffix}"


def _after_name(report: Report) -> str:
    return f"{report.year}年{TITLE_SUBJECT}"


def text_width(text: str) -> float:
    """Width in full-width characters: Latin letters and digits are half a character."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def title_lines(report: Report) -> str:
    """The title as printed: one line if it fits; else the agency name (broken between nameplates or
    after an organ word if it is long itself) above 「20XX年政府信息公开工作年度报告」."""
    text = title(report)
    if text_width(text) <= TITLE_LINE_CHARS:
        return text
    return "\n".join([*_name_lines(report.agency.name), _after_name(report)])


def file_stem(report: Report, suffix: str = "") -> str:
    """The name of the report's output files, without extension: its title made safe for every file system."""
    return safe_filename(title(report, suffix))


def _name_lines(name: str) -> list[str]:
    """An agency name in lines of at most TITLE_LINE_CHARS, as balanced as its break points allow."""
    if text_width(name) <= TITLE_LINE_CHARS:
        return [name]
    points = {m.start() for m in NAME_BREAK.finditer(name) if 0 < m.start() < len(name)}
    fitting = [i for i in points if text_width(name[:i]) <= TITLE_LINE_CHARS]
    if not fitting:
        return [name]  # no natural break point: the renderer wraps it
    cut = min(
        fitting,
        key=lambda i: (text_width(name[i:]) > TITLE_LINE_CHARS, abs(text_width(name[:i]) - text_width(name[i:]))),
    )
    return [name[:cut].strip(), *_name_lines(name[cut:].strip())]


def says_nothing(text: str) -> bool:
    """Whether section 六's text only says that there is nothing to report (「无。」)."""
    return bool(SAYS_NOTHING.fullmatch(text.strip()))


def figure(value: Number | None, kind: str = "count") -> str:
    """A number in a sentence; a number that could not be read is marked, never printed as 0."""
    return f"【{INVALID_MARK}】" if value is None else format_number(value, kind)


def opening(report: Report) -> str:
    """The customary opening paragraph: legal basis, the six parts, period, where to read, contact."""
    a = report.agency
    parts = "、".join(h.split("、", 1)[1] for h in HEADINGS)
    text = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条规定编制。"
        f"全文包括{parts}六个部分。本报告中所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。"
    )
    if a.website or a.url:
        site = f"“{a.website}”" if a.website else ""
        url = f"（{a.url}）" if a.url else ""
        text += f"本报告电子版可在{site or '政府门户网站'}{url}查阅或下载。"
    contact = "，".join(
        f"{label}：{value}"
        for label, value in (("地址", a.address), ("邮编", a.postcode), ("电话", a.phone), ("电子邮箱", a.email))
        if value
    )
    if contact:
        text += f"如对本报告有疑问，请与{a.name}{a.office}联系（{contact}）。"
    return text


def active_summary(report: Report) -> str:
    """（一）主动公开, from the section 二 table."""

    def n(path: str) -> str:
        return figure(report.number(path))

    who = report.agency.self_reference
    row = report.format.active.row("normative_docs")  # 规范性文件 (townships make no 规章)
    columns = report.format.active_block_of(row.key).columns
    made, changed, stock = ((c.short, n(f"active.{row.key}.{c.key}")) for c in columns)
    docs = f"本年度{made[0]}{row.label}{made[1]}件、{changed[0]}{changed[1]}件，{stock[0]}{stock[1]}件"
    decisions = (
        f"作出行政许可决定{n('active.licensing.decisions')}件、行政处罚决定{n('active.penalty.decisions')}件、"
        f"行政强制决定{n('active.coercion.decisions')}件"
    )
    return f"{report.year}年，{who}依法主动公开政府信息。{docs}；{decisions}。具体情况见第二部分。"


def requests_summary(report: Report) -> str:
    """（二）依申请公开, from the section 三 table."""

    def total(row: str) -> str:
        return figure(report.requests_total(row))

    if report.requests_total("new") == 0 and report.requests_total("carried_over") == 0:
        text = "本年度未收到政府信息公开申请，无上年结转申请。"
    else:
        text = (
            f"本年度共收到政府信息公开申请{total('new')}件，上年结转{total('carried_over')}件，"
            f"办结{total('total_processed')}件（其中予以公开{total('granted')}件、部分公开{total('partial')}件），"
            f"结转下年度继续办理{total('carry_forward')}件。"
        )
    return text + appeals_summary(report)


def appeals_summary(report: Report) -> str:
    review = report.appeals_total("review")
    direct = report.appeals_total("litigation_direct")
    after = report.appeals_total("litigation_after_review")
    if review == direct == after == 0:
        return "本年度未发生政府信息公开行政复议、行政诉讼。"
    litigation = None if direct is None or after is None else direct + after
    parts = []
    if review != 0:
        parts.append(f"政府信息公开行政复议{figure(review)}件")
    if litigation != 0:
        parts.append(f"行政诉讼{figure(litigation)}件")
    return f"本年度发生{'、'.join(parts)}，具体情况见第四部分。"


def fee_statement(report: Report) -> str:
    """The 信息处理费 sentence that section 六 must contain."""
    fees = report.fees
    if fees.collected or (fees.collected is None and fees.amount):  # 否 with an amount is R6-1, never "收取"
        cases = f"（{fees.cases}件）" if fees.cases else ""
        return (
            f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费"
            f"{format_number(fees.amount or 0, 'amount')}元{cases}。"
        )
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
    """Section 六: the user's text plus the fee statement if the text does not already give it.

    A text that only says 「无。」 is dropped once the fee sentence stands there: the two would contradict.
    """
    text = report.text("other")
    fee = fee_statement(report)
    if fee and "信息处理费" not in text:
        text = fee if says_nothing(text) else f"{fee}\n{text}"
    return text or NOTHING_ELSE


def paragraphs(text: str) -> list[str]:
    """Split prose into paragraphs: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]
