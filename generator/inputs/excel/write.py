"""Writing the Excel form (填报表): blank or pre-filled, byte-for-byte reproducible.

Layout from ``layout``; every official label from ``formats`` / ``report``. Input cells are
unlocked and shaded, labels and totals locked (sheet protection without a password), numbers carry
data validation with a Chinese input message and error alert, totals are live formulas, and a 校验
sheet shows the R3-1 / R3-2 / R3-3 / R4-1 balances live.
"""

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from ...formats import AMOUNT, COUNT, DECISIONS_NOTE, HEADINGS, REQUEST_NOTE, SIGNED, Format, format_years
from ...report import PROSE_FIELDS, Report
from ...spreadsheets import put_text, put_value
from .layout import (
    BASIC_FIRST_ROW,
    BASIC_HINTS,
    CHOICE,
    DATE,
    FORMAT_NAME,
    LAYOUT_NAME,
    LAYOUT_VERSION,
    LONG_TEXT,
    NO,
    PROSE_FIRST_ROW,
    PROSE_HINTS,
    SHEET_BASIC,
    SHEET_CHECKS,
    SHEET_GUIDE,
    SHEET_PROSE,
    SHEETS,
    TEXT,
    TOTAL,
    YEAR,
    YES,
    Layout,
    Slot,
    basic_rows,
    carried_name,
    layout,
    name_for,
    sum_args,
    text_digest,
)

FIXED_TIME = datetime(2021, 9, 26)  # the 2021 format's issue date: fixed document properties
FIXED_ZIP_TIME = (2021, 9, 26, 0, 0, 0)
FONT = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
TOTAL_FILL = PatternFill("solid", fgColor="E7E6E6")  # grey: computed
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
OK_TEXT, BAD_TEXT, NOT_FILLED, UNCHECKED = "平衡", "不平衡", "尚未填写", "未校验"
NOT_ALL_CHECKED = "未能全部校验"  # text in number cells: their lines are not checked, so never 「没有不平衡」

VALIDATION = {
    COUNT: {
        "type": "whole",
        "operator": "greaterThanOrEqual",
        "formula1": "0",
        "promptTitle": "填写件数",
        "prompt": "请填写 0 或正整数。没有发生的请填 0，不要留空，也不要填“无”“/”。",
        "errorTitle": "件数不对",
        "error": "这里只能填 0 或正整数（不能有小数、负数或文字）。",
    },
    SIGNED: {
        "type": "whole",
        "operator": "between",
        "formula1": "-999999999",
        "formula2": "999999999",
        "promptTitle": "填写增减数",
        "prompt": "请填写整数：增加填正数，减少填负数（如 -2），没有变化填 0。",
        "errorTitle": "增减数不对",
        "error": "这里只能填整数（可以是负数，不能有小数或文字）。",
    },
    AMOUNT: {
        "type": "decimal",
        "operator": "greaterThanOrEqual",
        "formula1": "0",
        "promptTitle": "填写金额",
        "prompt": "请填写 0 或正数，可以有小数；不要填单位或千位分隔符。没有的请填 0。",
        "errorTitle": "金额不对",
        "error": "这里只能填 0 或正数（不要填单位或文字）。",
    },
    YEAR: {
        "type": "whole",
        "operator": "between",
        "formula1": "2019",
        "formula2": "2100",
        "promptTitle": "报告年度",
        "prompt": "填 4 位数字的年份，如 2025。",
        "errorTitle": "年度不对",
        "error": "请填写 4 位数字的年份，如 2025。",
    },
    DATE: {
        "type": "date",
        "operator": "greaterThan",
        "formula1": "43466",  # 2019-01-01
        "promptTitle": "发布日期",
        "prompt": "填写日期，如 2026-01-20 或 2026/1/20。",
        "errorTitle": "日期不对",
        "error": "请填写有效日期，如 2026-01-20。",
    },
    CHOICE: {
        "type": "list",
        "formula1": f'"{YES},{NO}"',
        "promptTitle": "是否收取",
        "prompt": f"从下拉列表选择「{YES}」或「{NO}」。",
        "errorTitle": "请从列表中选择",
        "error": f"只能选择「{YES}」或「{NO}」。",
    },
}
NUMBER_FORMATS = {
    COUNT: "General",
    SIGNED: "General",
    AMOUNT: "General",
    YEAR: "0",
    DATE: "yyyy-mm-dd",
    TEXT: "@",
    LONG_TEXT: "@",
    CHOICE: "@",
}


