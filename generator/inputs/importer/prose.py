"""Prose and details of a published report: agency, contact details, 一's sub-parts, fees.

Text that this tool itself generates from the numbers (the （一）（二） summaries, the fee sentence,
the placeholder of an empty section 五) is recognised and not kept as the user's prose, so that
importing a report rendered by ``nianbao render`` gives back the data it was rendered from.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ... import prose as generated
from ...checks.fees import NO_FEE
from ...formats import AMOUNT
from ...numbers import parse_number
from ...report import Agency, Fees, ReportBuilder
from .items import Item, compact

SUBPART = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,2})\s*[）)]\s*(.*)$")
PART_WORDS = (
    ("active", ("主动公开",)),
    ("requests", ("依申请", "申请", "复议", "诉讼")),
    ("management", ("信息管理",)),
    ("platform", ("平台", "新媒体", "网站")),
    ("supervision", ("监督", "保障", "考核", "评议", "责任追究")),
)
PLACEHOLDER = re.compile(r"^【[^】]*】$")
NAME_SUFFIXES = ("人民政府", "街道办事处", "办事处")
URL = re.compile(r"https?://[^\s）)>，,；;。“”\"'<]+")
# ASCII, and a match starts only where a run of address characters starts: linear on any text
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
LEVELS = (("街道", "街道"), ("镇", "镇"), ("乡", "乡"))
SELF_REFERENCES = (
    ("街道", ("我街道", "本街道", "我街", "我街办", "本街办")),
    ("镇", ("我镇", "本镇")),
    ("乡", ("我乡", "本乡")),
)
AGENCY_NAME = re.compile(r"[\u4e00-\u9fa5]{2,14}?(?:人民政府|街道办事处|办事处)")
LEADING_WORDS = "由在为对经据是将把向和与及我本"


def paragraphs_text(items: list[Item]) -> str:
    return "\n".join(item.text.strip() for item in items if item.text.strip())


def title_parts(title: str) -> tuple[str, int | None]:
    """Agency name and year from 「××镇人民政府2020年政府信息公开工作年度报告」 (or year first, or no year)."""
    match = re.search(r"((?:19|20)\d\d)年度?", title)
    if not match:
        return re.sub(r"(政府信息公开|政务公开|信息公开).*$", "", title), None
    name = title[: match.start()] or title[match.end() :]
    name = re.sub(r"(政府信息公开|政务公开).*$|关于$", "", name)
    return name, int(match.group(1))


def report_year(text: str) -> int | None:
    """The report year from the body: 「统计期限自2020年1月1日」, else the year it names most often."""
    flat = compact(text)
    if match := re.search(r"((?:19|20)\d\d)年1月1日", flat):
        return int(match.group(1))
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d\d)年", flat))
    return max(years, key=lambda y: (years[y], y)) if years else None


def name_in_text(text: str) -> str:
    """The agency name the text uses most (「2019年,新华街道办事处高度重视…」), for reports without a title."""
    names = Counter(match.group(0).lstrip(LEADING_WORDS) for match in AGENCY_NAME.finditer(compact(text)))
    return names.most_common(1)[0][0] if names else ""


def full_name(name: str, text: str) -> str:
    """「嵋阳镇」 → 「嵋阳镇人民政府」 when the report itself uses the full name."""
    if not name or name.endswith(NAME_SUFFIXES):
        return name
    for suffix in NAME_SUFFIXES:
        if name + suffix in text:
            return name + suffix
    return name


def agency_from(name: str, opening: str, body: str) -> Agency:
    found = {"name": name}
    level = next((level for word, level in LEVELS if re.search(f"{word}(人民政府|办事处)?$", name)), "")
    words = (
        next((words for lvl, words in SELF_REFERENCES if lvl == level), ())
        if level
        else next((words for _, words in SELF_REFERENCES if any(w in body for w in words)), ())
    )
    counts = Counter(re.findall("|".join(sorted(words, key=len, reverse=True)), body)) if words else Counter()
    if counts:
        found["short_name"] = max(counts, key=lambda k: counts[k])
        level = level or next(lvl for lvl, w in SELF_REFERENCES if w == words)
    if level:
        found["level"] = level
    flat = compact(opening)
    if match := re.search(r"地址[:：]?(.+?)(?=[，,；;。）)]|邮编|邮政编码|电话|$)", flat):
        found["address"] = match.group(1)
    if match := re.search(r"(?:邮编|邮政编码)[:：]?(\d{6})", flat):
        found["postcode"] = match.group(1)
    if match := re.search(r"电话[:：]?([\d\-－—()（）]{6,20}\d)", flat):
        found["phone"] = match.group(1)
    if match := EMAIL.search(flat):
        found["email"] = match.group(0)
    if match := URL.search(flat):
        found["url"] = match.group(0)
    if match := re.search(r"在“([^”]{2,30})”", flat) or re.search(r"在([^，,。（(“”]{2,30}?网站)", flat):
        found["website"] = "" if match.group(1) == "政府门户网站" else match.group(1)
    if match := re.search(r"请与(.{2,40}?)联系", flat):
        contact = match.group(1)
        office = (
            contact[len(name) :]
            if name and contact.startswith(name)
            else re.split(r"人民政府|办事处|政府", contact)[-1]
        )
        found["office"] = office if office != contact else ""
    return Agency(**found)


def overview_parts(paragraphs: list[str]) -> dict[str, str]:
    """Section 一 split into its sub-parts where the sub-headings say which; the rest is the intro."""
    parts: dict[str, list[str]] = {"intro": []}
    key = "intro"
    for text in paragraphs:
        match = SUBPART.match(text)
        if match:
            line = match.group(2)
            heading, _, rest = line.partition("。") if "。" in line[:30] else (line, "", "")
            found = next((k for k, words in PART_WORDS if any(w in heading[:30] for w in words)), None)
            key = found or "intro"
            if not found:
                parts[key].append(text)
                continue
            parts.setdefault(key, [])
            if rest.strip():
                parts[key].append(rest.strip())
            continue
        parts.setdefault(key, []).append(text)
    return {f"overview.{k}": "\n".join(v) for k, v in parts.items() if v}


def drop_generated(builder: ReportBuilder) -> None:
    """Forget prose that equals what the renderer would generate anyway from the same data."""
    report = builder.build()
    for key, make in (("overview.active", generated.active_summary), ("overview.requests", generated.requests_summary)):
        if builder.prose.get(key) == make(report):
            builder.prose[key] = ""
    if PLACEHOLDER.match(builder.prose.get("problems", "")):
        builder.prose["problems"] = ""
    if builder.prose.get("other") == "本年度无其他需要报告的事项。" and builder.fees.collected is None:
        builder.prose["other"] = ""


def read_fees(builder: ReportBuilder) -> None:
    """The 信息处理费 statement (section 六, else anywhere in the prose); the tool's own sentence is taken
    out of the prose."""
    text = builder.prose.get("other", "")
    fees = Fees()
    for part in (text, "\n".join(v for k, v in builder.prose.items() if k != "other")):
        flat = compact(part)
        if NO_FEE.search(flat):
            fees = Fees(collected=False)
        elif match := re.search(r"收取[^。；]{0,12}信息处理费([\d.,]+)元(?:（(\d+)件）)?", flat):
            fees = Fees(
                collected=True,
                amount=_amount(match.group(1)),
                cases=int(match.group(2)) if match.group(2) else None,
            )
        if fees.collected is not None:
            break
    builder.fees = fees
    lines = text.split("\n")
    if fees.collected is not None and lines and lines[0] == generated.fee_statement(builder.build()):
        builder.prose["other"] = "\n".join(lines[1:])


def _amount(digits: str) -> Decimal | None:
    """An amount as printed (digits, dots, commas): parse_number gives a Decimal for AMOUNT unless blank."""
    value = parse_number(digits, AMOUNT).value
    return None if value is None else Decimal(value)
