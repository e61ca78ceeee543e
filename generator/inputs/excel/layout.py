"""Where everything sits in the Excel form (填报表): sheets, cells, defined names and total formulas.

The writer (``write``) places cells here and the reader (``read``) finds them here, so
the geometry exists once. The three number sheets reuse the report's own table grids
(``generator.tables``): the clerk fills the very table the report prints, with the same merges.

Every input and every total has a key — a number path (``requests.new.natural``), ``year``,
``publication_date``, ``agency.name``, ``fees.amount``, ``prose.overview.intro`` — and a workbook-level
defined name derived from it (``NB_requests__new__natural``). Reading goes through the names, so a
clerk's spreadsheet program may move things around (rename a sheet, insert a row) without breaking it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from openpyxl.utils import get_column_letter

from ...cells import NO, YES
from ...formats import AMOUNT, COUNT, FORMATS, Format
from ...report import AGENCY_FIELDS, PROSE_FIELDS, Report, ReportBuilder
from ...tables import Grid, active_grid, appeals_grid, requests_grid

# Sheets, in tab order. Short tab names; each number sheet's first row prints the official heading.
SHEET_GUIDE = "填表说明"
SHEET_BASIC = "基本信息"
SHEET_ACTIVE = "二、主动公开"
SHEET_REQUESTS = "三、依申请公开"
SHEET_APPEALS = "四、复议诉讼"
SHEET_PROSE = "正文"
SHEET_CHECKS = "校验"
ROSTER_SHEET = "汇总填报表"  # the county's one-sheet roster (inputs/roster.py), told apart from a form
SHEETS = (SHEET_GUIDE, SHEET_BASIC, SHEET_ACTIVE, SHEET_REQUESTS, SHEET_APPEALS, SHEET_PROSE, SHEET_CHECKS)
NUMBER_SHEETS = {"active": SHEET_ACTIVE, "requests": SHEET_REQUESTS, "appeals": SHEET_APPEALS}

# Constant defined names that identify a form and its version.
NAME_PREFIX = "NB_"
CARRIED_PREFIX = "NBCARRIED_"  # a prose cell pre-filled with last year's text: "year:digest" of that text


def carried_name(key: str) -> str:
    return CARRIED_PREFIX + key.replace(".", "__")


def text_digest(text: str) -> str:
    """A short fingerprint of a text, blind to spacing and line breaks (to tell whether it was rewritten)."""
    import hashlib

    return hashlib.sha256("".join(str(text).split()).encode("utf-8")).hexdigest()[:16]


FORMAT_NAME = "NB_FORMAT"  # "2019" | "2021"
LAYOUT_NAME = "NB_LAYOUT"  # version of this layout; a reader refuses a newer one
LAYOUT_VERSION = 1

# Kinds of cells besides the number kinds of formats.py (COUNT, SIGNED, AMOUNT).
TOTAL = "total"  # a live formula
TEXT = "text"
LONG_TEXT = "long_text"  # prose: a big wrapped cell
YEAR = "year"
DATE = "date"
CHOICE = "choice"  # 是 / 否

GRID_TOP = 3  # grids start below the title row and the hint row
__all__ = ["NO", "YES"]  # the form's choice values are the one yes/no vocabulary of ``cells``

# UI labels of the 基本信息 sheet (not official wording: the official labels are in formats.py).
BASIC_LABELS = {
    "year": "报告年度",
    "publication_date": "发布日期",
    "fees.collected": "本年度是否收取信息处理费",
    "fees.amount": "收取的信息处理费金额（元）",
    "fees.cases": "收取信息处理费的申请件数",
}
BASIC_HINTS = {
    "year": "填 4 位数字，如 2025。",
    "publication_date": "报告在网站公开的日期，如 2026-01-20（1月31日前公布）。",
    "agency.name": "全称，如 ××镇人民政府、××街道办事处。",
    "agency.short_name": "正文中的自称，如 我镇、本街道；可不填。",
    "agency.level": "乡、镇、街道、县、部门等。",
    "fees.collected": "从下拉列表选择「是」或「否」。第六部分将据此写明收费情况。",
    "fees.amount": "单位：元。未收取填 0 或不填。",
    "fees.cases": "未收取填 0 或不填。",
}
FEES_CAPTION = "信息处理费（《政府信息公开信息处理费管理办法》，国办函〔2020〕109号）"
PROSE_HINTS = {
    "overview.active": "可不填：不填时按第二部分表格的数字自动生成。",
    "overview.requests": "可不填：不填时按第三、四部分表格的数字自动生成。",
    "overview.supervision": "须包括工作考核、社会评议和责任追究结果情况。",
    "problems": "写明本年度真实存在的问题和具体改进措施（也可写上年度问题的整改情况）。",
    "other": "须说明信息处理费收取情况（也可在「基本信息」中选择，自动写入）；"
    "常见事项：落实上级年度政务公开工作要点情况、人大代表建议和政协提案办理结果公开情况等。",
}


def name_for(key: str) -> str:
    """The defined name of a key: ``requests.new.natural`` → ``NB_requests__new__natural``."""
    return NAME_PREFIX + key.replace(".", "__")


def key_for(name: str) -> str | None:
    """The key of a defined name, or None when the name is not one of ours."""
    if not name.upper().startswith(NAME_PREFIX) or name.upper() in (FORMAT_NAME, LAYOUT_NAME):
        return None
    return name[len(NAME_PREFIX) :].replace("__", ".")


@dataclass(frozen=True)
class Slot:
    """One cell the form reads: an input or a total."""

    key: str
    sheet: str
    row: int  # 1-based
    col: int  # 1-based
    kind: str  # COUNT | SIGNED | AMOUNT | TOTAL | TEXT | LONG_TEXT | YEAR | DATE | CHOICE
    label: str  # what the cell is, for messages: 「行 · 列」 or the field's label
    colspan: int = 1

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def is_number(self) -> bool:
        return "." in self.key and self.key.split(".")[0] in NUMBER_SHEETS and self.kind != TOTAL


@dataclass
class PlacedGrid:
    sheet: str
    grid: Grid
    top: int = GRID_TOP

    def cell(self, grid_row: int, grid_col: int) -> tuple[int, int]:
        return self.top + grid_row, 1 + grid_col


@dataclass
class Layout:
    fmt: Format
    slots: dict[str, Slot] = field(default_factory=dict)  # every input and total, by key
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # total key → the keys it adds up
    grids: dict[str, PlacedGrid] = field(default_factory=dict)  # table key → grid on its sheet

    def add(self, slot: Slot) -> None:
        self.slots[slot.key] = slot

    def ref(self, key: str, sheet: str | None = None) -> str:
        """A formula reference to a key's cell; qualified with the sheet unless it is on ``sheet``."""
        slot = self.slots[key]
        return slot.coord if slot.sheet == sheet else f"'{slot.sheet}'!{slot.coord}"

    def formula(self, key: str) -> str:
        """The live formula of a total: SUM over a contiguous run of cells (or a list)."""
        slot = self.slots[key]
        return "=SUM(" + sum_args([self.slots[p] for p in self.parts[key]], slot.sheet) + ")"

    def inputs(self, sheet: str) -> list[Slot]:
        return [s for s in self.slots.values() if s.sheet == sheet and s.kind != TOTAL]

    def number_slots(self) -> list[Slot]:
        return [s for s in self.slots.values() if s.is_number]


