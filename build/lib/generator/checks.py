"""The checker: every rule of the spec (§5) that one year's data can be checked against.

``check(report)`` returns every failing rule, never only the first, each with its place, its
operands and the difference. Rule ids are stable (R3-1 …); G-3 and G-4 are this tool's own.
"""
from __future__ import annotations

import re
from datetime import date

from .findings import ERROR, WARNING, Finding
from .formats import HEADINGS, OVERVIEW_PARTS, STOCK_ROWS, format_for_year
from .report import PROSE_FIELDS, Report

FEE_WORDS = re.compile(r"信息处理费|收费|费用")
PLACEHOLDER = "【"


def check(report: Report, deadline: tuple[int, int] = (1, 31)) -> list[Finding]:
    """All findings for one report: reading problems first, then the rules in spec order."""
    findings = list(report.read_findings)
    for rule in (r3_1_balance, r3_2_outcome_total, r3_3_row_total, r4_1_appeal_totals,
                 g2_format_version, g1_headings, g3_overview_parts, g4_problems, p1_placeholders, g5_fee_statement,
                 r3_5_fee_refusals, r2_1_township_rules, t1_prose_agrees):
        findings += rule(report)
    findings += g6_publication_date(report, deadline)
    return findings


# --- arithmetic ------------------------------------------------------------------------------

def r3_1_balance(report: Report) -> list[Finding]:
    """Per column of 三: 一 + 二 = （七）总计 + 四."""
    out = []
    for col in report.format.requests.input_columns:
        new, carried, processed, forward = (report.number(f"requests.{r}.{col.key}") for r in
                                            ("new", "carried_over", "total_processed", "carry_forward"))
        if None in (new, carried, processed, forward):
            continue
        diff = (new + carried) - (processed + forward)
        if diff:
            out.append(Finding(
                "R3-1", ERROR, f"{HEADINGS[2]} · 列「{col.label}」{_sheet_column(report, f'requests.new.{col.key}')}",
                f"一、新收({new}) + 二、上年结转({carried}) = {new + carried}，"
                f"但（七）总计({processed}) + 四、结转下年度({forward}) = {processed + forward}，相差 {diff}。"
                "请核对本列的新收、结转和各项办理结果。",
                path=f"requests.*.{col.key}",
                operands={"新收": new, "上年结转": carried, "办理结果总计": processed, "结转下年度": forward},
                difference=diff))
    return out


def _sheet_column(report: Report, path: str) -> str:
    """「（本列新收在工作表「三、依申请公开」单元格 D6）」 when the number came from a spreadsheet, else ""."""
    match = re.match(r"(工作表「[^」]+」).*?(单元格 [A-Z]+\d+)", report.places.get(path, ""))
    return f"（本列新收在{match.group(1)}{match.group(2)}）" if match else ""


def _typed_total_findings(report: Report, rule: str, paths: list[str], parts: str) -> list[Finding]:
    out = []
    for path in paths:
        typed = report.typed_totals.get(path)
        derived = report.number(path)
        if path not in report.typed_totals or typed is None or derived is None or typed == derived:
            continue
        out.append(Finding(
            rule, ERROR, report.where(path),
            f"填写的总计为 {typed}，但{parts}之和为 {derived}，相差 {typed - derived}。"
            "总计由工具自动计算，请核对各分项或删去总计。",
            path=path, operands={"填写的总计": typed, "分项之和": derived}, difference=typed - derived))
    return out


def r3_2_outcome_total(report: Report) -> list[Finding]:
    """Per column of 三: （七）总计 = the sum of the outcome rows （一）…（六）."""
    cols = [c.key for c in report.format.requests.columns]
    return _typed_total_findings(report, "R3-2", [f"requests.total_processed.{c}" for c in cols],
                                 "（一）至（六）各项办理结果")


