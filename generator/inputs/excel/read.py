"""Reading a filled Excel form (填报表) into a Report.

Whole-file problems (empty file, old .xls, encrypted file, a CSV or Word file renamed, missing sheets,
an unknown format version) raise ``InputError`` with a Chinese message. Cell problems become findings
in ``report.read_findings`` naming sheet and cell, and ``report.places`` maps every path to its cell,
so the checker's later findings name the cell too.

openpyxl never evaluates formulas: totals are recomputed in Python. A total's value cached by a
spreadsheet program (Excel, WPS, LibreOffice) — or a number typed over a total's formula — goes into
``report.typed_totals`` for the checker (R3-2, R3-3, R4-1), except where the difference is only that the
spreadsheet's SUM skipped numbers typed as text (those cells are already reported).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ...cells import read_number, read_text, read_yes_no, shown
from ...errors import InputError
from ...findings import ERROR, WARNING, Finding
from ...formats import COUNT, FORMATS, Format, format_for_year, format_years
from ...limits import check_zip, clip, for_regex, read_limited
from ...numbers import ZERO_WORDS, format_number, parse_date, parse_number, plain
from ...report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Fees, Report, ReportBuilder
from ...spreadsheets import load_readonly
from .layout import (
    FORMAT_NAME,
    LAYOUT_NAME,
    LAYOUT_VERSION,
    ROSTER_SHEET,
    Layout,
    Slot,
    carried_name,
    key_for,
    layout,
    name_for,
    text_digest,
)
from .sniff import sniff

REGENERATE = "请用 nianbao form 重新生成填报表后再填写"
FORM_WHAT = "填报表"


def read_form(path: Path) -> Report:
    path = Path(path)
    data = read_limited(path, FORM_WHAT)
    check_zip(data, FORM_WHAT, name=path.name)
    sniff(path.name, data)
    formulas, cached = _load(path.name, data)
    try:
        fmt = _detect_format(path.name, formulas)
        reader = _FormReader(path.name, fmt, formulas, cached)
        _scan(path.name, (formulas, cached), reader.bounds())
        return reader.read()
    finally:
        formulas.close()
        cached.close()


# --- the file as a whole ---------------------------------------------------------------------


class _Book:
    """What reading needs of a read-only workbook: sheet names, defined names, and the values of the cells read."""

    def __init__(self, wb) -> None:
        self.wb = wb
        self.sheetnames = list(wb.sheetnames)
        self.defined_names = dict(wb.defined_names.items())
        self.values: dict[str, dict[tuple[int, int], object]] = {}

    def scan(self, bounds: dict[str, tuple[int, int]]) -> None:
        """Read each sheet's cells up to (last row, last column): a clerk's pasted data below is never parsed."""
        for title, (max_row, max_col) in bounds.items():
            ws = self.wb[title]
            cells = self.values[title] = {}
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            rows = ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col, values_only=True)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        cells[(r, c)] = value

    def value(self, sheet: str, coord: str):
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        column, row = coordinate_from_string(coord)
        return self.values[sheet].get((row, column_index_from_string(column)))

    def close(self) -> None:
        self.wb.close()


def _broken(name: str, exc: Exception) -> InputError:
    return InputError(
        f"{name}：文件已损坏或不是有效的 Excel 工作簿，无法打开（{type(exc).__name__}）。"
        "请用 Excel 或 WPS 打开后重新保存，或重新生成填报表。"
    )


def _load(name: str, data: bytes) -> tuple[_Book, _Book]:
    """The workbook twice, read-only: with formulas (what was typed) and with cached values (what was shown).

    Read-only mode parses a sheet only when it is scanned, so opening is cheap.
    """
    books: list[_Book] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" etc.
            for data_only in (False, True):
                books.append(_Book(load_readonly(io.BytesIO(data), data_only=data_only)))
    except Exception as exc:
        for book in books:
            book.close()
        raise _broken(name, exc) from None
    return books[0], books[1]


def _scan(name: str, books: tuple[_Book, _Book], bounds: dict[str, tuple[int, int]]) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for book in books:
                book.scan(bounds)
    except Exception as exc:
        raise _broken(name, exc) from None


def _constant(wb, name: str) -> str | None:
    defined = wb.defined_names.get(name)
    if defined is None:
        return None
    text = defined.attr_text
    return "" if text is None else str(text).strip().strip('"').strip()  # "": present but unreadable


def _is_roster(wb) -> bool:
    return ROSTER_SHEET in wb.sheetnames


def _detect_format(name: str, wb) -> Format:
    marker = _constant(wb, FORMAT_NAME)
    ours = {key_for(n) for n in wb.defined_names} - {None}
    by_names = {key: len(ours & set(layout(fmt).slots)) for key, fmt in FORMATS.items()}
    if marker is None:
        best = max(by_names, key=lambda key: by_names[key])
        if by_names[best] == 0 and _is_roster(wb):
            raise InputError(
                f"{name}：这是汇总填报表（每行一个单位），不是单个单位的填报表。请用 nianbao batch {name} -o 输出目录 处理。"
            )
        if by_names[best] == 0:
            raise InputError(
                f"{name}：这不是 nianbao 生成的填报表（找不到填报表的标记和单元格名称），无法确定每个数字的位置。"
                f"{REGENERATE}；已在其他表格中填好的，请把数字抄到生成的填报表中。"
            )
        marker = best
    if not re.fullmatch(r"\d{4}", marker):  # empty, 「None」, #REF!…: not a version at all
        raise InputError(
            f"{name}：填报表的格式版本标记（名称 {FORMAT_NAME}）无法读取，可能已损坏或被改动。{REGENERATE}。"
        )
    if marker not in FORMATS:
        raise InputError(
            f"{name}：填报表的格式版本「{marker}」无法识别（本工具支持：2019年版、2021年版）。{REGENERATE}。"
        )
    version = _constant(wb, LAYOUT_NAME)
    if version and version.isdigit() and int(version) > LAYOUT_VERSION:
        raise InputError(
            f"{name}：这份填报表由更新版本的 nianbao 生成（表格版本 {version}），请升级 nianbao 后再读取。"
        )
    other = next(k for k in FORMATS if k != marker)
    only_other = set(layout(FORMATS[other]).slots) - set(layout(FORMATS[marker]).slots)
    only_this = set(layout(FORMATS[marker]).slots) - set(layout(FORMATS[other]).slots)
    if ours & only_other and not ours & only_this:
        raise InputError(
            f"{name}：填报表标记为{FORMATS[marker].name}，但其中的表格是{FORMATS[other].name}的，两者不一致，"
            f"可能是从别的表格复制拼接而成。{REGENERATE}。"
        )
    return FORMATS[marker]


# --- cells -----------------------------------------------------------------------------------


def _is_formula(value) -> bool:
    if isinstance(value, str):
        return value.startswith("=") and len(value) > 1
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _formula_text(value) -> str:
    return value if isinstance(value, str) else str(getattr(value, "text", value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


class _FormReader:
    def __init__(self, name: str, fmt: Format, formulas, cached) -> None:
        self.name = name
        self.fmt = fmt
        self.lay: Layout = layout(fmt)
        self.formulas = formulas
        self.cached = cached
        self.unread_formulas: set[str] = set()  # text cells holding a formula without a saved result
        self.findings: list[Finding] = []
        self.places: dict[str, str] = {}
        self.summed = {part for parts in self.lay.parts.values() for part in parts}  # cells a total formula adds up
        self.cells = self._resolve()

    # Where each key is: through its defined name, else where the layout put it.
    def _resolve(self) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        missing: dict[str, list[str]] = {}
        sheets = self.formulas.sheetnames
        for key, slot in self.lay.slots.items():
            sheet, coord = slot.sheet, slot.coord
            defined = self.formulas.defined_names.get(name_for(key))
            if defined is not None:
                destinations = list(_destinations(defined))
                if destinations:
                    sheet, coord = destinations[0]
                    coord = coord.replace("$", "").split(":")[0]
                elif "#REF!" in str(defined.attr_text):
                    missing.setdefault(slot.sheet, []).append(key)
                    continue
            if sheet not in sheets or not coord:
                missing.setdefault(slot.sheet if sheet in sheets else sheet, []).append(key)
                continue
            found[key] = (sheet, coord)
        if missing:
            lost = "、".join(f"「{s}」" for s in missing)
            raise InputError(
                f"{self.name}：找不到工作表{lost}（可能被改名或删除）。工作簿中现有的工作表："
                f"{'、'.join(f'「{s}」' for s in sheets)}。请把工作表名改回原样，或从原填报表中把工作表复制回来；"
                f"也可以{REGENERATE[1:]}。"
            )
        return found

    def bounds(self) -> dict[str, tuple[int, int]]:
        """The last row and column to read on each sheet that holds a key."""
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        out: dict[str, tuple[int, int]] = {}
        for sheet, coord in self.cells.values():
            column, row = coordinate_from_string(coord)
            last_row, last_col = out.get(sheet, (1, 1))
            out[sheet] = (max(last_row, row), max(last_col, column_index_from_string(column)))
        return out

    def place(self, key: str) -> str:
        sheet, coord = self.cells[key]
        slot = self.lay.slots[key]
        return f"工作表「{sheet}」单元格 {coord}（{slot.label}）"

    def raw(self, key: str):
        return self.formulas.value(*self.cells[key])

    def shown(self, key: str):
        """The value a spreadsheet program displayed (the cached result for formulas)."""
        return self.cached.value(*self.cells[key])

    def add(self, rule: str, severity: str, key: str, message: str, **kw) -> None:
        self.findings.append(Finding(rule, severity, self.place(key), message, path=key, **kw))

    # The whole report.
    def read(self) -> Report:
        year = self._year()
        builder = ReportBuilder(
            year=year, format=self.fmt, declared_format=self.fmt.key, read_findings=self.findings, places=self.places
        )
        for key in self.lay.slots:
            self.places[key] = self.place(key)
        expected = format_for_year(year)
        if expected.key != self.fmt.key:
            self.add(
                "G-2",
                WARNING,
                "year",
                f"本填报表是{self.fmt.name}，适用于{format_years(self.fmt)}报告；{year}年度应使用{expected.name}。"
                f"请用「nianbao form --year {year}」生成{expected.name}的填报表，把数字填入新表。",
            )
        builder.publication_date = self._date()
        builder.agency = Agency(**{k: self._text(f"agency.{k}") for k in AGENCY_FIELDS})
        if not builder.agency.name and "agency.name" not in self.unread_formulas:
            self.add("F-1", ERROR, "agency.name", "机关名称没有填写。请填写全称，如 ××镇人民政府；报告标题和落款要用。")
        for key in PROSE_FIELDS:
            builder.prose[key] = self._text(f"prose.{key}", strip=False)
            self._still_carried(key, builder.prose[key])
        builder.fees = self._fees()
        self._numbers(builder)
        self._totals(builder)
        return builder.build()

    def _still_carried(self, key: str, text: str) -> None:
        """T-2 without last year's report: a prose cell ``form --previous`` filled with last year's text, unchanged."""
        defined = self.formulas.defined_names.get(carried_name(key))
        year, _, digest = str(getattr(defined, "attr_text", "")).strip('"').partition(":")
        if text.strip() and digest and digest == text_digest(text):
            self.add(
                "T-2",
                WARNING,
                f"prose.{key}",
                f"这一部分仍是{year}年报告的原文（生成填报表时带入），没有改写。年度报告应反映本年度实际情况，"
                "照搬往年内容会被通报，请按本年度工作改写。",
                operands={"相似度": 1.0},
            )

    def _year(self) -> int:
        raw = self.shown("year") if _is_formula(self.raw("year")) else self.raw("year")
        text = shown(raw) if raw is not None else ""
        match = re.fullmatch(r"(\d{4})\s*年?(度)?", text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        where = f"{self.name}：{self.place('year')}"
        if not text:
            raise InputError(f"{where}没有填写。请填写 4 位数字的年份，如 2025（报告年度决定报告标题和表格格式）。")
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            raise InputError(f"{where}「{text}」不是年份。请填写 4 位数字的年份，如 2025。")
        return int(match.group(1))

    def _date(self) -> date | None:
        raw = self.raw("publication_date")
        if _is_formula(raw):
            raw = self.shown("publication_date")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, date):  # datetime included
            return parse_date(raw)
        if _is_number(raw) and 36526 <= raw < 73051:  # an Excel date serial shown as a plain number (2000–2099)
            from openpyxl.utils.datetime import from_excel

            serial = from_excel(raw).date()
            self.add(
                "R0-1",
                WARNING,
                "publication_date",
                f"填写的「{shown(raw)}」是 Excel 的日期序号，已按 {serial:%Y-%m-%d} 读取，请核对"
                "（把单元格格式设为「日期」即可看到日期）。",
                operands={"输入": shown(raw), "按": f"{serial:%Y-%m-%d}"},
            )
            return serial
        text = shown(raw)
        if parsed := parse_date(text):
            return parsed
        self.add(
            "F-1",
            ERROR,
            "publication_date",
            f"「{text}」不是有效日期，请写成 2026-01-20 的形式。",
            operands={"输入": text},
        )
        return None

    def _text(self, key: str, strip: bool = True) -> str:
        raw = self.raw(key)
        if _is_formula(raw):
            formula, raw = raw, self.shown(key)
            if raw is None:  # saved by a program that does not calculate: no result to read
                self.unread_formulas.add(key)
                self.add(
                    "F-1",
                    ERROR,
                    key,
                    f"是公式「{clip(str(formula), 60)}」，文件里没有保存它的计算结果，无法读取。请把这个单元格改为直接"
                    "填写文字（或复制后「选择性粘贴 → 值」），再用 Excel 或 WPS 保存。",
                    operands={"公式": str(formula)},
                )
                return ""
        text, finding = read_text(raw, self.place(key), key, strip=strip)
        if finding:
            self.findings.append(finding)
        return text

    def _fees(self) -> Fees:
        """是否收取 and the amount and cases; with 「否」 a typed amount is the one finding R6-1 (no R0-1 echo)."""
        collected, finding = read_yes_no(self.raw("fees.collected"), self.place("fees.collected"), "fees.collected")
        if finding:  # a required field of the form (F-1), unlike a number cell
            self.findings.append(replace(finding, rule="F-1"))
        values: dict = {"collected": collected}
        for key in ("fees.amount", "fees.cases"):
            raw = self.raw(key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            before = len(self.findings)
            value = values[key.split(".")[1]] = self._number(key, self.lay.slots[key], raw)
            if collected is False and value:
                del self.findings[before:]
        return Fees(**values)

    # Numbers.
    def _numbers(self, builder: ReportBuilder) -> None:
        blanks: dict[str, list[str]] = {}
        for slot in self.lay.number_slots():
            raw = self.raw(slot.key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                builder.numbers[slot.key] = 0
                blanks.setdefault(self.cells[slot.key][0], []).append(slot.key)
                continue
            value = self._number(slot.key, slot, raw)
            if value is None:
                builder.unread[slot.key] = raw if _is_number(raw) else shown(_formula_text(raw))
            else:
                builder.numbers[slot.key] = value
        for sheet, keys in blanks.items():
            if len(keys) <= 3:
                for key in keys:
                    self.add("R0-2", WARNING, key, "空白，已按 0 处理；没有发生请填 0。")
                continue
            cells = _ranges([self.cells[k][1] for k in keys])
            self.findings.append(
                Finding(
                    "R0-2",
                    WARNING,
                    f"工作表「{sheet}」",
                    f"有 {len(keys)} 个空白单元格（{cells}），已按 0 处理；没有发生请填 0。",
                    path=keys[0],
                    operands={"空白单元格": len(keys)},
                )
            )

    def _number(self, key: str, slot: Slot, raw):
        """One typed number (input cell); findings for anything not a plain number."""
        if _is_formula(raw):
            formula = _formula_text(raw)
            value = self.shown(key)
            parsed = parse_number(value, slot.kind) if _is_number(value) else None
            if parsed is None or parsed.value is None:
                self.add(
                    "R0-1",
                    ERROR,
                    key,
                    f"填的是公式「{formula}」，读不出它的结果。请直接填写数字。",
                    operands={"输入": formula},
                )
                return None
            self.add(
                "R0-1",
                WARNING,
                key,
                f"填的是公式「{formula}」，已按电子表格算出的 "
                f"{format_number(parsed.value, slot.kind)} 处理；请直接填写数字。",
                operands={"输入": formula, "按": parsed.value},
            )
            return parsed.value
        if isinstance(raw, (datetime, date, time)):
            self.add(
                "R0-1",
                ERROR,
                key,
                f"被电子表格当成了日期或时间（{raw}），不是数字。请把单元格格式设为「常规」后重新填写数字。",
                operands={"输入": str(raw)},
            )
            return None
        value = parse_number(raw, slot.kind).value if isinstance(raw, str) else None
        as_text = (
            key in self.summed
            and value not in (None, 0)
            and raw.strip() not in ZERO_WORDS  # SUM skips it
            and not isinstance(plain(value), str)
        )  # unless only text holds it exactly (over 15 digits)
        cell = read_number(
            raw,
            slot.kind,
            self.place(key),
            key,
            extra_note="是以文字形式填写的，表中的总计公式不会计入" if as_text else "",
        )
        if cell.finding:
            self.findings.append(cell.finding)
        return cell.value

    # Totals: recomputed by Report; what the spreadsheet showed or the clerk typed is compared.
    def _totals(self, builder: ReportBuilder) -> None:
        derived = self.fmt.derive(builder.numbers, builder.unread)
        for key in self.lay.parts:
            raw = self.raw(key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                self.add(
                    "F-2",
                    WARNING,
                    key,
                    f"总计公式被删除了（原为「{self.lay.formula(key)}」）。报告中的总计按各分项计算；"
                    "请在表中恢复公式，或重新生成填报表。",
                )
                continue
            if _is_formula(raw):
                formula = _formula_text(raw)
                if _same_formula(formula, self.lay.formula(key)):
                    shown = self.shown(key)
                    if not _is_number(shown):
                        continue  # never calculated (written by a program): nothing to compare
                    value = parse_number(shown, COUNT).value
                    if value is None or (value == self._sheet_sum(key) and value != derived[key]):
                        continue  # not a number (NaN, 10^20), or only text-typed parts differ (reported at those cells)
                    builder.typed_totals[key] = value
                    continue
                self.add(
                    "F-2",
                    WARNING,
                    key,
                    f"总计公式被改成了「{formula}」（应为「{self.lay.formula(key)}」）。"
                    "报告中的总计按各分项重新计算；请在表中恢复公式，或重新生成填报表。",
                    operands={"公式": formula},
                )
                value = parse_number(self.shown(key), COUNT).value if _is_number(self.shown(key)) else None
                if value is not None:
                    builder.typed_totals[key] = value
                continue
            parsed = parse_number(raw, COUNT)
            if parsed.value is None:
                self.add(
                    "R0-1",
                    ERROR,
                    key,
                    f"总计{parsed.note}。总计由公式自动计算，请恢复公式或重新生成填报表。",
                    operands={"输入": shown(raw)},
                )
                continue
            builder.typed_totals[key] = parsed.value

    def _sheet_sum(self, key: str):
        """What a spreadsheet's SUM gives for a total: numbers count, text and blanks do not."""
        if key in self.lay.parts:
            return sum(self._sheet_sum(p) for p in self.lay.parts[key])
        value = self.shown(key)
        if not _is_number(value):
            return 0
        return parse_number(value, self.lay.slots[key].kind).value or 0