def form_bytes(fmt: Format, report: Report | None = None, carried_from: int | None = None) -> bytes:
    """The form as .xlsx bytes; the same inputs always give the same bytes. ``carried_from``: the report's prose is
    that year's report's, marked for review (and recognised when it comes back unchanged)."""
    wb = build_workbook(fmt, report, carried_from)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not openpyxl.save_workbook: it stamps the current time
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_workbook(fmt: Format, report: Report | None = None, carried_from: int | None = None) -> Workbook:
    lay = layout(fmt)
    wb = Workbook()
    wb.remove(wb.active)
    for title in SHEETS:
        wb.create_sheet(title)
    wb.properties.creator = "nianbao"
    wb.properties.lastModifiedBy = "nianbao"
    wb.properties.title = f"政府信息公开工作年度报告填报表（{fmt.name}）"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    values = _values(lay, report)
    _guide(wb[SHEET_GUIDE], lay)
    _basic(wb[SHEET_BASIC], lay, values)
    for key, placed in lay.grids.items():
        _number_sheet(wb[placed.sheet], lay, key, values)
    _prose(wb[SHEET_PROSE], lay, values, carried_from)
    _checks(wb[SHEET_CHECKS], lay)
    if carried_from:
        for key in PROSE_FIELDS:
            if values.get(f"prose.{key}"):
                mark = f'"{carried_from}:{text_digest(str(values[f"prose.{key}"]))}"'
                wb.defined_names[carried_name(key)] = DefinedName(carried_name(key), attr_text=mark)
    for key, slot in lay.slots.items():
        target = f"'{slot.sheet}'!${get_column_letter(slot.col)}${slot.row}"
        wb.defined_names[name_for(key)] = DefinedName(name_for(key), attr_text=target)
    wb.defined_names[FORMAT_NAME] = DefinedName(FORMAT_NAME, attr_text=f'"{fmt.key}"')
    wb.defined_names[LAYOUT_NAME] = DefinedName(LAYOUT_NAME, attr_text=str(LAYOUT_VERSION))
    for ws in wb.worksheets:
        ws.protection.sheet = True  # no password: a clerk can still unprotect
        ws.protection.formatColumns = ws.protection.formatRows = False  # resizing stays allowed
    wb.calculation.fullCalcOnLoad = True  # no cached results are written: compute every formula on opening
    wb.active = 1  # open on 基本信息
    return wb


# --- values of a pre-filled form ----------------------------------------------------------------


def _values(lay: Layout, report: Report | None) -> dict[str, object]:
    """What each input cell starts with (absent: blank)."""
    if report is None:
        return {}
    out: dict[str, object] = {"year": report.year, "publication_date": report.publication_date}
    for k, v in vars(report.agency).items():
        out[f"agency.{k}"] = v or None
    for key in PROSE_FIELDS:
        out[f"prose.{key}"] = report.prose.get(key) or None
    fees = report.fees
    out["fees.collected"] = None if fees.collected is None else (YES if fees.collected else NO)
    out["fees.amount"] = fees.amount
    out["fees.cases"] = fees.cases
    for slot in lay.number_slots():
        value = report.numbers.get(slot.key)
        out[slot.key] = value if value is not None else report.unread.get(slot.key)  # keep what was typed
    return out


# --- common cell helpers ---------------------------------------------------------------------


def _put(
    ws, row: int, col: int, value=None, *, font=None, fill=None, align=CENTER, border=True, end_col=None, end_row=None
):
    """Write a locked label cell, merging to (end_row, end_col) with borders on every covered cell."""
    end_row, end_col = end_row or row, end_col or col
    if (end_row, end_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)
    for r in range(row, end_row + 1):
        for c in range(col, end_col + 1):
            cell = ws.cell(r, c)
            if border:
                cell.border = BORDER
            if fill:
                cell.fill = fill
    cell = ws.cell(row, col)
    if value is not None:
        put_text(cell, value)
    cell.font = font or Font(name=FONT, size=10)
    cell.alignment = align
    return cell


