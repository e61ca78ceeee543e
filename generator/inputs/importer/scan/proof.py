"""Only numbers the table's own arithmetic proves are kept from a scan.

A recogniser can read 8 for 3 with full confidence. So every cell read from an image is checked against
the equations the official tables carry: each printed 总计 equals the sum of its parts (R3-2, R3-3, R4-1,
and the 总计 row and column of 三), and each column of 三 balances (R3-1: 一 + 二 = （七）总计 + 四).
A cell is kept when at least one equation it is part of holds with every term read; every other cell
(a broken equation, a term unread, or no equation at all, like the cells of 二) is moved to the unread
cells with a finding that names it and what was seen. A wrong digit breaks every equation it is in,
so it cannot be kept unless a second wrong digit cancels it in the same equation.

The cells of 二 are in no equation, so they are never kept: agreeing readings are not proof (the issue's
rule: a cell the arithmetic does not confirm stays unread). Their finding says, for each cell, whether
the page's reading and the cell's own second reading (cut out clean, recognised by itself) agree, so a
reviewer knows which figures to look at first.
"""

from __future__ import annotations

from collections.abc import Mapping

from ....findings import ERROR, WARNING, Finding
from ....formats import HEADINGS, Format, outcome_rows
from ....report import Number, Report

RULE = "S-1"
BALANCE = (("new", "carried_over"), ("total_processed", "carry_forward"))  # R3-1: left side = right side
TABLES = ("active", "requests", "appeals")  # the tables of 二, 三, 四
SHOWN = 8  # cells named in a finding's message (all are in its operands)
Equation = tuple[tuple[str, ...], tuple[str, ...]]  # cells on the left = cells on the right


def equations(fmt: Format) -> list[Equation]:
    """Every equation between the printed cells of the tables (totals as printed, or as the sum of their
    parts when the total was not printed)."""
    out: list[Equation] = [((total,), parts) for total, parts in fmt.derived_parts.items()]
    requests = fmt.requests
    for column in [c.key for c in requests.input_columns] + ["total"]:
        left, right = ((f"requests.{row}.{column}" for row in side) for side in BALANCE)
        out.append((tuple(left), tuple(right)))
    out += _expanded(fmt, out)
    outcomes = [r.key for r in outcome_rows(requests)]
    out.append((("requests.total_processed.total",), tuple(f"requests.{row}.total" for row in outcomes)))
    return out


def _expanded(fmt: Format, found: list[Equation]) -> list[Equation]:
    """The R3-1 equations again with （七）总计 replaced by its parts (for a scan where that row is unread)."""
    outcomes = [r.key for r in outcome_rows(fmt.requests)]
    out: list[Equation] = []
    for left, right in found:
        if "requests.total_processed." in right[0] and right[0].split(".")[2] != "total":
            column = right[0].split(".")[2]
            out.append((left, (*(f"requests.{row}.{column}" for row in outcomes), *right[1:])))
    return out


def prove(report: Report, again: Report | None = None) -> Report:
    """The report with every table cell that no equation confirms moved to ``unread`` (with a finding that
    names it and what was recognised; ``again``, the figures read a second time each from its cell alone,
    only adds to that finding whether the two readings agree)."""
    cells: dict[str, Number] = {**report.numbers, **report.typed_totals}
    confirmed = {cell for eq in equations(report.format) if _holds(eq, cells) for cell in (*eq[0], *eq[1])}
    doubtful = [p for p in cells if p not in confirmed]
    findings = [_as_seen_on_a_scan(f) for f in report.read_findings]
    if not doubtful:
        return report.evolve(read_findings=tuple(findings))
    seen_again = {**again.numbers, **again.typed_totals} if again is not None else {}
    agreed = {p for p in doubtful if p in seen_again and seen_again[p] == cells[p]}
    numbers = {p: v for p, v in report.numbers.items() if p not in doubtful}
    typed = {p: v for p, v in report.typed_totals.items() if p not in doubtful}
    unread = {**report.unread, **{p: str(cells[p]) for p in doubtful}}
    findings += _findings(report, doubtful, cells, agreed)
    return report.evolve(numbers=numbers, typed_totals=typed, unread=unread, read_findings=tuple(findings))


def _as_seen_on_a_scan(finding: Finding) -> Finding:
    """What the importer says of a printed form, said of a recognised one: a cell it could not read
    (「。」, nothing) is not established as blank or wrong on the paper, and a label it matched only
    approximately is most likely a recognition slip."""
    if finding.rule in ("R0-1", "R0-2") and finding.severity == ERROR:  # unreadable or blank: not read
        seen = finding.operands.get("原文") or "空白"
        cells = finding.operands.get("空白") or []
        if len(cells) > 1:  # a row's blank cells, named by their columns in the importer's first sentence
            first = (
                finding.message.split("。", 1)[0]
                .replace("都是空白", "都没有识别出数字")
                .replace("空白", "没有识别出数字")
            )
            message = f"扫描件中{first}，未读取。请对照扫描件原件填写。"
        else:
            message = f"扫描件中这个格子没有识别出数字（识别为「{seen}」），未读取。请对照扫描件原件填写。"
        return Finding(
            RULE, ERROR, finding.where, message, path=finding.path, operands={"识别为": seen, "未识别": cells}
        )
    if finding.rule == "G-1" and finding.message.startswith("表格标签写作"):
        return Finding(
            finding.rule,
            WARNING,
            finding.where,
            f"扫描识别的{finding.message.removesuffix('。')}；多半是识别误差，已按规范标签读取。"
            "如原件确实这样写，请改为规范写法。",
            path=finding.path,
            operands=finding.operands,
        )
    return finding


def _holds(equation: Equation, cells: Mapping[str, Number]) -> bool:
    left, right = equation
    if not all(p in cells for p in (*left, *right)):
        return False
    return sum(cells[p] for p in left) == sum(cells[p] for p in right)


def _findings(report: Report, doubtful: list[str], cells: Mapping[str, Number], agreed: set[str]) -> list[Finding]:
    """One S-1 error per table, naming its first SHOWN unproved cells with what was recognised (and whether the
    cell read alone gave the same figure); every one is in its operands."""
    out = []
    for table, heading in zip(TABLES, HEADINGS[1:4], strict=True):
        paths = [p for p in doubtful if p.startswith(f"{table}.")]
        if not paths:
            continue
        seen = [
            f"{report.format.describe(p).split(' · ', 1)[1]}（识别为 {cells[p]}{'，逐格再次识别相同' if p in agreed else ''}）"
            for p in paths
        ]
        more = f"等 {len(paths)} 个格子" if len(paths) > SHOWN else ""
        why = (
            "这张表没有合计关系可以核对扫描识别的数字"
            if table == "active"
            else "这些格子所在的合计关系（行、列总计或「一 + 二 = （七）总计 + 四」）不成立或缺少数字，无法证实"
        )
        out.append(
            Finding(
                RULE,
                ERROR,
                heading,
                f"{'、'.join(seen[:SHOWN])}{more}：{why}，为避免读错，这些数字未读取。请对照扫描件原件填写。",
                path=paths[0],
                operands={"未证实": {p: cells[p] for p in paths}},
            )
        )
    return out
