"""What a web portal adds around a report: metadata lines, breadcrumbs, the publication time.

Pages saved from portals start with lines such as 「标题: …」 and 「发布时间: 2022-02-08 16:34」, and
carry a breadcrumb 「当前位置：首页>政务公开>…」 followed by 「来源：… 时间：…」 and share buttons
before the report itself. The title and the time are kept (the report's title; the publication date
that G-6 checks). The rest is not the report and is left out, so it becomes neither the agency's
name (「来源：平潭县人民政府」 is the site, not the author) nor part of the prose.
"""

from __future__ import annotations

import re
from datetime import date

from ...numbers import parse_date

Line = tuple[str, str]  # (where, text)

META = re.compile(
    r"^\s*(标题|题目|文章标题|发布时间|发布日期|成文日期|时间|日期|来源|信息来源|发布机构|"
    r"文号|栏目|所属栏目|原文链接|链接|本地目录|索引号|主题分类|访问量|浏览次数|点击数|作者)\s*[:：]\s*(.*)$"
)
TITLE_KEYS = ("标题", "题目", "文章标题")
TIME = re.compile(r"(?:发布时间|发布日期|时间|日期)\s*[:：]\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)")
BREADCRUMB = re.compile(r"^\s*(?:当前位置|您的位置|你的位置|您现在的位置|现在位置|所在位置)\s*[:：]")
RULE = re.compile(r"^\s*[=\-—_*#]{5,}")  # 「==================== 正文 ====================」
CHROME_TOKEN = 20  # after a breadcrumb, chrome is short words (微信 微博 文字版…); the report starts with a long one
TITLE_TOKEN = 60
HEAD_LINES = 30  # metadata and breadcrumbs sit in the first lines of a page


def find_time(text: str) -> date | None:
    """The portal's publication time: 「发布时间：2022-02-08 16:34」, 「时间：2022年2月8日」."""
    match = TIME.search(text)
    return parse_date(re.sub(r"\s+", "", match.group(1))) if match else None


def is_report_title(text: str) -> bool:
    return text.endswith("报告") and 6 <= len(text) <= TITLE_TOKEN


def split_header(lines: list[Line]) -> tuple[list[Line], str, date | None]:
    """The report's lines without the portal's metadata block and breadcrumb; the title and time they gave."""
    title, published = "", None
    rule = next((i for i, (_, text) in enumerate(lines[:HEAD_LINES]) if RULE.match(text)), None)
    body: list[Line] = []
    for index, (where, text) in enumerate(lines):
        meta = META.match(text) if index < HEAD_LINES else None
        if meta or (rule is not None and index <= rule):
            if meta and meta.group(1) in TITLE_KEYS and not title:
                title = meta.group(2).strip()
            published = published or find_time(text)
            continue
        if index < HEAD_LINES and BREADCRUMB.match(text):
            found, published, rest = _after_breadcrumb(text, published)
            title = title or found
            if rest:
                body.append((where, rest))
            continue
        body.append((where, text))
    return _title_line(body), title, published


def _after_breadcrumb(text: str, published: date | None) -> tuple[str, date | None, str]:
    """Title, time and the report text that follow the breadcrumb and chrome on a breadcrumb line."""
    published = published or find_time(text)
    title, tokens = "", text.split()
    for index, token in enumerate(tokens[1:], start=1):
        if is_report_title(token):
            title = token
        elif len(token) > CHROME_TOKEN:
            return title, published, " ".join(tokens[index:])
    return title, published, ""


def _title_line(lines: list[Line]) -> list[Line]:
    """「××2019年…年度报告 根据《条例》…」: a title that opens a long first line gets a line of its own."""
    first = next((i for i, (_, text) in enumerate(lines) if text.strip()), None)
    if first is None:
        return lines
    where, text = lines[first]
    token, _, rest = text.strip().partition(" ")
    if rest.strip() and is_report_title(token):
        return [*lines[:first], (where, token), (where, rest.strip()), *lines[first + 1 :]]
    return lines