def r3_3_row_total(report: Report) -> list[Finding]:
    """Per row of 三: 总计 = the six applicant columns."""
    rows = [r.key for r in report.format.requests.rows if not r.derived]
    return _typed_total_findings(report, "R3-3", [f"requests.{r}.total" for r in rows], "六类申请人")


def r4_1_appeal_totals(report: Report) -> list[Finding]:
    """For 行政复议 and both kinds of 行政诉讼: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    appeals = report.format.appeals
    return _typed_total_findings(report, "R4-1", [f"appeals.{r.key}.total" for r in appeals.rows],
                                 "、".join(c.label for c in appeals.input_columns))


# --- structure -------------------------------------------------------------------------------

def g2_format_version(report: Report) -> list[Finding]:
    """The tables follow the format of the report year."""
    expected = format_for_year(report.year)
    if report.format.key == expected.key:
        return []
    return [Finding(
        "G-2", ERROR, "表格格式版本",
        f"{report.year}年度报告应使用{expected.name}（{expected.issued_by}），"
        f"但本报告使用的是{report.format.name}（{report.format.issued_by}）。",
        path="format", operands={"年度": report.year, "使用的格式": report.format.key, "应使用": expected.key})]


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
            out.append(Finding("G-1", WARNING, f"第{heading[0]}部分标题",
                               f"标题写作「{found[match]}」，规范写法是「{heading}」。", operands={"原文": found[match]}))
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
        candidates = [(SequenceMatcher(None, body, text).ratio() + (0.2 if j == i else 0)
                       + (0.4 if text.startswith(heading[:2]) else 0), j)
                      for j, text in enumerate(found) if j not in matched]
        best = max(candidates, default=(0, None))
        matched[i] = best[1] if best[0] >= 0.5 else None
    return matched


def g3_overview_parts(report: Report) -> list[Finding]:
    """A people's government covers five topics in 一 (art. 50); 主动公开 and 依申请公开 are generated if empty."""
    out = []
    for key, title in OVERVIEW_PARTS[2:]:
        if not report.text(f"overview.{key}"):
            out.append(Finding("G-3", WARNING, f"{HEADINGS[0]} · {title}",
                               f"没有填写「{title}」的内容，条例第五十条要求总体情况涵盖这一方面。请补充本年度实际做法。",
                               path=f"prose.overview.{key}"))
    return out


def g4_problems(report: Report) -> list[Finding]:
    """Section 五 must state real problems and measures."""
    if report.text("problems"):
        return []
    return [Finding("G-4", ERROR, HEADINGS[4], "没有填写内容。请写明本年度存在的主要问题和具体改进措施。",
                    path="prose.problems")]


def p1_placeholders(report: Report) -> list[Finding]:
    """P-1: no 【…】 placeholder from a starting paragraph (wizard, Excel hints) may reach the published text."""
    return [Finding("P-1", ERROR, PROSE_FIELDS.get(key, key),
                    f"还有 {text.count(PLACEHOLDER)} 处【…】占位文字没有换成本单位的实际情况，请补写后删去【】。",
                    path=f"prose.{key}", operands={"占位": re.findall(r"【[^】]*】", text)[:5]})
            for key, text in report.prose.items() if PLACEHOLDER in (text or "")]


def _mentions_fees(report: Report) -> bool:
    return bool(FEE_WORDS.search(report.text("other")))


def g5_fee_statement(report: Report) -> list[Finding]:
    """Section 六 states the 信息处理费 collected (or that none was)."""
    if report.fees.collected is not None or "信息处理费" in report.text("other"):
        return []
    return [Finding("G-5", WARNING, HEADINGS[5],
                    "没有说明本年度信息处理费收取情况。请在“信息处理费”处填写是否收取及金额（未收取请选“否”）。",
                    path="fees.collected")]


