"""The checker: every rule of the spec (§5) that one year's data can be checked against.

``check(report)`` returns every failing rule, never only the first, each with its place, its
operands and the difference. Rule ids are stable (R3-1 …); G-3 and G-4 are this tool's own.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .findings import ERROR, WARNING, Finding
from .formats import AMOUNT, HEADINGS, OVERVIEW_PARTS, STOCK_ROWS, format_for_year, outcome_rows
from .limits import for_regex
from .numbers import format_number
from .report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Number, Report

FEE_WORDS = re.compile(r"信息处理费|收费|费用")
PLACEHOLDER = "【"
DEADLINE = (1, 31)  # (month, day) of the year after the report year by which it is published (G-6)
# Usual wordings that no 信息处理费 was charged (on text without spaces): 未发生收费情况, 无收取信息处理费情况,
# 未收取任何政府信息公开费用, 全年收取信息处理费0元 …
NO_FEE = re.compile(
    r"(?:未|没有|无|不|免于?)(?:发生|产生|涉及|存在)?(?:任何)?[^。；，,按]{0,8}?(?:收取|收费)"
    r"|(?:信息处理费|费用)[^。；]{0,8}?(?:0|零)元"
)
SHOWN_CELLS = 4


def check(report: Report, deadline: tuple[int, int] = DEADLINE) -> list[Finding]:
    """All findings for one report: reading problems first, then the rules in spec order."""
    findings = list(report.read_findings)
    for rule in (
        r3_1_balance,
        r3_2_outcome_total,
        r3_3_row_total,
        r4_1_appeal_totals,
        g2_format_version,
        g1_headings,
        g3_overview_parts,
        g4_problems,
        p1_placeholders,
        g5_fee_statement,
        r3_5_fee_refusals,
        r6_1_fees_not_collected,
        r2_1_township_rules,
        t1_prose_agrees,
        t3_self_reference,
        a1_contact_shapes,
    ):
        findings += rule(report)
    findings += g6_publication_date(report, deadline)
    return findings


# --- arithmetic ------------------------------------------------------------------------------


def r3_1_balance(report: Report) -> list[Finding]:
    """Per column of 三: 一 + 二 = （七）总计 + 四. （七） is the sum of the outcomes, or as printed when an
    outcome was not read; a column with a cell not read is reported once as "could not be checked"."""
    out, unchecked = [], {}
    outcomes = [r.key for r in outcome_rows(report.format.requests)]
    for col in report.format.requests.input_columns:
        new, carried, processed, forward = (
            report.number(f"requests.{r}.{col.key}")
            for r in ("new", "carried_over", "total_processed", "carry_forward")
        )
        if processed is None:
            processed = report.typed_totals.get(f"requests.total_processed.{col.key}")
        if new is None or carried is None or processed is None or forward is None:
            unchecked[f"列「{col.label}」"] = _unread(
                report, [f"requests.{r}.{col.key}" for r in ("new", "carried_over", *outcomes, "carry_forward")]
            )
            continue
        diff = (new + carried) - (processed + forward)
        if diff:
            out.append(
                Finding(
                    "R3-1",
                    ERROR,
                    f"{HEADINGS[2]} · 列「{col.label}」{_sheet_column(report, f'requests.new.{col.key}')}",
                    f"一、新收({new}) + 二、上年结转({carried}) = {new + carried}，"
                    f"但（七）总计({processed}) + 四、结转下年度({forward}) = {processed + forward}，相差 {diff}。"
                    "请核对本列的新收、结转和各项办理结果。",
                    path=f"requests.*.{col.key}",
                    operands={"新收": new, "上年结转": carried, "办理结果总计": processed, "结转下年度": forward},
                    difference=diff,
                )
            )
    return out + _unchecked(report, "R3-1", "一 + 二 = （七）总计 + 四", unchecked)


def _sheet_column(report: Report, path: str) -> str:
    """「（本列新收在工作表「三、依申请公开」单元格 D6）」 when the number came from a spreadsheet, else ""."""
    match = re.match(r"(工作表「[^」]+」).*?(单元格 [A-Z]+\d+)", report.places.get(path, ""))
    return f"（本列新收在{match.group(1)}{match.group(2)}）" if match else ""


def _typed_total_findings(
    report: Report, rule: str, paths: list[str], parts: str, sources: dict[str, list[str]]
) -> list[Finding]:
    """A printed total against the sum of its parts; ``sources`` gives each total's input cells, for the
    one "could not be checked" finding when the total or a part was not read."""
    out, unchecked = [], {}
    for path in paths:
        typed = report.typed_totals.get(path)
        derived = report.number(path)
        if path not in report.typed_totals and path not in report.unread:
            continue  # no total was stated: nothing to check
        if typed is None or derived is None:
            unchecked[report.format.describe(path).split(" · ", 1)[1]] = _unread(report, [path, *sources[path]])
            continue
        if typed == derived:
            continue
        out.append(
            Finding(
                rule,
                ERROR,
                report.where(path),
                f"填写的总计为 {typed}，但{parts}之和为 {derived}，相差 {typed - derived}。"
                "总计由工具自动计算，请核对各分项或删去总计。",
                path=path,
                operands={"填写的总计": typed, "分项之和": derived},
                difference=typed - derived,
            )
        )
    return out + _unchecked(report, rule, f"总计 = {parts}之和", unchecked)


def _unread(report: Report, paths: list[str]) -> list[str]:
    """The cells among ``paths`` that were not read (not found, blank or unreadable): not 0."""
    return [p for p in paths if p in report.unread]


def _unchecked(report: Report, rule: str, what: str, places: dict[str, list[str]]) -> list[Finding]:
    """One warning per rule: where it could not be checked and which cells kept it from being checked."""
    if not places:
        return []
    cells = list(dict.fromkeys(p for paths in places.values() for p in paths))
    shown = "、".join(report.format.describe(p).split(" · ", 1)[1] for p in cells[:SHOWN_CELLS])
    more = f"等 {len(cells)} 个单元格" if len(cells) > SHOWN_CELLS else ""
    section = HEADINGS[3] if rule == "R4-1" else HEADINGS[2]
    names = "、".join(list(places)[:SHOWN_CELLS]) + ("等" if len(places) > SHOWN_CELLS else "")
    return [
        Finding(
            rule,
            WARNING,
            section,
            f"有 {len(places)} 处无法校验「{what}」（{names}）：{shown}{more}没有读取到数字（未找到、空白或无法识别，"
            "见上面的读取提示）。这些地方的勾稽关系没有核对，既不算对也不算错；请对照原报告核对。",
            path=cells[0] if cells else "",
            operands={"无法校验": list(places), "未读取": cells},
        )
    ]


def r3_2_outcome_total(report: Report) -> list[Finding]:
    """Per column of 三: （七）总计 = the sum of the outcome rows （一）…（六）."""
    requests = report.format.requests
    outcomes = [r.key for r in outcome_rows(requests)]
    inputs = [c.key for c in requests.input_columns]
    sources = {
        f"requests.total_processed.{c.key}": [
            f"requests.{r}.{k}" for r in outcomes for k in (inputs if c.derived else [c.key])
        ]
        for c in requests.columns
    }
    return _typed_total_findings(report, "R3-2", list(sources), "（一）至（六）各项办理结果", sources)


def r3_3_row_total(report: Report) -> list[Finding]:
    """Per row of 三: 总计 = the six applicant columns."""
    inputs = [c.key for c in report.format.requests.input_columns]
    sources = {
        f"requests.{r.key}.total": [f"requests.{r.key}.{c}" for c in inputs]
        for r in report.format.requests.rows
        if not r.derived
    }
    return _typed_total_findings(report, "R3-3", list(sources), "六类申请人", sources)


def r4_1_appeal_totals(report: Report) -> list[Finding]:
    """For 行政复议 and both kinds of 行政诉讼: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    appeals = report.format.appeals
    sources = {
        f"appeals.{r.key}.total": [f"appeals.{r.key}.{c.key}" for c in appeals.input_columns] for r in appeals.rows
    }
    return _typed_total_findings(
        report, "R4-1", list(sources), "、".join(c.label for c in appeals.input_columns), sources
    )