def _input(ws, slot: Slot, value, validations: dict) -> None:
    cell = _put(
        ws,
        slot.row,
        slot.col,
        None,
        fill=INPUT_FILL,
        end_col=slot.col + slot.colspan - 1,
        align=TOP_LEFT if slot.kind == LONG_TEXT else (LEFT if slot.kind in (TEXT, DATE) else CENTER),
    )
    cell.font = Font(name=FONT, size=11 if slot.kind == LONG_TEXT else 10)
    cell.protection = UNLOCKED
    cell.number_format = NUMBER_FORMATS.get(slot.kind, "General")
    if value is not None:
        put_value(cell, str(value) if slot.kind in (TEXT, LONG_TEXT, CHOICE) else value)
    if slot.kind in VALIDATION:
        if slot.kind not in validations:
            dv = DataValidation(
                allow_blank=True,
                showInputMessage=True,
                showErrorMessage=True,
                errorStyle="stop",
                **VALIDATION[slot.kind],
            )
            ws.add_data_validation(dv)
            validations[slot.kind] = dv
        validations[slot.kind].add(slot.coord)


def _mark_text(ws, slots: list[Slot]) -> None:
    """Number cells holding text turn orange: no formula counts them (the 校验 sheet lists them)."""
    orange = PatternFill("solid", fgColor="F4B183")
    rows: dict[int, list[Slot]] = {}
    for sl in slots:
        rows.setdefault(sl.row, []).append(sl)
    for group in rows.values():
        first = min(group, key=lambda sl: sl.col)
        ranges = " ".join(sl.coord for sl in group)
        ws.conditional_formatting.add(ranges, FormulaRule(formula=[f"ISTEXT({first.coord})"], fill=orange))


def _title(ws, text: str, width: int, hint: str = "") -> None:
    _put(ws, 1, 1, text, font=Font(name="黑体", size=14, bold=True), border=False, end_col=width)
    ws.row_dimensions[1].height = 22
    if hint:
        _put(ws, 2, 1, hint, font=Font(name=FONT, size=10, color="595959"), align=LEFT, border=False, end_col=width)
        columns = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, width + 1))
        _fit_height(ws, 2, hint, columns * 0.95, line_pt=13, minimum=20)


