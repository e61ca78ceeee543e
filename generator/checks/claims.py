"""T-1: the figures and claims written in the prose agree with the tables."""

from __future__ import annotations

import re
from decimal import Decimal

from ..findings import WARNING, Finding
from ..formats import AMOUNT, outcome_rows
from ..limits import for_regex
from ..numbers import chinese_number, format_number
from ..report import PROSE_FIELDS, Number, Report

# A figure as prose writes it: 16, 1.2万 (12000), 十六; not 「每一件」「第一件」「逐一」.
NUM = r"(\d{1,9}(?:\.\d{1,4})?万|\d{1,9}|(?<![每逐任单同第这那哪某唯统])[零〇一二两三四五六七八九十百千万]{1,8})"
COUNT_OF = r"[^。；，,\d]{0,%d}?" + NUM + r"(?:件|起|宗)"  # words, then 「N件」
OUTCOME_CLAIMS = (  # (pattern, outcome rows, what the tables are called)
    (r"予以公开(?:及|和|与|、)部分公开" + COUNT_OF % 6, ("granted", "partial"), "予以公开和部分公开"),
    (r"(?<!不)予以公开(?![及和与、]部分)" + COUNT_OF % 4, ("granted",), "予以公开"),
    (r"(?<!予以公开[及和与、])部分公开" + COUNT_OF % 4, ("partial",), "部分公开"),
    (r"不予公开" + COUNT_OF % 4, ("denied",), "不予公开"),
    (r"无法提供" + COUNT_OF % 4, ("unable",), "无法提供"),
    (r"不予处理" + COUNT_OF % 4, ("not_processed",), "不予处理"),
    (r"其他处理" + COUNT_OF % 4, ("other",), "其他处理"),
)
RECEIVED = (
    r"(?:收到|受理|新收|接到|接收)[^。；，,\d]{0,16}?申请[^。；，,\d]{0,4}?" + NUM + "件",
    r"(?:收到|受理|新收|接到|接收)[^。；，,\d]{0,6}?" + NUM + r"件[^。；，,\d]{0,12}?申请",
)
CLOSED = r"(?:办结|答复)[^。；，,\d]{0,10}?" + NUM + "件"  # not 「其中11件办结」: the number comes after
CARRIED_OVER = r"上年(?:度)?结转[^。；，,\d]{0,8}?" + NUM + "件"
CARRIED_INCLUDED = (
    r"(?:含|包括|其中)[^。；，,\d]{0,4}上年(?:度)?结转"  # 「收到申请5件（含上年结转1件）」: 5 = new + carried
)
CARRIED_FORWARD = (
    r"结转(?:至|到)?下(?:一)?年度?" + COUNT_OF % 8,
    NUM + r"件[^。；，,\d]{0,4}?结转(?:至|到)?下(?:一)?年",
)
RESULT_WORDS = r"(?!维持|纠正|撤销|确认|审结|结果)"  # 「行政复议结果维持1件」 counts one result, not all cases
REVIEW_COUNT = r"行政复议(?:案件)?(?:" + RESULT_WORDS + r"[^。；，,\d]){0,6}?" + NUM + "(?:件|起|宗)"
LITIGATION_COUNT = r"行政诉讼(?:案件)?(?:" + RESULT_WORDS + r"[^。；，,\d]){0,6}?" + NUM + "(?:件|起|宗)"


SENTENCE_CHARS = 2000  # a claim sits in a sentence; a longer "sentence" is not prose a clerk wrote


def figure_said(text: str) -> Number:
    """The figure a claim states: 「16」 16, 「1.2万」 12000, 「十六」 16."""
    if text.endswith("万") and text[0].isdigit():
        value = Decimal(text[:-1]) * 10_000
        return int(value) if value == value.to_integral() else value
    return int(text) if text.isdigit() else chinese_number(text) or 0


def t1_prose_agrees(report: Report) -> list[Finding]:
    """Numbers and claims in the prose agree with the tables. Lines are joined first (a PDF breaks sentences
    across lines); a claim is compared only with numbers that were read."""
    out = []
    for key, text in report.prose.items():
        for sentence in re.split(r"(?<=[。；;！!？?])", re.sub(r"\s+", "", text or "")):
            out += _sentence_findings(report, key, for_regex(sentence, SENTENCE_CHARS))
    return out


def _rows_total(report: Report, prefixes: tuple[str, ...]) -> Number | None:
    """The 总计 of every section 三 row whose key starts with one of ``prefixes`` (None if one is unread)."""
    keys = [r.key for r in report.format.requests.rows if r.key.startswith(prefixes) and not r.derived]
    values = [report.requests_total(k) for k in keys]
    return sum(v for v in values if v is not None) if None not in values else None


