"""Fees: the 信息处理费 is stated in section 六 (G-5), refusals for unpaid fees are explained (R3-5), 「否」 has no
amount (R6-1); an amount in a 万元 column of 1 亿元 or more is shown read both ways (R2-2)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..findings import ERROR, WARNING, Finding
from ..formats import AMOUNT, HEADINGS
from ..numbers import format_number
from ..report import Report

FEE_WORDS = re.compile(r"信息处理费|收费|费用")
# Usual wordings that no 信息处理费 was charged (on text without spaces): 未发生收费情况, 无收取信息处理费情况,
# 未收取任何政府信息公开费用, 全年收取信息处理费0元 …
NO_FEE = re.compile(
    r"(?:未|没有|无|不|免于?)(?:发生|产生|涉及|存在)?(?:任何)?[^。；，,按]{0,8}?(?:收取|收费)"
    r"|(?:信息处理费|费用)[^。；]{0,8}?(?:0|零)元"
    r"|(?:未|没有|无|不)(?:发生|产生|涉及|存在|收取)[^。；，,按缴]{0,10}?处理费"  # 「未产生信息公开处理费」
)


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


YI = 10_000  # 万元 in one 亿元


def r2_2_wan_yuan_size(report: Report) -> list[Finding]:
    """An amount of 1 亿元 or more in a 万元 column (section 二's 收费金额) is used as given; the reminder shows
    both readings, since an amount typed in 元 there is 10,000 times too large."""
    out = []
    for block in report.format.active_blocks:
        for column in (c for c in block.columns if c.unit == "万元"):
            for row in block.rows:
                path = f"active.{row.key}.{column.key}"
                value = report.number(path)
                if value is None or value < YI:
                    continue
                yi, typed = format_number(Decimal(value) / YI, AMOUNT), format_number(value, AMOUNT)
                out.append(
                    Finding(
                        "R2-2",
                        WARNING,
                        report.places.get(path) or report.format.describe(path),
                        f"本格单位是万元，填写的 {typed} 即 {typed} 万元（{yi} 亿元）；"
                        f"如果填的是以元为单位的金额，应改为 {yi}。请核对。",
                        path=path,
                        operands={"填写": value, "万元": value, "若为元则应填": yi},
                    )
                )
    return out