def _print_setup(ws, landscape: bool = False, title_rows: str | None = None, one_page: bool = False) -> None:
    """A4, fit to the page width (and to one page with ``one_page``); column widths keep the scale ≥ 0.9."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.4
    ws.page_margins.header = ws.page_margins.footer = 0.2
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _text_width(text: str) -> float:
    """Width in Excel column units (CJK characters count about two)."""
    return sum(1.9 if unicodedata.east_asian_width(ch) in "WFA" else 1.05 for ch in text)  # A: ××, “” in CJK fonts


def _fit_height(ws, row: int, text: str, width: float, line_pt: float = 14, minimum: float = 20) -> None:
    """Give a row enough height for wrapped text (Excel does not grow rows of generated files)."""
    lines = sum(max(1, math.ceil(_text_width(part) / max(width - 1, 1))) for part in text.split("\n"))
    height = max(minimum, lines * line_pt + 3)
    current = ws.row_dimensions[row].height or 0
    ws.row_dimensions[row].height = min(409, max(current, height))


# --- sheets ----------------------------------------------------------------------------------


def _guide(ws, lay: Layout) -> None:
    fmt = lay.fmt
    ws.column_dimensions["A"].width = 80
    paragraphs = [
        ("title", "政府信息公开工作年度报告 · 填报表"),
        (
            "",
            f"表格格式：{fmt.name}（{fmt.issued_by}），适用于{format_years(fmt)}报告。"
            "报告年度与格式不符时，校验会报错：请用与年度相符的填报表（nianbao form --year 年度）。",
        ),
        ("head", "怎么填"),
        ("", "1. 只在浅黄色单元格中填写；灰色单元格是总计，由公式自动计算，不用填写。其余单元格已锁定，防止误改。"),
        (
            "",
            f"2. 先填「{SHEET_BASIC}」：机关名称、报告年度、发布日期、联系方式和信息处理费收取情况。"
            "机关名称写全称，不要加「（盖章）」（名称会印进报告标题）；名称、地址、电话每格只写一行。",
        ),
        (
            "",
            f"3. 「{lay.grids['active'].sheet}」「{lay.grids['requests'].sheet}」「{lay.grids['appeals'].sheet}」"
            "三张表与年度报告第二、三、四部分的表格完全相同（标题、行列、合并单元格），报告中就印这三张表。",
        ),
        (
            "",
            "4. 数字直接填阿拉伯数字：没有发生的填 0，不要留空，也不要填“无”“/”“-”；不要带单位（件、元、万元），不要加千位分隔符。"
            "件数只能是整数；金额可以有小数。",
        ),
        (
            "",
            f"5. 「{SHEET_PROSE}」填写报告正文：第一部分总体情况的各小节、第五部分存在的主要问题及改进情况、第六部分其他需要报告的事项。"
            "每格可以写多段：在单元格内按 Alt+Enter 换行（WPS 相同）。",
        ),
        (
            "",
            f"6. 「{SHEET_CHECKS}」表随填随算：第三部分每一列「一 + 二 = （七）总计 + 四」，各总计与分项之和一致。"
            f"有{BAD_TEXT}的，表的上方逐条写明是哪张工作表的哪些单元格、相差多少，请到那里核对。"
            "数字格里填成文字的（如「3件」「１２」），表格公式不能计入：这样的单元格标成橙色、在校验表最下面列出，"
            f"含有它们的行写「{UNCHECKED}」，总体结果写「{NOT_ALL_CHECKED}」，请改成数字。"
            "nianbao check / render 会按同样的规则再校验一遍（能读出「3件」「１２」这样的文字数字，并逐格提醒改正），"
            "有错误时不生成报告。",
        ),
        ("head", "各部分是什么"),
        ("", f"{HEADINGS[1]}：《中华人民共和国政府信息公开条例》第二十条所列信息的本年数量。"),
        ("", f"{HEADINGS[2]}：本年收到、上年结转的申请及办理结果，按申请人分列。{REQUEST_NOTE}"),
        ("", f"{HEADINGS[3]}：因政府信息公开引起的行政复议、行政诉讼的件数和结果。"),
        (
            "",
            "注意：第二部分「第二十条第（八）项」是行政事业性收费金额；依申请公开收取的信息处理费另在「基本信息」中填写（单位：元）。",
        ),
        ("head", "填好以后"),
        (
            "",
            "交回本表，或在电脑上运行：nianbao check 本表.xlsx（校验）、nianbao render 本表.xlsx（生成 Word / PDF 报告）。"
            "校验结果会指出有问题的工作表和单元格。",
        ),
        ("", "明年可用 nianbao form --previous 本表.xlsx 生成下一年度的填报表，结转数等自动带入。"),
        ("head", "遇到问题"),
        (
            "",
            "表格内容请咨询本级政府办公室（政务公开工作主管部门）。工作表保护没有密码：确需修改表格时，可在「审阅 → 撤销工作表保护」中取消，"
            "但请不要插入或删除行列、不要改工作表名称，以免无法读取。",
        ),
    ]
    for row, (kind, text) in enumerate(paragraphs, start=1):
        if kind == "title":
            font = Font(name="黑体", size=16, bold=True)
        elif kind == "head":
            font = Font(name="黑体", size=12, bold=True)
        else:
            font = Font(name=FONT, size=11)
        _put(ws, row, 1, text, font=font, align=CENTER if kind == "title" else LEFT, border=False)
        _fit_height(ws, row, text, 80 * 0.9, line_pt=16, minimum=22 if kind else 20)
    _print_setup(ws)


def _basic(ws, lay: Layout, values: dict) -> None:
    fmt = lay.fmt
    widths = {"A": 22, "B": 30, "C": 28}  # portrait A4 at ≥ 90 % even where the default font is wider than Calibri
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    _title(ws, "基本信息", 3, "在浅黄色单元格中填写。机关名称、报告年度必须填写；其他没有的可以不填。")
    _put(ws, 3, 1, "项目", font=Font(name=FONT, size=10, bold=True), fill=HEADER_FILL)
    _put(ws, 3, 2, "填写", font=Font(name=FONT, size=10, bold=True), fill=HEADER_FILL)
    _put(ws, 3, 3, "说明", font=Font(name=FONT, size=10, bold=True), fill=HEADER_FILL)
    validations: dict = {}
    for i, (key, label, _kind) in enumerate(basic_rows(fmt)):
        row = BASIC_FIRST_ROW + i
        ws.row_dimensions[row].height = 22
        if not key:
            _put(ws, row, 1, label, font=Font(name=FONT, size=10, bold=True), fill=HEADER_FILL, align=LEFT, end_col=3)
            continue
        _put(ws, row, 1, label, align=LEFT)
        _fit_height(ws, row, label, widths["A"] * 0.95, minimum=22)
        _fit_height(ws, row, BASIC_HINTS.get(key, ""), widths["C"] * 0.9, line_pt=14, minimum=22)
        if key == "format":
            _put(ws, row, 2, f"{fmt.name}（{fmt.issued_by}）", fill=TOTAL_FILL, align=LEFT)
            _put(
                ws, row, 3, f"适用于{format_years(fmt)}报告", align=LEFT, font=Font(name=FONT, size=10, color="595959")
            )
            continue
        slot = lay.slots[key]
        _input(ws, slot, values.get(key), validations)
        _put(ws, row, 3, BASIC_HINTS.get(key, ""), align=LEFT, font=Font(name=FONT, size=10, color="595959"))
    _print_setup(ws)


def _number_sheet(ws, lay: Layout, key: str, values: dict) -> None:
    placed = lay.grids[key]
    grid = placed.grid
    # Narrow enough to print at ≥ 90 % on A4 even where the spreadsheet's default font is wider than Calibri.
    widths = {"active": [24, 16, 16, 16], "requests": [4, 12, 40] + [8] * 7, "appeals": [8] * 15}[key]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    columns = [c for b in lay.fmt.active_blocks for c in b.columns]
    active_hint = "只在浅黄色单元格中填写本年数字，没有的填 0。" + DECISIONS_NOTE
    for c in {c.key: c for c in columns if c.kind == SIGNED}.values():
        active_hint += f"「{c.label}」减少的填负数（如 -2），没有变化填 0。"
    for c in columns:
        if c.kind == AMOUNT and "单位" not in c.label:
            active_hint += f"「{c.label}」以元为单位，只填数字。"
    hints = {
        "active": active_hint,
        "requests": "只在浅黄色单元格中填写件数，没有的填 0；灰色的总计自动计算。每一列：一 + 二 = （七）总计 + 四。",
        "appeals": "只在浅黄色单元格中填写件数，没有的填 0；灰色的总计自动计算（总计 = 维持 + 纠正 + 其他 + 尚未审结）。",
    }
    _title(ws, grid.caption, grid.ncols, hints[key])
    validations: dict = {}
    for cell in grid.cells:
        row, col = placed.cell(cell.row, cell.col)
        if cell.path:
            slot = lay.slots[cell.path]
            if slot.kind == TOTAL:
                total = _put(
                    ws,
                    row,
                    col,
                    None,
                    fill=TOTAL_FILL,
                    end_col=col + cell.colspan - 1,
                    font=Font(name=FONT, size=10, bold=True),
                )
                total.value = lay.formula(cell.path)
                total.number_format = "0"
            else:
                _input(ws, slot, values.get(cell.path), validations)
            continue
        align = CENTER if cell.header and cell.scope != "row" else LEFT
        if cell.scope == "rowgroup" and cell.rowspan > 5 and cell.col == 0:
            align = Alignment(horizontal="center", vertical="center", wrap_text=True, textRotation=255)
        heading = cell.scope in ("col", "colgroup") or cell.row < grid.header_rows
        bold = Font(name=FONT, size=10, bold=cell.scope in ("col", "colgroup", ""))
        _put(
            ws,
            row,
            col,
            cell.text,
            fill=HEADER_FILL if heading else None,
            align=align,
            font=bold,
            end_row=row + cell.rowspan - 1,
            end_col=col + cell.colspan - 1,
        )
        if cell.rowspan == 1:
            width = sum(widths[cell.col : cell.col + cell.colspan])
            _fit_height(ws, row, cell.text, width * 0.95, line_pt=12, minimum=15)
    _mark_text(ws, [sl for sl in lay.number_slots() if sl.sheet == placed.sheet])
    for r in range(placed.top, placed.top + grid.nrows):
        if ws.row_dimensions[r].height is None:
            ws.row_dimensions[r].height = 15
    if key == "requests":
        ws.freeze_panes = ws.cell(placed.top + grid.header_rows, 4)
    # 三 and 四 are wide: landscape, so they print at (nearly) the size shown, with 三's header rows on every page.
    _print_setup(
        ws,
        landscape=key != "active",
        one_page=key != "active",
        title_rows=f"{placed.top}:{placed.top + grid.header_rows - 1}" if key == "requests" else None,
    )


def _prose(ws, lay: Layout, values: dict, carried_from: int | None = None) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 62
    _title(
        ws,
        "报告正文",
        2,
        "每格写一部分的文字，可以写多段（单元格内换行：Alt+Enter）。表格中的数字不必在这里重复；"
        "文字中提到的数字要与表格一致。",
    )
    validations: dict = {}
    for i, key in enumerate(PROSE_FIELDS):
        slot = lay.slots[f"prose.{key}"]
        row = PROSE_FIRST_ROW + i
        hint = PROSE_HINTS.get(key, "")
        carried = bool(carried_from and values.get(slot.key))
        review = f"\n\n此格是{carried_from}年报告的原文，请按本年度实际情况改写。" if carried else ""
        _put(
            ws,
            row,
            1,
            slot.label + (f"\n\n（{hint}）" if hint else "") + review,
            align=TOP_LEFT,
            font=Font(name=FONT, size=10, bold=False, color="C00000" if carried else None),
        )
        _input(ws, slot, values.get(slot.key), validations)
        if carried:
            ws.cell(row, slot.col).fill = PatternFill("solid", fgColor=CARRIED_FILL)
        ws.row_dimensions[row].height = 190 if key not in ("overview.intro",) else 90
        text = values.get(slot.key)
        if text:
            _fit_height(ws, row, str(text), 62, line_pt=15)
    _print_setup(ws)


@dataclass(frozen=True)
class _Balance:
    """One line of the 校验 sheet: a rule's two sides as formulas, and the cells each side adds up (for the message)."""

    rule: str
    item: str  # 列「自然人」, 行「…」, 「行政复议」
    where: str  # the sheet the cells are on
    left: str  # formula (without "=")
    right: str
    left_text: str  # 「一+二（D6+D7）」: what the left side is and which cells
    right_text: str
    inputs: str  # formula arguments covering every typed cell the line depends on (to count text in them)