def r3_5_fee_refusals(report: Report) -> list[Finding]:
    """（六）2 (applicant did not pay the fee) > 0 ⇒ section 六 mentions fees."""
    row = report.format.fee_refusal_row
    path = f"requests.{row}.total"
    if not row or not report.number(path) or report.fees.collected or _mentions_fees(report):
        return []
    return [Finding("R3-5", WARNING, HEADINGS[5],
                    f"第三部分有 {report.number(path)} 件因申请人逾期未缴纳费用不再处理，"
                    "但未说明收取信息处理费的情况，请在第六部分写明。",
                    path=path, operands={"逾期未缴费件数": report.number(path)})]


def r2_1_township_rules(report: Report) -> list[Finding]:
    """A township cannot make 规章: its 规章 row should be all zero."""
    if not report.agency.is_township:
        return []
    block = report.format.active_block_of("rules")
    nonzero = {c.label: report.number(f"active.rules.{c.key}") for c in block.columns
               if report.number(f"active.rules.{c.key}")}
    if not nonzero:
        return []
    return [Finding("R2-1", WARNING, report.format.describe(f"active.rules.{block.columns[0].key}").rsplit(" · ", 1)[0],
                    "乡镇、街道没有规章制定权，「规章」一行应为 0；规范性文件请填在下一行。",
                    path="active.rules", operands=nonzero)]


def g6_publication_date(report: Report, deadline: tuple[int, int]) -> list[Finding]:
    """The report is published by 1月31日 of the following year (configurable)."""
    if report.publication_date is None:
        return [Finding("G-6", WARNING, "发布日期", "没有填写发布日期，落款将没有日期。", path="publication_date")]
    limit = date(report.year + 1, *deadline)
    if report.publication_date <= limit:
        return []
    late = (report.publication_date - limit).days
    return [Finding("G-6", WARNING, "发布日期",
                    f"发布日期 {report.publication_date:%Y-%m-%d} 晚于 {limit:%Y-%m-%d} 的公布期限 {late} 天。",
                    path="publication_date", operands={"发布日期": str(report.publication_date), "期限": str(limit)},
                    difference=late)]


# --- prose against tables (T-1) --------------------------------------------------------------

def t1_prose_agrees(report: Report) -> list[Finding]:
    """Numbers and claims in the prose agree with the tables."""
    out = []
    for key, text in report.prose.items():
        for sentence in re.split(r"(?<=[。；;！!？?\n])", text or ""):
            out += _sentence_findings(report, key, sentence.strip())
    return out


def _sentence_findings(report: Report, key: str, sentence: str) -> list[Finding]:
    if not sentence:
        return []
    new = report.requests_total("new")
    carried = report.requests_total("carried_over")
    processed = report.requests_total("total_processed")
    review = report.appeals_total("review")
    litigation = (report.appeals_total("litigation_direct") or 0) + (report.appeals_total("litigation_after_review") or 0)
    pending = sum(report.number(f"appeals.{r}.pending") or 0 for r in ("review", "litigation_direct", "litigation_after_review"))
    claims = []  # (what the prose says, what the tables say, explanation)
    if m := re.search(r"(?:收到|受理|新收)[^。；，,\d]{0,16}?申请[^。；，,\d]{0,4}?(\d+)\s*件", sentence):
        said = int(m.group(1))
        if said not in (new, (new or 0) + (carried or 0)):
            claims.append((m.group(0), f"表格中本年新收申请 {new} 件", said - (new or 0)))
    if m := re.search(r"办结[^。；，,\d]{0,10}?(\d+)\s*件", sentence):
        if int(m.group(1)) != processed:
            claims.append((m.group(0), f"表格中办理结果总计 {processed} 件", int(m.group(1)) - (processed or 0)))
    if re.search(r"未(?:收到|受理)[^。；]{0,12}申请", sentence) and new:
        claims.append((sentence, f"表格中本年新收申请 {new} 件", None))
    if m := re.search(r"(?:未发生|没有发生|无)[^。；]{0,20}?行政复议", sentence):
        if review:
            claims.append((m.group(0), f"表格中行政复议总计 {review} 件", None))
    if m := re.search(r"(?:未发生|没有发生|无)[^。；]{0,20}?行政诉讼", sentence):
        if litigation:
            claims.append((m.group(0), f"表格中行政诉讼总计 {litigation} 件", None))
    if m := re.search(r"均(?:获|被|予)?维持|全部(?:获|被|予)?维持", sentence):
        if pending:
            claims.append((m.group(0), f"表格中尚有 {pending} 件尚未审结", None))
    if m := re.search(r"未收取[^。；]{0,8}?信息处理费", sentence):
        if report.fees.collected or report.fees.amount:
            claims.append((m.group(0), f"信息处理费填写为已收取 {report.fees.amount or ''} 元", None))
    return [Finding("T-1", WARNING, PROSE_FIELDS.get(key, key),
                    f"正文写「{said}」，{tables}，两者不一致，请修改正文或表格。",
                    path=f"prose.{key}", operands={"正文": said, "表格": tables}, difference=diff)
            for said, tables, diff in claims]