def _processed(report: Report) -> Number | None:
    derived = report.requests_total("total_processed")
    return derived if derived is not None else report.typed_totals.get("requests.total_processed.total")


def _sentence_findings(report: Report, key: str, sentence: str) -> list[Finding]:
    if not sentence:
        return []
    new = report.requests_total("new")
    carried = report.requests_total("carried_over")
    processed = _processed(report)
    review = report.appeals_total("review")
    direct, after = report.appeals_total("litigation_direct"), report.appeals_total("litigation_after_review")
    litigation = direct + after if direct is not None and after is not None else None
    pending = [report.number(f"appeals.{r.key}.pending") for r in report.format.appeals.rows]
    claims = []  # (what the prose says, what the tables say, difference)

    def compare(match, figure, name: str, also=()) -> None:
        said = figure_said(match.group(match.lastindex))
        if figure is not None and said != figure and said not in also:
            claims.append((match.group(0), f"表格中{name} {figure} 件", said - figure))

    carried_claim = re.search(CARRIED_OVER, sentence)
    separate = carried_claim is not None and not re.search(CARRIED_INCLUDED, sentence)
    for pattern in RECEIVED:
        if (m := re.search(pattern, sentence)) and new is not None:
            with_carried = (new + carried,) if carried is not None and not separate else ()
            compare(m, new, "本年新收申请", also=with_carried)
            break
    if carried_claim:
        compare(carried_claim, carried, "上年结转申请")
    closed = re.search(CLOSED, sentence)
    if closed:
        compare(closed, processed, "办理结果总计")
    items = []
    for pattern, rows, name in OUTCOME_CLAIMS:
        if m := re.search(pattern, sentence):
            compare(m, _rows_total(report, rows), name)
            items.append((rows, figure_said(m.group(1))))
    if closed and len(items) >= 2:
        claims += _outcome_sum(report, sentence, closed, items)
    for pattern in CARRIED_FORWARD:
        if m := re.search(pattern, sentence):
            compare(m, report.requests_total("carry_forward"), "结转下年度继续办理")
            break
    if m := re.search(REVIEW_COUNT, sentence):
        compare(m, review, "行政复议总计")
    if m := re.search(LITIGATION_COUNT, sentence):
        compare(m, litigation, "行政诉讼总计")
    if re.search(r"未(?:收到|受理|接到)[^。；]{0,12}申请", sentence) and new:
        claims.append((sentence, f"表格中本年新收申请 {new} 件", None))
    if (m := re.search(r"(?:未发生|没有发生|无)[^。；]{0,20}?行政复议", sentence)) and review:
        claims.append((m.group(0), f"表格中行政复议总计 {review} 件", None))
    if (m := re.search(r"(?:未发生|没有发生|无)[^。；]{0,20}?行政诉讼", sentence)) and litigation:
        claims.append((m.group(0), f"表格中行政诉讼总计 {litigation} 件", None))
    if (m := re.search(r"均(?:获|被|予)?维持|全部(?:获|被|予)?维持", sentence)) and any(pending):
        claims.append((m.group(0), f"表格中尚有 {sum(v for v in pending if v)} 件尚未审结", None))
    if m := re.search(r"未收取[^。；]{0,8}?信息处理费", sentence):
        fees = report.fees
        if fees.collected or (fees.collected is None and fees.amount):  # 「否」 with an amount is R6-1's
            amount = f" {format_number(fees.amount, AMOUNT)} 元" if fees.amount else ""
            claims.append((m.group(0), f"信息处理费填写为已收取{amount}", None))
    return [
        Finding(
            "T-1",
            WARNING,
            PROSE_FIELDS.get(key, key),
            f"正文写「{said}」，{tables}，两者不一致，请修改正文或表格。",
            path=f"prose.{key}",
            operands={"正文": said, "表格": tables},
            difference=diff,
        )
        for said, tables, diff in claims
    ]


def _outcome_sum(report: Report, sentence: str, closed, items: list) -> list[tuple]:
    """「办结N件，其中予以公开a件、…」: the items listed add up to N when they are all that the tables have."""
    total, listed = figure_said(closed.group(1)), sum(n for _, n in items)
    named = {row for rows, _ in items for row in rows}
    rest = [r.key for r in outcome_rows(report.format.requests) if not r.key.startswith(tuple(named))]
    others = [report.requests_total(k) for k in rest]
    if listed == total or (listed < total and (None in others or any(others))):
        return []
    return [
        (
            sentence[closed.start() :].rstrip("。；;"),
            f"所列各项办理结果之和为 {listed} 件，不等于办结的 {total} 件",
            listed - total,
        )
    ]