LIST_ROWS = 8  # the first failing lines are listed at the top of the 校验 sheet, in order


def _balances(lay: Layout) -> list[tuple[str, list[_Balance]]]:
    """The format's relations (R3-1 and R3-2 per column of 三, R3-3 per row, R4-1 per row of 四), grouped by rule:
    (caption, lines), each side a formula over the relation's cells."""
    fmt = lay.fmt
    parts_text = " + ".join(c.label for c in fmt.appeals.input_columns)
    captions = {
        "R3-1": "R3-1  第三部分每一列：一、新收 + 二、上年结转 = （七）总计 + 四、结转下年度",
        "R3-2": "R3-2  第三部分每一列：（七）总计 = （一）至（六）各项办理结果之和",
        "R3-3": "R3-3  第三部分每一行：总计 = 六类申请人之和",
        "R4-1": f"R4-1  第四部分：总计 = {parts_text}",
    }
    groups = []
    for rule, caption in captions.items():
        lines = []
        for rel in fmt.relations_of(rule):
            left, left_text = _side(lay, rel.left, rel.left_name)
            right, right_text = _side(lay, rel.right, rel.right_name)
            sheet = lay.slots[rel.left[0]].sheet
            typed = [p for path in (*rel.left, *rel.right) for p in fmt.inputs_of(path)]
            inputs = _by_row([lay.slots[p] for p in dict.fromkeys(typed)])
            lines.append(_Balance(rule, rel.item, sheet, left, right, left_text, right_text, inputs))
        groups.append((caption, lines))
    return groups


