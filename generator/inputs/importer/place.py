"""Store the values of the rows read from a published report, for the format the report uses.

Every value goes through ``parse_number``. Nothing is guessed: a cell that was not read (its row is
missing, its cells cannot be lined up, it is blank or unreadable) is None in the builder's ``numbers``
(a printed total: in ``typed_totals``), so it ends in ``report.unread``, and it has a finding with the
text that was seen. The checker then reports the rules that need such a cell as "could not be checked"
instead of computing with a 0.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ...cells import read_number
from ...findings import ERROR, WARNING, Finding
from ...formats import AMOUNT, COUNT, FORMATS, STOCK_ROWS, Format, outcome_rows
from ...numbers import format_number, parse_number
from ...report import Report, ReportBuilder
from . import digits
from .items import Item, is_blank, is_numeric, keyform, snippet
from .neighbours import enclosed
from .tables import ABOVE, BELOW, RowRead, Run, TableRead

SPACES_ONLY = "已去掉首尾空格"
UNIT = re.compile(r"\s*(万元|元)\s*$")
UNITS = {"万元": Decimal(10000), "元": Decimal(1)}
SHOWN_CUTS = 3
SPACED_DIGITS = re.compile(r"\d\s+\d")  # 「1 0」: two cells a converter merged, never the number 10


def is_total(path: str) -> bool:
    return path.endswith(".total") or ".total_processed." in path


def total_paths(fmt: Format) -> list[str]:
    """The totals a published table prints: 总计 column and （七）总计 row of 三, the 总计 of each 四 group."""
    requests = fmt.requests
    paths = [f"requests.{r.key}.total" for r in requests.rows]
    paths += [f"requests.total_processed.{c.key}" for c in requests.input_columns]
    return paths + [f"appeals.{r.key}.total" for r in fmt.appeals.rows]


def request_rules(fmt: Format) -> list[digits.Equation]:
    """R3-1 and R3-2 of every column of 三, as equations over paths."""
    outcomes = [r.key for r in outcome_rows(fmt.requests)]
    rules: list[digits.Equation] = []
    for col in (c.key for c in fmt.requests.columns):
        rules.append(
            (
                (f"requests.new.{col}", f"requests.carried_over.{col}"),
                (f"requests.total_processed.{col}", f"requests.carry_forward.{col}"),
            )
        )
        rules.append(((f"requests.total_processed.{col}",), tuple(f"requests.{r}.{col}" for r in outcomes)))
    return rules


def sub_rows(texts: list[str], n: int) -> list[tuple[str, list[str]]]:
    """A row's cells as sub-rows 「行政检查 2 0 6 行政确认 1 0 5」: each a name and ``n`` numbers; else []."""
    parts: list[tuple[str, list[str]]] = []
    for text in texts:
        if not is_numeric(text):
            parts.append((text.strip(), []))
        elif parts:
            parts[-1][1].append(text.strip())
        else:
            return []
    return parts if parts and all(len(numbers) == n for _, numbers in parts) else []


def prefix_table(paths: list[str]) -> str:
    return paths[0].split(".", 1)[0]


def fit(values: list[Item], n: int) -> tuple[list[Item] | None, str]:
    """The ``n`` value cells of a row, or None. Edge blanks beyond ``n`` cells are layout noise."""
    if len(values) == n:
        return list(values), ""
    core = list(values)
    while core and is_blank(core[0].text):
        core.pop(0)
    while core and is_blank(core[-1].text):
        core.pop()
    if len(core) == n:
        return core, ""
    if values and not core:
        return [Item("", values[0].where, values[0].cell, values[0].row) for _ in range(n)], ""
    if len(core) > n and [keyform(v.text) for v in core[:n]] == [keyform(v.text) for v in core[-n:]]:
        return core[-n:], "surplus"  # an extra cell, but every alignment gives the same values
    return None, "surplus" if len(core) > n else "missing"


