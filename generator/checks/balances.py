"""The tables' arithmetic: R3-1 (column balance), R3-2 and R3-3 (section 三 totals), R4-1 (section 四 totals).

A cell that was not read is never 0: a rule that cannot be checked says so once, naming the cells."""

from __future__ import annotations

import re

from ..findings import ERROR, WARNING, Finding
from ..formats import HEADINGS
from ..report import Report

SHOWN_CELLS = 4


def r3_1_balance(report: Report) -> list[Finding]:
    """Per column of 三 (``Format.relations``): 一 + 二 = （七）总计 + 四. （七） is the sum of the outcomes, or as
    printed when an outcome was not read; a column with a cell not read is reported once as "could not be checked"."""
    out, unchecked = [], {}
    fmt = report.format
    inputs = {f"列「{c.label}」" for c in fmt.requests.input_columns}
    for rel in fmt.relations_of("R3-1"):
        if rel.item not in inputs:
            continue  # the 总计 column adds up the others: checked through them
        (new, carried), (processed, forward) = ([_value(report, p) for p in side] for side in (rel.left, rel.right))
        if new is None or carried is None or processed is None or forward is None:
            cells = [p for path in (*rel.left, *rel.right) for p in (path, *fmt.derived_parts.get(path, ()))]
            unchecked[rel.item] = _unread(report, cells)
            continue
        diff = (new + carried) - (processed + forward)
        if diff:
            out.append(
                Finding(
                    "R3-1",
                    ERROR,
                    f"{HEADINGS[2]} · {rel.item}{_sheet_column(report, rel.left[0])}",
                    f"一、新收({new}) + 二、上年结转({carried}) = {new + carried}，"
                    f"但（七）总计({processed}) + 四、结转下年度({forward}) = {processed + forward}，相差 {diff}。"
                    "请核对本列的新收、结转和各项办理结果。",
                    path=f"requests.*.{rel.left[0].rsplit('.', 1)[1]}",
                    operands={"新收": new, "上年结转": carried, "办理结果总计": processed, "结转下年度": forward},
                    difference=diff,
                )
            )
    return out + _unchecked(report, "R3-1", "一 + 二 = （七）总计 + 四", unchecked)


def _value(report: Report, path: str):
    """A cell's number; a derived total that could not be summed is taken as printed, if it was."""
    value = report.number(path)
    return report.typed_totals.get(path) if value is None else value


def _sheet_column(report: Report, path: str) -> str:
    """「（本列新收在工作表「三、依申请公开」单元格 D6）」 when the number came from a spreadsheet, else ""."""
    match = re.match(r"(工作表「[^」]+」).*?(单元格 [A-Z]+\d+)", report.places.get(path, ""))
    return f"（本列新收在{match.group(1)}{match.group(2)}）" if match else ""


def _typed_total_findings(report: Report, rule: str, parts: str, sources: dict[str, list[str]]) -> list[Finding]:
    """A printed total against the sum of its parts; ``sources`` gives each total's input cells, for the
    one "could not be checked" finding when the total or a part was not read."""
    out, unchecked = [], {}
    for path, cells in sources.items():
        typed = report.typed_totals.get(path)
        derived = report.number(path)
        if path not in report.typed_totals and path not in report.unread:
            continue  # no total was stated: nothing to check
        if typed is None or derived is None:
            unchecked[report.format.describe(path).split(" · ", 1)[1]] = _unread(report, [path, *cells])
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
    return _typed_total_findings(report, "R3-2", "（一）至（六）各项办理结果", _sources(report, "R3-2"))


def r3_3_row_total(report: Report) -> list[Finding]:
    """Per row of 三: 总计 = the six applicant columns (（七）总计's 总计 is R3-2's)."""
    by_column = _sources(report, "R3-2")
    rows = {path: cells for path, cells in _sources(report, "R3-3").items() if path not in by_column}
    return _typed_total_findings(report, "R3-3", "六类申请人", rows)


def r4_1_appeal_totals(report: Report) -> list[Finding]:
    """For 行政复议 and both kinds of 行政诉讼: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    parts = "、".join(c.label for c in report.format.appeals.input_columns)
    return _typed_total_findings(report, "R4-1", parts, _sources(report, "R4-1"))


def _sources(report: Report, rule: str) -> dict[str, list[str]]:
    """Each total the rule checks (``Format.relations``) → the typed cells it adds up."""
    fmt = report.format
    return {rel.left[0]: [p for part in rel.right for p in fmt.inputs_of(part)] for rel in fmt.relations_of(rule)}