def _destinations(defined):
    try:
        yield from defined.destinations
    except Exception:
        return


def _same_formula(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[\s$]", "", for_regex(text)).upper().lstrip("=").replace("_XLFN.", "")

    return norm(a) == norm(b)


def _ranges(coords: list[str]) -> str:
    """「D6:I6、D8:I28」: adjacent cells written as ranges (runs in a row, then equal runs in adjacent rows)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

    parsed = [coordinate_from_string(c) for c in coords]
    cells = sorted((row, column_index_from_string(column)) for column, row in parsed)
    runs: list[list[int]] = []  # [row, first col, last col]
    for row, col in cells:
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1:
            runs[-1][2] = col
        else:
            runs.append([row, col, col])
    boxes: list[list[int]] = []  # [first row, last row, first col, last col]
    for row, first, last in runs:
        match = next((b for b in boxes if b[1] == row - 1 and b[2] == first and b[3] == last), None)
        if match:
            match[1] = row
        else:
            boxes.append([row, row, first, last])

    def name(row: int, col: int) -> str:
        return f"{get_column_letter(col)}{row}"

    return "、".join(
        name(r1, c1) if (r1, c1) == (r2, c2) else f"{name(r1, c1)}:{name(r2, c2)}" for r1, r2, c1, c2 in sorted(boxes)
    )