def _side(lay: Layout, paths: tuple[str, ...], name: str) -> tuple[str, str]:
    """One side of a relation: its formula on the 校验 sheet, and 「一+二（D6+D7）」 naming its cells."""
    slots = [lay.slots[p] for p in paths]
    if len(slots) == 1:
        return lay.ref(paths[0], SHEET_CHECKS), f"{name} {slots[0].coord}"
    if len(slots) == 2:
        refs = ",".join(lay.ref(p, SHEET_CHECKS) for p in paths)
        return f"SUM({refs})", f"{name}（{slots[0].coord}+{slots[1].coord}）"
    return f"SUM({sum_args(slots, SHEET_CHECKS)})", f"{name}{_cells(slots)} 之和"


def _by_row(slots: list[Slot]) -> str:
    """Formula arguments (on the 校验 sheet) covering ``slots``, one run per row."""
    rows: dict[tuple[str, int], list[Slot]] = {}
    for sl in slots:
        rows.setdefault((sl.sheet, sl.row), []).append(sl)
    return ",".join(sum_args(group, SHEET_CHECKS) for group in rows.values())


def _cells(slots: list[Slot]) -> str:
    """The cells as a clerk reads them on their own sheet: 「D8:D28」."""
    return sum_args(slots, slots[0].sheet)