# --- structure -------------------------------------------------------------------------------


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
    """A people's government covers five topics in 一 (art. 50); 主动公开 and 依申请公开 are generated if empty."""
    out = []
    for key, title in OVERVIEW_PARTS[2:]:
        if not report.text(f"overview.{key}"):
            out.append(
                Finding(
                    "G-3",
                    WARNING,
                    f"{HEADINGS[0]} · {title}",
                    f"没有填写「{title}」的内容，条例第五十条要求总体情况涵盖这一方面。请补充本年度实际做法。",
                    path=f"prose.overview.{key}",
                )
            )
    return out


def g4_problems(report: Report) -> list[Finding]:
    """Section 五 must state real problems and measures."""
    if report.text("problems"):
        return []
    return [
        Finding(
            "G-4", ERROR, HEADINGS[4], "没有填写内容。请写明本年度存在的主要问题和具体改进措施。", path="prose.problems"
        )
    ]


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


def _mentions_fees(report: Report) -> bool:
    return bool(FEE_WORDS.search(report.text("other")))


def g5_fee_statement(report: Report) -> list[Finding]:
    """Section 六 states the 信息处理费 collected (or that none was, in any of the usual wordings)."""
    prose = re.sub(r"\s+", "", "".join(report.prose.values()))
    if report.fees.collected is not None or "信息处理费" in report.text("other") or NO_FEE.search(prose):
        return []
    return [
        Finding(
            "G-5",
            WARNING,
            HEADINGS[5],
            "没有说明本年度信息处理费收取情况。请在“信息处理费”处填写是否收取及金额（未收取请选“否”）。",
            path="fees.collected",
        )
    ]