# --- cross-year (needs last year's report) ----------------------------------------------------

def cross_year(report: Report, previous: Report) -> list[Finding]:
    """X-1: this year's 上年结转 = last year's 结转下年度; X-2 (2021): 现行有效件数 rolls forward."""
    out = []
    for col in report.format.requests.input_columns:
        this = report.number(f"requests.carried_over.{col.key}")
        last = previous.number(f"requests.carry_forward.{col.key}")
        if this is not None and last is not None and this != last:
            out.append(Finding(
                "X-1", WARNING, report.where(f"requests.carried_over.{col.key}"),
                f"本年上年结转为 {this}，但{previous.year}年报告的结转下年度为 {last}，相差 {this - last}。",
                path=f"requests.carried_over.{col.key}", operands={"本年上年结转": this, "上年结转下年度": last},
                difference=this - last))
    out += x2_stock_rolls_forward(report, previous)
    return out + t2_copied_prose(report, previous)


def x2_stock_rolls_forward(report: Report, previous: Report) -> list[Finding]:
    """X-2: documents in force = last year's in force + added − removed (formats whose stock rolls forward)."""
    fmt = report.format
    if not fmt.stock_flow or previous.format.stock_column != fmt.stock_column:
        return []
    added_col, removed_col = fmt.stock_flow
    out = []
    for row in STOCK_ROWS:
        path = f"active.{row}.{fmt.stock_column}"
        added, removed, now = (report.number(f"active.{row}.{c}") for c in (added_col, removed_col, fmt.stock_column))
        before = previous.number(path)
        if added is None or removed is None or now is None or before is None:
            continue  # unreadable numbers are reported as R0-1 already
        expected = before + added - removed
        if now != expected:
            labels = {c.key: c.label for c in fmt.active_block_of(row).columns}
            stock, plus, minus = labels[fmt.stock_column], labels[added_col], labels[removed_col]
            out.append(Finding(
                "X-2", WARNING, report.where(path),
                f"{stock}为 {now}，但上年{stock} {before} + {plus} {added} − {minus} {removed} = {expected}，"
                f"相差 {now - expected}。", path=path,
                operands={f"上年{stock}": before, plus: added, minus: removed, stock: now}, difference=now - expected))
    return out


def t2_copied_prose(report: Report, previous: Report, threshold: float = 0.5) -> list[Finding]:
    """T-2: prose largely copied from last year's report (similarity above ``threshold``)."""
    from difflib import SequenceMatcher

    out = []
    for key, label in PROSE_FIELDS.items():
        this, last = report.text(key), previous.text(key)
        if len(this) < 20 or not last:
            continue
        ratio = SequenceMatcher(None, this, last, autojunk=False).ratio()
        if ratio > threshold:
            out.append(Finding("T-2", WARNING, label,
                               f"与{previous.year}年报告的相同部分有 {ratio:.0%} 相同。年度报告应反映本年度实际情况，"
                               "照搬往年内容会被通报，请按本年度工作改写。",
                               path=f"prose.{key}", operands={"相似度": round(ratio, 2)}))
    return out