def _checks(ws, lay: Layout) -> None:
    """Live balances, and at the top the failing lines in order, each naming its cells (no FILTER: Excel 2010+, WPS)."""
    for letter, width in zip("ABCDEF", (7, 30, 9, 9, 8, 16), strict=True):
        ws.column_dimensions[letter].width = width
    for letter in "GHI":  # the running number of each failing line, its message, its cells holding text
        ws.column_dimensions[letter].hidden = True
    _title(
        ws,
        "校验（自动计算，不用填写）",
        6,
        f"三张表都平衡时，总体结果显示「全部{OK_TEXT}」。有不平衡的，下面逐条列出工作表和单元格，请到那里核对；"
        "空白单元格按 0 计算；填成文字的数字（如「3件」「１２」）公式不能计入，含有它们的行写「未校验」，单元格列在最下面。",
    )
    bold = Font(name=FONT, size=10, bold=True)
    groups = _balances(lay)
    top = 4 + LIST_ROWS + 1  # header of the detailed table
    first = top + 1
    last = top + sum(len(lines) + 1 for _, lines in groups)
    extra = last + 2  # 填写情况 block below
    typed = f"({len(lay.number_slots())}-SUM(D{extra + 1}:D{extra + len(lay.grids)}))"  # number cells filled in
    texts = f"SUM(E{extra + 1}:E{extra + len(lay.grids)})"  # number cells holding text: no formula counts them
    failing, running = f"MAX($G${first}:$G${last})", (f"$G${first}:$G${last}", f"$H${first}:$H${last}")
    _put(ws, 3, 1, "总体结果", font=bold, fill=HEADER_FILL)
    status = _put(ws, 3, 2, None, font=Font(name=FONT, size=11, bold=True), align=LEFT, end_col=6)
    not_counted = (
        f'"有 "&{texts}&" 个数字单元格填的是文字，公式没有计入（单元格列在本表最下面），含有它们的行{UNCHECKED}"'
    )
    status.value = (
        f'=IF({typed}=0,"{NOT_FILLED}：三张表中还没有填写数字",IF({failing}=0,'
        f'IF({texts}=0,"全部{OK_TEXT}","{NOT_ALL_CHECKED}："&{not_counted}&"；请改成数字后再看结果"),'
        f'"有 "&{failing}&" 处{BAD_TEXT}，逐条列在下面，请到所写的工作表和单元格核对"'
        f'&IF({texts}=0,"","；另"&{not_counted})))'
    )
    for k in range(1, LIST_ROWS + 1):
        row = 3 + k
        _put(ws, row, 1, f"第{k}处", font=Font(name=FONT, size=10, color="595959"))
        cell = _put(ws, row, 2, None, align=LEFT, end_col=6)
        found = f'IFERROR(INDEX({running[1]},MATCH({k},{running[0]},0)),"")'
        if k == LIST_ROWS:  # the last line says how many more there are
            found = f'IF({failing}>{k},"另有 "&({failing}-{k - 1})&" 处{BAD_TEXT}，见下表中标红的行",{found})'
        cell.value = "=" + found
        ws.row_dimensions[row].height = 30
    for i, text in enumerate(("规则", "项目", "左边", "右边", "差额", "结果"), start=1):
        _put(ws, top, i, text, font=bold, fill=HEADER_FILL)
    row = top
    for caption, lines in groups:
        row += 1
        _put(ws, row, 1, caption, font=bold, fill=HEADER_FILL, align=LEFT, end_col=6)
        ws.row_dimensions[row].height = 20
        for line in lines:
            row += 1
            _put(ws, row, 1, line.rule)
            _put(ws, row, 2, line.item, align=LEFT)
            message = (
                f'="「{line.where}」{line.item}：{line.left_text}= "&C{row}&"，{line.right_text}= "&D{row}'
                f'&"，相差 "&E{row}'
            )
            formulas = (
                f"={line.left}",
                f"={line.right}",
                f"=C{row}-D{row}",
                f'=IF({typed}=0,"{NOT_FILLED}",IF(I{row}>0,"{UNCHECKED}：有 "&I{row}&" 格是文字",'
                f'IF(E{row}=0,"{OK_TEXT}","{BAD_TEXT}，相差 "&E{row})))',
                f'=IF(AND(E{row}<>0,I{row}=0),MAX($G${top}:G{row - 1})+1,"")',
                message,
                f"=COUNTA({line.inputs})-COUNT({line.inputs})",
            )
            for col, formula in enumerate(formulas, start=3):
                cell = _put(ws, row, col, None, fill=TOTAL_FILL, border=col < 7)
                cell.value = formula
            _fit_height(ws, row, line.item, 30 * 0.95, minimum=18)
    _filled(ws, lay, extra)
    red, green = PatternFill("solid", fgColor="F8CBAD"), PatternFill("solid", fgColor="C6EFCE")
    ws.conditional_formatting.add(
        f"F{first}:F{last}", FormulaRule(formula=[f"AND($E{first}<>0,$I{first}=0)"], fill=red)
    )
    ws.conditional_formatting.add(
        f"F{first}:F{last}", CellIsRule(operator="equal", formula=[f'"{OK_TEXT}"'], fill=green)
    )
    ws.conditional_formatting.add(f"B4:B{3 + LIST_ROWS}", FormulaRule(formula=['$B4<>""'], fill=red))
    orange = PatternFill("solid", fgColor="F4B183")
    ws.conditional_formatting.add(f"F{first}:F{last}", FormulaRule(formula=[f"$I{first}>0"], fill=orange))
    ws.row_dimensions[3].height = 36  # the verdict may take two lines
    ws.freeze_panes = ws.cell(first, 1)
    _print_setup(ws, title_rows=f"{top}:{top}")