def r3_5_fee_refusals(report: Report) -> list[Finding]:
    """（六）2 (applicant did not pay the fee) > 0 ⇒ section 六 mentions fees."""
    row = report.format.fee_refusal_row
    path = f"requests.{row}.total"
    if not row or not report.number(path) or report.fees.collected or _mentions_fees(report):
        return []
    return [
        Finding(
            "R3-5",
            WARNING,
            HEADINGS[5],
            f"第三部分有 {report.number(path)} 件因申请人逾期未缴纳费用不再处理，"
            "但未说明收取信息处理费的情况，请在第六部分写明。",
            path=path,
            operands={"逾期未缴费件数": report.number(path)},
        )
    ]


def r6_1_fees_not_collected(report: Report) -> list[Finding]:
    """「是否收取信息处理费」 is 否, yet an amount or a number of cases was given: the two cannot both be right."""
    fees = report.fees
    typed = {label: value for label, value in (("金额", fees.amount), ("件数", fees.cases)) if value}
    if fees.collected is not False or not typed:
        return []
    said = "、".join(
        f"{label} {format_number(value, AMOUNT)}{'元' if label == '金额' else '件'}" for label, value in typed.items()
    )
    where = report.places.get("fees.collected") or "信息处理费 · 是否收取"
    return [
        Finding(
            "R6-1",
            ERROR,
            where,
            f"「是否收取信息处理费」填的是「否」，但又填了{said}。未收取请把金额和件数改为 0 或删去；"
            "收取了请把「是否收取」改为「是」。",
            path="fees.collected",
            operands={"是否收取": "否", **typed},
        )
    ]


