"""Store the values of the rows read from a published report, for the format the report uses.

Every value goes through ``parse_number``. Nothing is guessed: a row whose cells cannot be lined
up with its columns stays out of ``report.numbers`` and gets a finding with the text it saw.
"""
from __future__ import annotations

from decimal import Decimal

from ...findings import ERROR, WARNING, Finding
from ...formats import COUNT, FORMATS, Format
from ...numbers import format_number, parse_number
from ...report import ReportBuilder
from .items import Item, is_blank, keyform, snippet
from .tables import RowRead, Run, TableRead

SPACES_ONLY = "已去掉首尾空格"


def is_total(path: str) -> bool:
    return path.endswith(".total") or ".total_processed." in path


def fit(values: list[Item], n: int, exact: bool) -> tuple[list[Item] | None, str]:
    """The ``n`` value cells of a row, or None. Edge blanks are layout noise unless cells are exact."""
    core = list(values)
    while core and is_blank(core[0].text):
        core.pop(0)
    while core and is_blank(core[-1].text):
        core.pop()
    if exact and len(values) == n:
        return list(values), ""
    if len(core) == n:
        return core, ""
    if len(core) > n and [keyform(v.text) for v in core[:n]] == [keyform(v.text) for v in core[-n:]]:
        return core[-n:], "surplus"  # an extra cell, but every alignment gives the same values
    return None, "surplus" if len(core) > n else "missing"