def _filled(ws, lay: Layout, top: int) -> None:
    """Per number sheet: how many of its number cells are blank (counted as 0, as ``check`` does) and how many
    hold text (no formula counts them; ``check`` reads 「3件」 as 3), and below, each text cell by address."""
    bold = Font(name=FONT, size=10, bold=True)
    _put(ws, top, 1, "填写情况", font=bold, fill=HEADER_FILL, end_col=2)
    _put(ws, top, 3, "数字单元格", font=bold, fill=HEADER_FILL)
    _put(ws, top, 4, "空白", font=bold, fill=HEADER_FILL)
    _put(ws, top, 5, "文字", font=bold, fill=HEADER_FILL)
    _put(ws, top, 6, None, fill=HEADER_FILL)
    row = top + len(lay.grids) + 2
    _put(ws, row - 1, 1, "填成文字的数字单元格（公式没有计入，请改成数字）", font=bold, fill=HEADER_FILL, end_col=6)
    for j, placed in enumerate(lay.grids.values(), start=1):
        slots = [sl for sl in lay.number_slots() if sl.sheet == placed.sheet]
        args = _by_row(slots)
        r = top + j
        _put(ws, r, 1, f"「{placed.sheet}」", align=LEFT, end_col=2)
        _put(ws, r, 3, len(slots))
        cells = [_put(ws, r, col, None, fill=TOTAL_FILL) for col in (4, 5, 6)]
        cells[0].value = f"={len(slots)}-COUNTA({args})"
        cells[1].value = f"=COUNTA({args})-COUNT({args})"
        cells[2].value = (
            f'=IF(D{r}+E{r}=0,"已全部填写",IF(D{r}=0,"","空白 "&D{r}&" 个，按 0 计；")'
            f'&IF(E{r}=0,"","文字 "&E{r}&" 个，未计入"))'
        )
        for k in range(0, len(slots), TEXT_CELLS_PER_LINE):
            chunk = slots[k : k + TEXT_CELLS_PER_LINE]
            found = "&".join(f'IF(ISTEXT({lay.ref(sl.key, SHEET_CHECKS)}),"{sl.coord} ","")' for sl in chunk)
            cell = _put(ws, row, 1, None, align=LEFT, end_col=6)
            cell.value = f'=IF(LEN({found})=0,"","「{placed.sheet}」 "&{found})'
            row += 1


CARRIED_FILL = "FCE4D6"  # prose carried from last year's report: to be rewritten
TEXT_CELLS_PER_LINE = 40  # formulas stay well under Excel's 8,192 characters