def r2_1_township_rules(report: Report) -> list[Finding]:
    """A township cannot make 规章: its 规章 row should be all zero."""
    if not report.agency.is_township:
        return []
    block = report.format.active_block_of("rules")
    nonzero = {
        c.label: report.number(f"active.rules.{c.key}") for c in block.columns if report.number(f"active.rules.{c.key}")
    }
    if not nonzero:
        return []
    return [
        Finding(
            "R2-1",
            WARNING,
            report.format.describe(f"active.rules.{block.columns[0].key}").rsplit(" · ", 1)[0],
            "乡镇、街道没有规章制定权，「规章」一行应为 0；规范性文件请填在下一行。",
            path="active.rules",
            operands=nonzero,
        )
    ]


def g6_publication_date(report: Report, deadline: tuple[int, int]) -> list[Finding]:
    """The report is published by 1月31日 of the following year (configurable)."""
    if report.publication_date is None:
        return [Finding("G-6", WARNING, "发布日期", "没有填写发布日期，落款将没有日期。", path="publication_date")]
    limit = date(report.year + 1, *deadline)
    if report.publication_date <= limit:
        return []
    late = (report.publication_date - limit).days
    return [
        Finding(
            "G-6",
            WARNING,
            "发布日期",
            f"发布日期 {report.publication_date:%Y-%m-%d} 晚于 {limit:%Y-%m-%d} 的公布期限 {late} 天。",
            path="publication_date",
            operands={"发布日期": str(report.publication_date), "期限": str(limit)},
            difference=late,
        )
    ]


# --- prose against tables (T-1) --------------------------------------------------------------

COUNT_OF = r"[^。；，,\d]{0,%d}?(\d{1,9})(?:件|起|宗)"  # words, then 「N件」
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
    r"(?:收到|受理|新收|接到|接收)[^。；，,\d]{0,16}?申请[^。；，,\d]{0,4}?(\d{1,9})件",
    r"(?:收到|受理|新收|接到|接收)[^。；，,\d]{0,6}?(\d{1,9})件[^。；，,\d]{0,12}?申请",
)
CLOSED = r"办结[^。；，,\d]{0,10}?(\d{1,9})件"
CARRIED_FORWARD = (
    r"结转(?:至|到)?下(?:一)?年度?" + COUNT_OF % 8,
    r"(\d{1,9})件[^。；，,\d]{0,4}?结转(?:至|到)?下(?:一)?年",
)
RESULT_WORDS = r"(?!维持|纠正|撤销|确认|审结|结果)"  # 「行政复议结果维持1件」 counts one result, not all cases
REVIEW_COUNT = r"行政复议(?:案件)?(?:" + RESULT_WORDS + r"[^。；，,\d]){0,6}?(\d{1,9})(?:件|起|宗)"
LITIGATION_COUNT = r"行政诉讼(?:案件)?(?:" + RESULT_WORDS + r"[^。；，,\d]){0,6}?(\d{1,9})(?:件|起|宗)"


SENTENCE_CHARS = 2000  # a claim sits in a sentence; a longer "sentence" is not prose a clerk wrote


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
        said = int(match.group(match.lastindex))
        if figure is not None and said != figure and said not in also:
            claims.append((match.group(0), f"表格中{name} {figure} 件", said - figure))

    for pattern in RECEIVED:
        if (m := re.search(pattern, sentence)) and new is not None:
            compare(m, new, "本年新收申请", also=(new + carried,) if carried is not None else ())
            break
    closed = re.search(CLOSED, sentence)
    if closed:
        compare(closed, processed, "办理结果总计")
    items = []
    for pattern, rows, name in OUTCOME_CLAIMS:
        if m := re.search(pattern, sentence):
            compare(m, _rows_total(report, rows), name)
            items.append((rows, int(m.group(1))))
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
    total, listed = int(closed.group(1)), sum(n for _, n in items)
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


# --- self-reference (T-3) and contact details (A-1) --------------------------------------------