def sum_args(slots: list[Slot], sheet: str | None = None) -> str:
    """Formula arguments covering ``slots``: ``D6:I6`` when they form one row or column run."""
    prefix = "" if all(s.sheet == sheet for s in slots) else f"'{slots[0].sheet}'!"
    rows = {s.row for s in slots}
    cols = {s.col for s in slots}
    same_sheet = len({s.sheet for s in slots}) == 1
    contiguous = same_sheet and (
        (len(rows) == 1 and sorted(cols) == list(range(min(cols), max(cols) + 1)) and len(cols) == len(slots))
        or (len(cols) == 1 and sorted(rows) == list(range(min(rows), max(rows) + 1)) and len(rows) == len(slots))
    )
    if contiguous:
        first, last = min(slots, key=lambda s: (s.row, s.col)), max(slots, key=lambda s: (s.row, s.col))
        return f"{prefix}{first.coord}:{last.coord}"
    return ",".join(f"'{s.sheet}'!{s.coord}" if s.sheet != sheet else s.coord for s in slots)


def _cell_label(fmt: Format, path: str) -> str:
    """「行 · 列」 of a number, without the section heading (the sheet already says it)."""
    return fmt.describe(path).split(" · ", 1)[1]


@cache
def layout(fmt: Format) -> Layout:
    lay = Layout(fmt)
    _basic(lay)
    _number_sheets(lay)
    _prose(lay)
    return lay


# 基本信息: label in A, input in B, hint in C; a caption row before the fees.
BASIC_FIRST_ROW = 4


def basic_rows(fmt: Format) -> list[tuple[str, str, str]]:
    """(key, label, kind) in sheet order; key "" is a caption row; "format" is a locked display row."""
    rows = [
        ("format", "表格格式", ""),
        ("year", BASIC_LABELS["year"], YEAR),
        ("publication_date", BASIC_LABELS["publication_date"], DATE),
    ]
    rows += [(f"agency.{k}", label, TEXT) for k, label in AGENCY_FIELDS.items()]
    rows += [
        ("", FEES_CAPTION, ""),
        ("fees.collected", BASIC_LABELS["fees.collected"], CHOICE),
        ("fees.amount", BASIC_LABELS["fees.amount"], AMOUNT),
        ("fees.cases", BASIC_LABELS["fees.cases"], COUNT),
    ]
    return rows


def _basic(lay: Layout) -> None:
    for i, (key, label, kind) in enumerate(basic_rows(lay.fmt)):
        if key and kind:
            lay.add(Slot(key, SHEET_BASIC, BASIC_FIRST_ROW + i, 2, kind, label))


def blank_report(fmt: Format) -> Report:
    return ReportBuilder(year=fmt.first_year, format=fmt).build()


def _number_sheets(lay: Layout) -> None:
    fmt = lay.fmt
    report = blank_report(fmt)
    for key, build in (("active", active_grid), ("requests", requests_grid), ("appeals", appeals_grid)):
        placed = PlacedGrid(NUMBER_SHEETS[key], build(report))
        lay.grids[key] = placed
        for cell in placed.grid.cells:
            if not cell.path:
                continue
            row, col = placed.cell(cell.row, cell.col)
            kind = fmt.kind_of(cell.path) if cell.path in fmt.input_paths else TOTAL
            lay.add(Slot(cell.path, placed.sheet, row, col, kind, _cell_label(fmt, cell.path), cell.colspan))
    lay.parts.update(fmt.derived_parts)
    assert set(lay.parts) == {k for k, s in lay.slots.items() if s.kind == TOTAL}


PROSE_FIRST_ROW = 3


def _prose(lay: Layout) -> None:
    for i, (key, label) in enumerate(PROSE_FIELDS.items()):
        lay.add(Slot(f"prose.{key}", SHEET_PROSE, PROSE_FIRST_ROW + i, 2, LONG_TEXT, label))


def all_layouts() -> dict[str, Layout]:
    return {key: layout(fmt) for key, fmt in FORMATS.items()}