class Placer:
    """Places rows into one report and collects the findings, one table (section) at a time."""

    def __init__(self, report: ReportBuilder, exact: bool, findings: list[Finding]):
        self.report, self.exact, self.findings = report, exact, findings
        self.seen: set[str] = set()  # row prefixes "table.row" met in the document
        self.spaces: list[tuple[str, str]] = []

    @property
    def fmt(self) -> Format:
        return self.report.format

    def place_table(self, read: TableRead, section: str) -> list[RowRead]:
        """Store every row that fits the report's format; return the rows of the other format."""
        other = []
        for row in read.rows:
            paths = row.options.get(self.fmt.key)
            if paths is None:
                other.append(row)
            else:
                self.place_row(row, paths)
        for run in read.stray:
            self.stray(run, section)
        for run in read.reworded:
            self.findings.append(Finding(
                "G-1", WARNING, f"{section} · {run.label.where}",
                f"表格标签写作「{snippet(run.label.text)}」，规范写法是「{run.official}」。",
                operands={"原文": run.label.text, "规范写法": run.official}))
        self.flush_spaces(section)
        return other

    def place_row(self, row: RowRead, paths: list[str]) -> None:
        prefix = paths[0].rsplit(".", 1)[0]
        where = row.label.where if row.label else (row.values[0].where if row.values else "")
        if prefix in self.seen and not prefix.startswith("appeals"):
            section = self.fmt.table(paths[0].split(".")[0]).section
            self.findings.append(Finding("I-3", WARNING, f"{section} · {where}",
                                         f"「{row.name}」一行出现了两次，只读取了第一次出现的数据，请核对。",
                                         path=prefix))
            return
        self.seen.add(prefix)
        cells, status = fit(row.values, len(paths), self.exact)
        shown = " ".join(v.text.strip() or "（空）" for v in row.values) or "（无）"
        if cells is None:
            self.findings.append(Finding(
                "I-2", ERROR, f"{self.fmt.describe(paths[0]).rsplit(' · ', 1)[0]}（{where}）",
                f"「{row.name}」一行找到 {sum(not is_blank(v.text) for v in row.values)} 个数（{shown}），"
                f"表格应有 {len(paths)} 列，无法确定每个数属于哪一列，这一行的数据未读取。请对照原报告核对。",
                path=prefix, operands={"原文": shown, "应有列数": len(paths)}))
            return
        if status == "surplus":
            self.findings.append(Finding(
                "I-3", WARNING, f"{self.fmt.describe(paths[0]).rsplit(' · ', 1)[0]}（{where}）",
                f"「{row.name}」一行有多余的单元格（{shown}），应有 {len(paths)} 列；各种对齐方式读数相同，已读取，请核对原表格。",
                path=prefix, operands={"原文": shown, "应有列数": len(paths)}))
        for path, item in zip(paths, cells):
            self.store(path, item)

    def store(self, path: str, item: Item) -> None:
        total = is_total(path)
        kind = COUNT if total else self.fmt.kind_of(path)
        where = f"{self.fmt.describe(path)}（{item.where}）"
        self.report.places[path] = where
        target = self.report.typed_totals if total else self.report.numbers
        if is_blank(item.text):
            self.findings.append(Finding("R0-2", ERROR, where, "单元格空白。发布的报告中每个单元格都应填写，没有发生的填 0。",
                                         path=path, operands={"原文": item.text}))
            return
        parsed = parse_number(item.text, kind)
        target[path] = parsed.value
        if parsed.value is None:
            self.findings.append(Finding("R0-1", ERROR, where, f"{parsed.note}，无法读取，请改为数字。",
                                         path=path, operands={"原文": item.text}))
        elif parsed.note == SPACES_ONLY:
            self.spaces.append((where, item.text))
        elif parsed.note:
            self.findings.append(Finding("R0-1", WARNING, where,
                                         f"原文「{item.text.strip()}」已按 {format_number(parsed.value, kind)} 读取"
                                         f"（{parsed.note}），请核对。",
                                         path=path, operands={"原文": item.text, "按": parsed.value}))

    def flush_spaces(self, section: str) -> None:
        if not self.spaces:
            return
        first_where, first_text = self.spaces[0]
        self.findings.append(Finding(
            "R0-1", WARNING, section,
            f"{len(self.spaces)} 个单元格的数字前后带有空格（如{first_where}「{first_text}」），已去掉空格读取。"
            "发布的表格中请只填数字。",
            operands={"单元格数": len(self.spaces), "示例": [f"{w}「{t}」" for w, t in self.spaces[:3]]}))
        self.spaces = []

    def stray(self, run: Run, section: str) -> None:
        numbers = " ".join(v.text.strip() for v in run.values if not is_blank(v.text))
        label = f"「{snippet(run.label.text, 20)}」后" if run.label else ""
        where = run.label.where if run.label else run.values[0].where
        self.findings.append(Finding(
            "I-4", ERROR, f"{section} · {where}",
            f"表格中{label}的数（{numbers}）无法对应到规范表格的任何一行，未读取。请核对表格的行标签。",
            operands={"原文": numbers}))

    def missing_rows(self, table: str, section: str) -> None:
        """One finding for each row of the format's table that the document does not show."""
        t = self.fmt.table(table)
        missing = [r for r in t.rows if f"{table}.{r.key}" not in self.seen]
        if table == "appeals" and "appeals.review" in self.seen:
            return
        if len(missing) == len(t.rows):
            self.findings.append(Finding("I-1", ERROR, section, "没有找到这一部分的表格，表中数据均未读取（按 0 计）。"
                                         "请确认报告包含这张表格。", path=table))
            return
        for row in missing:
            label = f"{row.group} {row.label}" if row.group and row.group != row.label else row.label
            self.findings.append(Finding("I-1", ERROR, f"{section} · 行「{label}」",
                                         "表格中没有找到这一行，这一行的数据未读取（按 0 计）。", path=f"{table}.{row.key}"))

    def sum_other_rows(self, rows: list[RowRead], section: str) -> list[RowRead]:
        """2021 （六） rows in a 2019 table: their sums go into 2019's single （六）其他处理 row."""
        parts = [r for r in rows if any(p.startswith("requests.other_") for p in r.options.get("2021", []))]
        if self.fmt.key != "2019" or not parts or "requests.other" in self.seen:
            return rows
        sums: dict[str, Decimal | int] = {}
        for row in parts:
            cells, _ = fit(row.values, 7, self.exact)
            if cells is None:
                return rows
            for column, item in zip(FORMATS["2019"].table("requests").columns, cells):
                parsed = parse_number(item.text)
                if parsed.value is None or parsed.blank:
                    return rows
                sums[column.key] = sums.get(column.key, 0) + parsed.value
        self.seen.add("requests.other")
        for key, value in sums.items():
            path = f"requests.other.{key}"
            (self.report.typed_totals if key == "total" else self.report.numbers)[path] = value
            self.report.places[path] = f"{self.fmt.describe(path)}（{parts[0].label.where}起三行之和）"
        self.findings.append(Finding(
            "G-2", WARNING, f"{section} · （六）其他处理（{parts[0].label.where}）",
            f"（六）其他处理按2021年版分为 {len(parts)} 行，本报告其余表格为2019年版，已把这几行的和填入2019年版的"
            f"「（六）其他处理」（自然人 {sums.get('natural', 0)}，总计 {sums.get('total', 0)}），请核对。",
            path="requests.other", operands={"行数": len(parts)}))
        return [r for r in rows if r not in parts]