# How an agency refers to itself, by the kind its name ends with. Counties, districts and cities are never
# judged: a township's report may rightly speak of 「我区」 or 「本市」, meaning its parent government.
AGENCY_KINDS = (
    ("街道办事处", "街道"),
    ("乡人民政府", "乡"),
    ("镇人民政府", "镇"),
    ("县人民政府", "县"),
    ("区人民政府", "区"),
    ("市人民政府", "市"),
    ("委员会", "委"),
    ("局", "局"),
)
SELF_WORDS = {
    "乡": "我乡",
    "镇": "我镇",
    "街道": "本街道",
    "县": "我县",
    "区": "我区",
    "市": "我市",
    "委": "我委",
    "局": "我局",
}
JUDGED_KINDS = ("乡", "镇", "街道", "委", "局")
SELF_REFERENCE = re.compile(r"(?:我|(?<![基根成资样文版课账剧日原范脚标副])本)(街道?|乡|镇|局|委)")


def agency_kind(agency: Agency) -> str:
    """「镇」 for 英林镇人民政府, 「街道」 for 青石街道办事处 …; the level field when the name does not say; else ""."""
    name = agency.name.strip()
    kind = next((kind for suffix, kind in AGENCY_KINDS if name.endswith(suffix)), "")
    return kind or (agency.level if agency.level in SELF_WORDS else "")


def self_words(text: str) -> dict[str, str]:
    """Every self-reference in ``text`` (「我乡」, 「本街道」 …) → the kind of agency it belongs to."""
    return {m.group(0): "街道" if m.group(1).startswith("街") else m.group(1) for m in SELF_REFERENCE.finditer(text)}


def t3_self_reference(report: Report) -> list[Finding]:
    """T-3: the self-reference (我镇/我乡/本街道/我局 …) agrees with the kind of agency in the name, everywhere."""
    agency = report.agency
    kind = agency_kind(agency)
    texts = {"agency.short_name": (f"单位信息 · {AGENCY_FIELDS['short_name']}", agency.short_name)}
    texts.update({f"prose.{key}": (label, report.text(key)) for key, label in PROSE_FIELDS.items()})
    found = {
        path: {w: k for w, k in self_words(text).items() if k in JUDGED_KINDS} for path, (_, text) in texts.items()
    }
    if not kind:  # the name does not say: only two different self-references contradict each other
        kinds = {k for words in found.values() for k in words.values()}
        if len(kinds) < 2:
            return []
        used = sorted({w for words in found.values() for w in words})
        return [
            Finding(
                "T-3",
                WARNING,
                "单位信息 · 自称",
                f"报告中的自称不一致：{'、'.join(f'「{w}」' for w in used)}。请统一为本单位的自称。",
                path="agency.short_name",
                operands={"自称": used},
            )
        ]
    out = []
    for path, words in found.items():
        wrong = sorted(w for w, k in words.items() if k != kind)
        if not wrong:
            continue
        where = report.places.get(path) or texts[path][0]
        said = "、".join(f"「{w}」" for w in wrong)
        out.append(
            Finding(
                "T-3",
                WARNING,
                where,
                f"自称{said}与机关名称「{agency.name}」不符（本单位是{kind}），应自称「{SELF_WORDS[kind]}」。请统一改正。",
                path=path,
                operands={"自称": wrong, "应为": SELF_WORDS[kind]},
            )
        )
    return out