class Placer:
    """Places rows into one report and collects the findings, one table (section) at a time."""

    def __init__(
        self,
        report: ReportBuilder,
        exact: bool,
        findings: list[Finding],
        pipes: bool = False,
        previous: Report | None = None,
    ):
        self.report, self.exact, self.findings, self.pipes = report, exact, findings, pipes
        self.previous = previous  # last year's report (``--previous``): its 结转 and 现行有效件数 settle splits
        self.seen: set[str] = set()  # row prefixes "table.row" met in the document
        self.spaces: list[tuple[str, str]] = []
        self.pending: list[tuple[RowRead, digits.Pending]] = []
        self.positional: list[tuple[RowRead, list[str]]] = []  # rows placed by position, to be confirmed
        self.merged: list[tuple[str, str]] = []  # (where, row name): rows read from space-separated numbers
        self.spanned: list[tuple[str, str]] = []  # (where, row name): pipe rows read without their empty cells
        self.strays: list[tuple[list[Item], Finding]] = []  # numbers no row took, and the finding that says so
        self.surplus: set[str] = set()  # rows read from more cells than columns (every alignment the same)
        self.by_position: set[str] = set()  # rows read by their position alone (their label blank)

    @property
    def fmt(self) -> Format:
        return self.report.format

    def kind(self, path: str) -> str:
        return COUNT if is_total(path) else self.fmt.kind_of(path)

    def section_of(self, path: str) -> str:
        return self.fmt.describe(path).rsplit(" · ", 1)[0]

    def place_table(self, read: TableRead, section: str) -> list[RowRead]:
        """Store every row that fits the report's format; return the rows of the other format."""
        other = []
        proved = enclosed(read.rows, self.fmt)
        for index, row in enumerate(read.rows):
            paths = row.options.get(self.fmt.key)
            if paths is None:
                other.append(row)
                continue
            if index in proved:
                row.apart = row.apart or BELOW
            self.place_row(row, paths)
        self.resolve_digits(section)
        for run in read.stray:
            self.stray(run, section)
        for run in read.reworded:
            if not self.exact and keyform(run.official).startswith(keyform(run.named.text)):
                continue  # the label's first line only: extracted text wrapped it, nobody reworded it
            self.findings.append(
                Finding(
                    "G-1",
                    WARNING,
                    f"{section} · {run.named.where}",
                    f"表格标签写作「{snippet(run.named.text)}」，规范写法是「{run.official}」。",
                    operands={"原文": run.named.text, "规范写法": run.official},
                )
            )
        self.flush_spaces(section)
        self.flush_merged(section)
        self.flush_spanned(section)
        return other

    def place_row(self, row: RowRead, paths: list[str]) -> None:
        prefix = paths[0].rsplit(".", 1)[0]
        where = row.label.where if row.label else (row.values[0].where if row.values else "")
        if prefix in self.seen and not prefix.startswith("appeals"):
            section = self.fmt.table(paths[0].split(".")[0]).section
            self.findings.append(
                Finding(
                    "I-3",
                    WARNING,
                    f"{section} · {where}",
                    f"「{row.name}」一行出现了两次，只读取了第一次出现的数据，请核对。",
                    path=prefix,
                )
            )
            return
        self.seen.add(prefix)
        if self.detached(row, paths):
            return
        self.label_notes(row, paths, where)
        cells, status = fit(row.values, len(paths))
        shown = " ".join(v.text.strip() or "（空白）" for v in row.values) or "（无）"
        texts = [v.text for v in row.values if not is_blank(v.text)]
        tokens = [token for text in texts for token in text.split()]
        if not self.exact and len(tokens) > len(texts) and all(is_numeric(t) for t in tokens):
            # A converter put two cells into one (「1 0」): never one number; the spaces separate cells.
            cells, status = (self.spaced(row, tokens, where), "") if len(tokens) == len(paths) else (None, "missing")
        if (
            cells is None
            and status == "surplus"
            and self.pipes
            and len(texts) == len(paths)
            and all(map(is_numeric, texts))
        ):
            cells, status = self.unspanned(row, where), ""
        if cells is None and not self.exact and digits.can_split(self.without_unit(texts, paths[-1]), len(paths)):
            found = digits.cuts(self.without_unit(texts, paths[-1]), [self.kind(p) for p in paths])
            self.pending.append(
                (row, digits.Pending(paths, " ".join(t.strip() for t in texts), found or [], too_many=found is None))
            )
            for path in paths:
                self.report.places[path] = f"{self.fmt.describe(path)}（{where}）"
            return
        if cells is None and (parts := sub_rows(texts, len(paths))):
            self.sub_rows(row, paths, parts, where)
            return
        if cells is None:
            self.findings.append(
                Finding(
                    "I-2",
                    ERROR,
                    f"{self.section_of(paths[0])}（{where}）",
                    f"「{row.name}」一行{self.seen_text(shown, texts, tokens)}，表格应有 {len(paths)} 列，"
                    "无法确定每个数属于哪一列，这一行的数据未读取。请对照原报告核对。",
                    path=prefix,
                    operands={"原文": shown, "应有列数": len(paths)},
                )
            )
            return
        if status == "surplus":
            self.surplus.add(prefix)
            self.findings.append(
                Finding(
                    "I-3",
                    WARNING,
                    f"{self.section_of(paths[0])}（{where}）",
                    f"「{row.name}」一行有多余的单元格（{shown}），应有 {len(paths)} 列；"
                    "各种对齐方式读数相同，已读取，请核对原表格。",
                    path=prefix,
                    operands={"原文": shown, "应有列数": len(paths)},
                )
            )
        for path, item in zip(paths, cells, strict=True):
            self.store(path, item)
        if row.positional:
            self.positional.append((row, paths))
            self.by_position.add(prefix)
        blanks = [path for path, item in zip(paths, cells, strict=True) if is_blank(item.text)]
        self.blanks(row, blanks, len(paths), where)

    def carried_rules(self) -> tuple[list[digits.Equation], dict[str, digits.Value | None]]:
        """What last year's report fixes: this year's 上年结转 is last year's 结转下年度 (X-1), and this year's
        现行有效件数 is last year's plus 制发 minus 废止 (X-2). Last year's cells as ``previous.…`` values."""
        previous, fmt = self.previous, self.fmt
        if previous is None:
            return [], {}
        rules: list[digits.Equation] = []
        known: dict[str, digits.Value | None] = {}
        for column in fmt.requests.columns:
            last = f"previous.requests.carry_forward.{column.key}"
            known[last] = previous.number(f"requests.carry_forward.{column.key}")
            rules.append(((f"requests.carried_over.{column.key}",), (last,)))
        if fmt.stock_flow and previous.format.stock_column == fmt.stock_column:
            added, removed = fmt.stock_flow
            for row in STOCK_ROWS:
                last = f"previous.active.{row}.{fmt.stock_column}"
                known[last] = previous.number(f"active.{row}.{previous.format.stock_column}")
                stock = f"active.{row}.{fmt.stock_column}"
                rules.append(((stock, f"active.{row}.{removed}"), (last, f"active.{row}.{added}")))
        return rules, known

    def confirm_positional(self, section: str) -> None:
        """A row placed by its position stays read only where the table's arithmetic does not contradict it
        (its own 总计, and in 三 each column's balance); otherwise it is not read, with the rule that failed."""
        known = {**self.report.numbers, **self.report.typed_totals}
        rules = request_rules(self.fmt) if self.positional and self.positional[0][1][0].startswith("requests.") else []
        for row, paths in self.positional:
            failed = [eq for eq in digits.row_rules(paths) + rules if set(paths) & {*eq[0], *eq[1]}]
            failed = [eq for eq in failed if digits.holds(eq, known) is False]
            if not failed:
                continue
            for path in paths:
                (self.report.typed_totals if is_total(path) else self.report.numbers)[path] = None
                self.report.unread[path] = "按位置放置，勾稽关系不成立"
            rule = self.equation_text(failed[0], known)
            self.findings.append(
                Finding(
                    "I-2",
                    ERROR,
                    f"{section}（{row.label.where if row.label else ''}）",
                    f"这一行的行标签是空白的（或转换时丢失）；它位于{row.positional}，按位置应是「{row.name}」，"
                    f"但这样读本表的勾稽关系不成立（{rule}），无法证实这些数属于哪一行，这一行的数据未读取。"
                    "请对照原报告核对并补上行标签。",
                    path=paths[0].rsplit(".", 1)[0],
                    operands={"原文": " ".join(v.text.strip() for v in row.values)},
                )
            )
            self.findings[:] = [
                f for f in self.findings if not (f.rule == "I-3" and f.path == paths[0].rsplit(".", 1)[0])
            ]
        self.positional = []

    def equation_text(self, equation: digits.Equation, values: dict) -> str:
        """「列「自然人」：（七）总计为 30，「（一）予以公开」等 21 项之和为 29」."""

        def side(paths: tuple[str, ...]) -> str:
            rows = [self.fmt.describe(p).split("行「", 1)[-1].split("」", 1)[0] for p in paths]
            return f"「{rows[0]}」" if len(rows) == 1 else f"「{rows[0]}」等 {len(rows)} 项之和"

        left, right = equation
        column = self.fmt.describe(left[0]).rsplit(" · ", 1)[-1]
        total = {name: sum(values[p] for p in paths) for name, paths in (("l", left), ("r", right))}
        return f"{column}：{side(left)}为 {total['l']}，{side(right)}为 {total['r']}"

    def sub_rows(self, row: RowRead, paths: list[str], parts: list[tuple[str, list[str]]], where: str) -> None:
        """「其他对外管理服务事项」 printed as sub-rows (「行政检查」「行政确认」): the official row is not their sum
        by definition, so nothing is added up and the row is not read."""
        names = "、".join(f"「{name}」" for name, _ in parts)
        shown = "；".join(f"{name} {' '.join(numbers)}" for name, numbers in parts)
        self.findings.append(
            Finding(
                "I-2",
                ERROR,
                f"{self.section_of(paths[0])}（{where}）",
                f"「{row.name}」分成了{names} {len(parts)} 行（{shown}）。规范表格只有「{row.name}」一行，"
                "细分的几行不一定包括这一行的全部内容，不能相加代替，这一行的数据未读取。请按规范表格填写这一行的合计。",
                path=paths[0].rsplit(".", 1)[0],
                operands={"细分行": dict(parts)},
            )
        )

    def detached(self, row: RowRead, paths: list[str]) -> bool:
        """A row label on a line of its own whose numbers are a table row of their own (extracted text, converter
        output): unless the rows around prove it (``neighbours``), nothing shows whether they belong to the label
        above or below, so the row is not read."""
        label = row.label
        if (
            self.exact
            or prefix_table(paths) == "appeals"
            or (not self.pipes and prefix_table(paths) != "requests")  # 二 in plain text: sub-rows, one per line
            or label is None
            or label.row is not None
            or row.positional
            or row.apart
        ):
            return False
        if not any(v.row is not None and not is_blank(v.text) for v in row.values):
            return False
        shown = " ".join(v.text.strip() for v in row.values if not is_blank(v.text))
        self.findings.append(
            Finding(
                "I-2",
                ERROR,
                f"{self.section_of(paths[0])}（{label.where}）",
                f"行标签「{snippet(label.text, 30)}」单独占一行，其后的数（{shown}）是另一行（{row.values[0].where}）；"
                "转换出的文字看不出这些数属于它上面还是下面的行标签，这一行的数据未读取。请对照原报告核对。",
                path=paths[0].rsplit(".", 1)[0],
                operands={"行标签": label.text, "数": shown},
            )
        )
        return True

    def spaced(self, row: RowRead, tokens: list[str], where: str) -> list[Item]:
        """The cells of a row whose numbers stand in fewer cells, separated by spaces: one number per column."""
        first = row.values[0] if row.values else row.label
        assert first is not None
        self.merged.append((where, row.name))
        return [Item(token, first.where, cell=True, row=first.row) for token in tokens]

    def unspanned(self, row: RowRead, where: str) -> list[Item]:
        """The cells of a pipe row with empty cells between its numbers, as many numbers as columns: a converter
        (markitdown) repeats a merged header cell's span as empty cells in every row. The numbers stand in order,
        so one number per column, left to right, is the only reading."""
        self.spanned.append((where, row.name))
        return [v for v in row.values if not is_blank(v.text)]

    @staticmethod
    def seen_text(shown: str, texts: list[str], tokens: list[str]) -> str:
        """What a row showed, in words: 「看到的是（…）：4 个单元格中共 7 个数」, 「旁边没有数」."""
        if not texts:
            return "旁边没有数（可能是转换时数与行标签分开了）"
        if not all(is_numeric(t) for t in tokens):
            return f"看到的是（{shown}）：{len(texts)} 个单元格"
        if len(tokens) != len(texts):
            return f"看到的是（{shown}）：{len(texts)} 个单元格中共 {len(tokens)} 个数"
        return f"看到的是（{shown}）：{len(texts)} 个数"

    def label_notes(self, row: RowRead, paths: list[str], where: str) -> None:
        """A row read under another version's label, or placed by its position (blank label)."""
        section = self.section_of(paths[0])
        if row.variant:
            other = next(f for k, f in FORMATS.items() if k != self.fmt.key)
            self.findings.append(
                Finding(
                    "G-2",
                    WARNING,
                    f"{section}（{where}）",
                    f"行标签「{row.name}」是{other.name}的写法，{self.fmt.name}为「{row.variant}」，已按「{row.variant}」读取，"
                    "请按本年度格式修改标签。",
                    path=paths[0].rsplit(".", 1)[0],
                    operands={"原文": row.name},
                )
            )
        if row.apart == ABOVE:  # numbers below their label are how wrapped labels come out: proved, not noted
            self.findings.append(
                Finding(
                    "I-3",
                    WARNING,
                    f"{section}（{where}）",
                    f"行标签「{snippet(row.name, 30)}」单独占一行，它的数在它的上一行；上下各行的数都已各有归属，"
                    "这些数只能属于这一行，已按这一行读取，请核对。",
                    path=paths[0].rsplit(".", 1)[0],
                )
            )
        if row.positional:
            self.findings.append(
                Finding(
                    "I-3",
                    WARNING,
                    f"{section}（{where}）",
                    f"这一行的行标签是空白的；它位于{row.positional}，按位置只能是「{row.name}」，已按这一行读取，请补上行标签。",
                    path=paths[0].rsplit(".", 1)[0],
                )
            )

    def blanks(self, row: RowRead, paths: list[str], n: int, where: str) -> None:
        """One R0-2 per row: blank cells are read as blank (None), never as 0."""
        if not paths:
            return
        if len(paths) == 1:
            what, path = "单元格空白", paths[0]
        else:
            path = paths[0].rsplit(".", 1)[0]
            columns = "、".join(self.fmt.describe(p).rsplit(" · ", 1)[1] for p in paths)
            what = (
                f"「{row.name}」一行的 {n} 个单元格都是空白"
                if len(paths) == n
                else f"「{row.name}」一行有 {len(paths)} 个单元格空白（{columns}）"
            )
        self.findings.append(
            Finding(
                "R0-2",
                ERROR,
                self.report.places[paths[0]] if len(paths) == 1 else f"{self.section_of(paths[0])}（{where}）",
                f"{what}。发布的报告中每个单元格都应填写，没有发生的填 0；空白按空白处理，用到它的勾稽关系无法校验。",
                path=path,
                operands={"空白": paths},
            )
        )

    def store(self, path: str, item: Item) -> None:
        total = is_total(path)
        kind = self.kind(path)
        where = f"{self.fmt.describe(path)}（{item.where}）"
        self.report.places[path] = where
        target = self.report.typed_totals if total else self.report.numbers
        if is_blank(item.text):
            target[path] = None  # reported by ``blanks``, once for the row
            return
        if kind == AMOUNT and (converted := self.convert_unit(path, item, where)) is not None:
            target[path] = converted
            return
        if not self.exact and SPACED_DIGITS.search(item.text):
            self.report.unread[path] = item.text.strip()
            target[path] = None
            self.findings.append(
                Finding(
                    "I-2",
                    ERROR,
                    where,
                    f"单元格中是用空格隔开的几个数（「{item.text.strip()}」），可能是转换时把相邻的单元格合在了一起，"
                    "无法确定这一格的数，未读取。请对照原报告核对。",
                    path=path,
                    operands={"原文": item.text},
                )
            )
            return
        cell = read_number(item.text, kind, where, path, source="原文")
        target[path] = cell.value
        if cell.value is None:
            self.report.unread[path] = item.text.strip()
        if cell.note == SPACES_ONLY:
            self.spaces.append((where, item.text))  # one finding for the whole table
        elif cell.finding:
            self.findings.append(cell.finding)

    def convert_unit(self, path: str, item: Item, where: str) -> Decimal | None:
        """An amount printed in the other unit (「251000元」 where the column is in 万元): converted, with a warning."""
        match = UNIT.search(item.text)
        unit = self.unit(path)
        if not match or match.group(1) == unit:
            return None
        parsed = parse_number(item.text[: match.start()], AMOUNT)
        if parsed.value is None:
            return None
        value = (parsed.value * UNITS[match.group(1)] / UNITS[unit]).normalize()
        self.findings.append(
            Finding(
                "R0-1",
                WARNING,
                where,
                f"原文「{item.text.strip()}」的单位是{match.group(1)}，本列的单位是{unit}，已换算为 "
                f"{format_number(value, AMOUNT)}（{unit}）读取，请核对。",
                path=path,
                operands={"原文": item.text, "按": value},
            )
        )
        return value

    def unit(self, path: str) -> str:
        """The unit of an amount column: 万元 where its label says so (2021 收费金额), else 元."""
        _, row, col = path.split(".")
        label = next(c for c in self.fmt.active_block_of(row).columns if c.key == col).label
        return "万元" if "万元" in label else "元"

    def without_unit(self, texts: list[str], last: str) -> list[str]:
        """Run-together cells ending with the amount column's own unit (「13575394432.52元」): the unit taken off."""
        match = UNIT.search(texts[-1]) if texts and self.kind(last) == AMOUNT else None
        if not match or match.group(1) != self.unit(last):
            return texts
        return [*texts[:-1], texts[-1][: match.start()]]

    def resolve_digits(self, section: str) -> None:
        """Rows whose digits ran together: split by the table's arithmetic, read only when one split fits."""
        if not self.pending:
            return
        known = {**self.report.numbers, **self.report.typed_totals}
        rules = request_rules(self.fmt) if self.pending[0][1].paths[0].startswith("requests.") else []
        carried, carried_known = self.carried_rules()
        digits.solve([p for _, p in self.pending], {**known, **carried_known}, rules + carried)
        recovered = []
        for row, pending in self.pending:
            where = row.label.where if row.label else ""
            if pending.chosen is not None:
                for path, value in zip(pending.paths, pending.chosen, strict=True):
                    (self.report.typed_totals if is_total(path) else self.report.numbers)[path] = value
                recovered.append((row, pending))
                continue
            self.findings.append(self.ambiguous(row, pending, where))
        if recovered:
            row, pending = recovered[0]
            self.findings.append(
                Finding(
                    "I-7",
                    WARNING,
                    section,
                    f"表格中 {len(recovered)} 行的数字连在一起，没有分隔（如「{row.name}」：{pending.text}）。"
                    "已按本表的勾稽关系（每行总计等于各项之和；第三部分还有每列一加二等于（七）加四、（七）等于各项之和）"
                    f"{'及上年报告的结转数、现行有效件数' if self.previous else ''}拆分，"
                    "这些行都只有一种拆法。请对照原报告核对。",
                    operands={"行": {r.name: " ".join(format_number(v) for v in p.chosen or ()) for r, p in recovered}},
                )
            )
        self.pending = []

    def ambiguous(self, row: RowRead, pending: digits.Pending, where: str) -> Finding:
        prefix = pending.paths[0].rsplit(".", 1)[0]
        shown = "；".join(" ".join(format_number(v) for v in cut) for cut in pending.cuts[:SHOWN_CUTS])
        more = "等" if len(pending.cuts) > SHOWN_CUTS else ""
        if pending.too_many:
            why = "可能的拆法太多，无法确定是哪一种"
        elif len(pending.cuts) > 1 and prefix.startswith("active."):
            why = f"这张表没有可以确定拆法的勾稽关系，可能的拆法不止一种（{shown}{more}）"
        elif len(pending.cuts) > 1:
            why = f"能满足本表勾稽关系的拆法不止一种（{shown}{more}），无法确定是哪一种"
        else:
            why = "没有一种拆法能满足本表的勾稽关系（每行总计等于各项之和）"
        return Finding(
            "I-7",
            ERROR,
            f"{self.section_of(pending.paths[0])}（{where}）",
            f"「{row.name}」一行的 {len(pending.paths)} 个数字连在一起（{pending.text}），{why}，"
            "这一行的数据未读取。请对照原报告核对。",
            path=prefix,
            operands={"原文": pending.text, "拆法": [list(map(format_number, c)) for c in pending.cuts[:SHOWN_CUTS]]},
        )

    def flush_spaces(self, section: str) -> None:
        if not self.spaces:
            return
        first_where, first_text = self.spaces[0]
        self.findings.append(
            Finding(
                "R0-1",
                WARNING,
                section,
                f"{len(self.spaces)} 个单元格的数字前后带有空格（如{first_where}「{first_text}」），已去掉空格读取。"
                "发布的表格中请只填数字。",
                operands={"单元格数": len(self.spaces), "示例": [f"{w}「{t}」" for w, t in self.spaces[:3]]},
            )
        )
        self.spaces = []

    def flush_merged(self, section: str) -> None:
        self.note_rows(section, self.merged, "行的单元格被合并在一起，数字之间只有空格", "已按空格逐列读取")
        self.merged = []

    def flush_spanned(self, section: str) -> None:
        self.note_rows(
            section,
            self.spanned,
            "行的数字之间夹着空白单元格（转换时合并单元格留下的空格子）",
            "已去掉空白单元格按顺序逐列读取",
        )
        self.spanned = []

    def note_rows(self, section: str, rows: list[tuple[str, str]], what: str, done: str) -> None:
        """One I-3 reminder for the rows of a section read one number per column from an unusual layout."""
        if not rows:
            return
        where, name = rows[0]
        self.findings.append(
            Finding(
                "I-3",
                WARNING,
                section,
                f"{len(rows)} {what}（如{where}「{name}」）。每行的数字个数正好等于列数，{done}，请对照原报告核对。",
                operands={"行": [n for _, n in rows]},
            )
        )

    def stray(self, run: Run, section: str) -> None:
        if not any(is_numeric(v.text) for v in run.values):
            return  # header fragments (「本年新」), not numbers
        numbers = " ".join(v.text.strip() for v in run.values if not is_blank(v.text))
        label = f"「{snippet(run.label.text, 20)}」后" if run.label else ""
        where = run.label.where if run.label else run.values[0].where
        self.findings.append(
            finding := Finding(
                "I-4",
                ERROR,
                f"{section} · {where}",
                f"表格中{label}的数（{numbers}）无法对应到规范表格的任何一行，未读取。请核对表格的行标签。",
                operands={"原文": numbers},
            )
        )
        self.strays.append((run.values, finding))

    def missing_rows(self, table: str, section: str, picture: Item | None = None) -> None:
        """One finding for each row of the format's table that the document does not show."""
        t = self.fmt.table(table)
        missing = [r for r in t.rows if f"{table}.{r.key}" not in self.seen]
        if table == "appeals" and "appeals.review" in self.seen:
            return
        if len(missing) == len(t.rows):
            if picture is not None:
                message = (
                    f"表格是图片，无法读取（{picture.where}）：表中数据均未读取，相关勾稽关系无法校验。"
                    "请向发布单位索取文字版（Word 或网页表格）。"
                )
            else:
                message = "没有找到这一部分的表格，表中数据均未读取，相关勾稽关系无法校验。请确认报告包含这张表格。"
            self.findings.append(Finding("I-1", ERROR, section, message, path=table))
            return
        for row in missing:
            label = f"{row.group} {row.label}" if row.group and row.group != row.label else row.label
            self.findings.append(
                Finding(
                    "I-1",
                    ERROR,
                    f"{section} · 行「{label}」",
                    "表格中没有找到这一行，这一行的数据未读取，用到它的勾稽关系无法校验。",
                    path=f"{table}.{row.key}",
                )
            )

    def mark_unread(self) -> None:
        """Every printed total that was not read is None (an input cell never found is unread anyway)."""
        for path in total_paths(self.fmt):
            self.report.typed_totals.setdefault(path, None)

    def sum_other_rows(self, rows: list[RowRead], section: str) -> list[RowRead]:
        """2021 （六） rows in a 2019 table: their sums go into 2019's single （六）其他处理 row."""
        parts = [r for r in rows if any(p.startswith("requests.other_") for p in r.options.get("2021", []))]
        if self.fmt.key != "2019" or not parts or "requests.other" in self.seen:
            return rows
        sums: dict[str, Decimal | int] = {}
        for row in parts:
            cells, _ = fit(row.values, 7)
            if cells is None:
                return rows
            for column, item in zip(FORMATS["2019"].table("requests").columns, cells, strict=True):
                parsed = parse_number(item.text)
                if parsed.value is None or parsed.blank:
                    return rows
                sums[column.key] = sums.get(column.key, 0) + parsed.value
        self.seen.add("requests.other")
        first = parts[0].label
        # rows of 三 always have an item: their label, or the first value of a run under a blank label
        assert first is not None
        for key, value in sums.items():
            path = f"requests.other.{key}"
            (self.report.typed_totals if key == "total" else self.report.numbers)[path] = value
            self.report.places[path] = f"{self.fmt.describe(path)}（{first.where}起三行之和）"
        self.findings.append(
            Finding(
                "G-2",
                WARNING,
                f"{section} · （六）其他处理（{first.where}）",
                f"（六）其他处理按2021年版分为 {len(parts)} 行，本报告其余表格为2019年版，已把这几行的和填入2019年版的"
                f"「（六）其他处理」（自然人 {sums.get('natural', 0)}，总计 {sums.get('total', 0)}），请核对。",
                path="requests.other",
                operands={"行数": len(parts)},
            )
        )
        return [r for r in rows if r not in parts]

    def single_other_row(self, rows: list[RowRead], section: str) -> list[RowRead]:
        """One 2019-style （六）其他处理 row in a 2021 table: all 0 means each of its three rows is 0."""
        single = [r for r in rows if r.options.get("2019", [""])[0] == "requests.other.natural"]
        keys = [r.key for r in self.fmt.requests.rows if r.key.startswith("other_")]
        if self.fmt.key != "2021" or len(single) != 1 or any(f"requests.{k}" in self.seen for k in keys):
            return rows
        row = single[0]
        where = row.label.where if row.label else ""
        cells, _ = fit(row.values, len(self.fmt.requests.columns))
        values = [parse_number(c.text).value if not is_blank(c.text) else None for c in cells] if cells else []
        self.seen.update(f"requests.{k}" for k in keys)
        labels = "、".join(f"「{r.label}」" for r in self.fmt.requests.rows if r.key in keys)
        if values and all(v == 0 for v in values):
            for key in keys:
                for column in self.fmt.requests.columns:
                    path = f"requests.{key}.{column.key}"
                    (self.report.typed_totals if is_total(path) else self.report.numbers)[path] = 0
                    self.report.places[path] = f"{self.fmt.describe(path)}（{where}）"
            self.findings.append(
                Finding(
                    "G-2",
                    WARNING,
                    f"{section} · （六）其他处理（{where}）",
                    f"「（六）其他处理」只有一行（{FORMATS['2019'].name}的写法），"
                    f"{self.fmt.name}分为{labels} {len(keys)} 行。这一行全为 0，已按这 {len(keys)} 行都是 0 读取。"
                    f"请按{self.fmt.name}修改表格。",
                    path="requests.other_1",
                )
            )
        else:
            shown = (
                " ".join(c.text.strip() or "（空白）" for c in cells)
                if cells
                else " ".join(v.text.strip() for v in row.values)
            )
            self.findings.append(
                Finding(
                    "G-2",
                    ERROR,
                    f"{section} · （六）其他处理（{where}）",
                    f"「（六）其他处理」只有一行（{FORMATS['2019'].name}的写法：{shown}），无法分到{self.fmt.name}的{labels}"
                    f" {len(keys)} 行，这 {len(keys)} 行未读取，用到它们的勾稽关系无法校验。请按{self.fmt.name}修改表格。",
                    path="requests.other_1",
                    operands={"原文": shown},
                )
            )
        return [r for r in rows if r is not row]
