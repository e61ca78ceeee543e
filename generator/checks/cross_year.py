"""Rules that need last year's report: 上年结转 (X-1), 现行有效件数 rolling forward (X-2), copied prose per section
(T-2) and in the whole report (X-3), every table number the same as last year's (X-4)."""

from __future__ import annotations

from ..findings import WARNING, Finding
from ..formats import STOCK_ROWS
from ..report import PROSE_FIELDS, Report


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
    out += t2_copied_prose(report, previous)
    return out + x3_whole_report_copied(report, previous) + x4_numbers_unchanged(report, previous)


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


COPIED_LINE = 0.5  # evaluators deduct when more than half of a report repeats last year's


def x3_whole_report_copied(report: Report, previous: Report, threshold: float = COPIED_LINE) -> list[Finding]:
    """X-3: the whole prose against last year's, beside T-2's per section: over 50 % the same is deducted."""
    from difflib import SequenceMatcher

    this = "".join(report.text(k) for k in PROSE_FIELDS)
    last = "".join(previous.text(k) for k in PROSE_FIELDS)
    if len(this) < 50 or not last:
        return []
    ratio = SequenceMatcher(None, this, last, autojunk=False).ratio()
    if ratio <= threshold:
        return []
    return [
        Finding(
            "X-3",
            WARNING,
            "全文",
            f"全文正文与{previous.year}年报告有 {ratio:.0%} 相同，超过考评扣分的 {threshold:.0%} 线。"
            "请按本年度实际工作改写各部分（各部分的相同比例见 T-2）。",
            path="prose",
            operands={"全文相似度": round(ratio, 2), "扣分线": threshold},
        )
    ]


X4_MIN_NONZERO = 3


def x4_numbers_unchanged(report: Report, previous: Report) -> list[Finding]:
    """X-4: every table number read in both years equals last year's (the same format, at least ``X4_MIN_NONZERO``
    of them not 0, so a quiet township with nothing to report twice running is not suspected): the tables were
    probably copied forward. Cells not read in either year (an imported report) are not compared, and said so."""
    if report.format.key != previous.format.key:
        return []
    paths = report.format.input_paths
    compared = [p for p in paths if report.number(p) is not None and previous.number(p) is not None]
    if not compared or any(report.number(p) != previous.number(p) for p in compared):
        return []
    nonzero = sum(1 for p in compared if report.number(p))
    if nonzero < X4_MIN_NONZERO:
        return []
    unread = len(paths) - len(compared)
    note = f"（另有 {unread} 格有一年没有读到，未比较）" if unread else ""
    return [
        Finding(
            "X-4",
            WARNING,
            "二、三、四部分的表格",
            f"表格中的全部 {len(compared)} 个数字都与{previous.year}年报告完全相同{note}。"
            "请核对是否照搬了上年的表格，按本年度实际情况填写。",
            path="tables",
            operands={"相同的数字": len(compared), "不为0的数字": nonzero, "未比较的格数": unread},
        )
    ]