CONTACT_HINTS = {
    "postcode": "邮编应为 6 位数字，如 211100",
    "phone": "电话应为区号加号码（如 025-52100000）、7 至 8 位本地号码或 11 位手机号，多个号码用「、」隔开",
    "email": "电子邮箱应写成 name@example.gov.cn 的形式（半角字符，不含空格）",
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_PREFIX, PHONE_EXTENSION = re.compile(r"^\+?86[- ]?"), re.compile(r"(?:转|分机|ext\.?) ?\d{1,6}$", re.I)


def contact_problem(key: str, value: str) -> str:
    """What is wrong with the shape of a postcode, phone number or e-mail address ("" when it looks right)."""
    text = value.strip()
    if not text or key not in CONTACT_HINTS:
        return ""
    if key == "email":
        ok = all(EMAIL.fullmatch(part) for part in re.split(r"[、;；,，\s]+", text) if part)
    elif key == "postcode":
        ok = re.fullmatch(r"\d{6}", unicodedata.normalize("NFKC", text)) is not None
    else:
        parts = re.split(r"[、;,/或]+", unicodedata.normalize("NFKC", text))
        ok = all(_phone_ok(part.strip()) for part in parts if part.strip())
    return "" if ok else f"「{text}」的写法不对：{CONTACT_HINTS[key]}"


def _phone_ok(part: str) -> bool:
    """A landline with its area code, a local number, a mobile number, or a service line (12345, 400 …)."""
    number = PHONE_EXTENSION.sub("", PHONE_PREFIX.sub("", part)).strip()
    if not re.fullmatch(r"[\d ()\-]+", number):
        return False
    digits = re.sub(r"\D", "", number)
    extension = re.search(r"-(\d{1,5})$", number)  # 025-52100000-8001
    return _phone_digits_ok(digits) or bool(extension and _phone_digits_ok(digits[: -len(extension.group(1))]))


def _phone_digits_ok(digits: str) -> bool:
    if digits.startswith("0"):
        return 10 <= len(digits) <= 12
    if digits.startswith(("400", "800")):
        return len(digits) == 10
    if digits.startswith("1"):
        return len(digits) in (11, 5)  # 手机号; 12345 等服务热线
    return len(digits) in (7, 8) or (digits.startswith("95") and len(digits) in (5, 6))


def a1_contact_shapes(report: Report) -> list[Finding]:
    """A-1: postcode, phone and e-mail have the shapes they must have (they are printed in the opening)."""
    out = []
    for key in CONTACT_HINTS:
        problem = contact_problem(key, getattr(report.agency, key))
        if problem:
            path = f"agency.{key}"
            where = report.places.get(path) or f"单位信息 · {AGENCY_FIELDS[key]}"
            out.append(
                Finding(
                    "A-1", WARNING, where, problem + "。", path=path, operands={"填写": getattr(report.agency, key)}
                )
            )
    return out


# --- cross-year (needs last year's report) ----------------------------------------------------


def cross_year(report: Report, previous: Report) -> list[Finding]:
    """X-1: this year's 上年结转 = last year's 结转下年度; X-2 (2021): 现行有效件数 rolls forward."""
    out = []
    for col in report.format.requests.input_columns:
        this = report.number(f"requests.carried_over.{col.key}")
        last = previous.number(f"requests.carry_forward.{col.key}")
        if this is not None and last is not None and this != last:
            out.append(
                Finding(
                    "X-1",
                    WARNING,
                    report.where(f"requests.carried_over.{col.key}"),
                    f"本年上年结转为 {this}，但{previous.year}年报告的结转下年度为 {last}，相差 {this - last}。",
                    path=f"requests.carried_over.{col.key}",
                    operands={"本年上年结转": this, "上年结转下年度": last},
                    difference=this - last,
                )
            )
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
            out.append(
                Finding(
                    "X-2",
                    WARNING,
                    report.where(path),
                    f"{stock}为 {now}，但上年{stock} {before} + {plus} {added} − {minus} {removed} = {expected}，"
                    f"相差 {now - expected}。",
                    path=path,
                    operands={f"上年{stock}": before, plus: added, minus: removed, stock: now},
                    difference=now - expected,
                )
            )
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
            out.append(
                Finding(
                    "T-2",
                    WARNING,
                    label,
                    f"与{previous.year}年报告的相同部分有 {ratio:.0%} 相同。年度报告应反映本年度实际情况，"
                    "照搬往年内容会被通报，请按本年度工作改写。",
                    path=f"prose.{key}",
                    operands={"相似度": round(ratio, 2)},
                )
            )
    return out
