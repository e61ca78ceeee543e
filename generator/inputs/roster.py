"""The roster workbook (汇总填报表): one row per agency, for ``nianbao batch``.

Columns are generated from the format definitions: agency details, prose, 信息处理费 and every input
number of sections 二/三/四, under a two-level header (group over label) frozen above the data.
``write_roster`` writes it (blank, or filled from reports for tests and benches); ``iter_roster``
streams it back row by row (openpyxl read-only mode), one ``Report`` or ``InputError`` per row, with
every value's cell in ``report.places`` so findings name the sheet, cell and meaning.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..cells import NO, YES, read_number, read_text, read_yes_no, shown
from ..errors import InputError, OutputExists
from ..findings import ERROR, WARNING, Finding
from ..formats import AMOUNT, COUNT, FORMATS, Format
from ..limits import MAX_ROSTER_UNZIPPED_BYTES, check_size, check_zip, clip, for_regex
from ..numbers import parse_date, parse_number
from ..outputs import write_atomic
from ..report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Fees, Report, ReportBuilder
from ..spreadsheets import cell_for, load_readonly, put_text
from .excel.layout import CHOICE, DATE, ROSTER_SHEET, TEXT, YEAR
from .excel.sniff import refuse_strict

ROSTER_WHAT = ROSTER_SHEET
README_SHEET = "填表说明"
HEADER_ROWS = 2
SCAN_ROWS = 6  # rows looked at for a roster's header (a title typed above it, a renamed sheet)
FIRST_DATA_ROW = HEADER_ROWS + 1
LAST_VALIDATED_ROW = 100000
BASIC, AGENCY, PROSE, FEES = "基本信息", "机关信息", "正文", "信息处理费"


class RowError(InputError):
    """One roster row cannot be read; ``where`` names the cell (the batch report's location column).

    ``findings`` holds every problem of the row (the other cells are still read and reported).
    """

    def __init__(self, where: str, message: str, findings: tuple[Finding, ...] = ()):
        super().__init__(f"{where}：{message}")
        self.where, self.message, self.findings = where, message, findings


@dataclass(frozen=True)
class RosterColumn:
    key: str  # "agency.name", "year", "publication_date", "prose.problems", "fees.amount" or a number path
    group: str  # first header row (merged over the group's columns)
    label: str  # second header row
    kind: str  # TEXT, YEAR, DATE, CHOICE or a number kind (COUNT, SIGNED, AMOUNT)


# Columns for the county office's own bookkeeping (unit code, contact person): not part of the report,
# read by the batch run, and optional, so rosters made before they existed still read.
UNIT_COLUMNS = {"unit.code": "单位代码", "unit.contact": "联系人"}


def roster_columns(fmt: Format) -> list[RosterColumn]:
    """Every column of the roster for ``fmt``, in order; labels come from the format definitions."""
    cols = [
        RosterColumn("agency.name", BASIC, AGENCY_FIELDS["name"], TEXT),
        *(RosterColumn(key, BASIC, label, TEXT) for key, label in UNIT_COLUMNS.items()),
        RosterColumn("year", BASIC, "报告年度", YEAR),
        RosterColumn("publication_date", BASIC, "发布日期", DATE),
    ]
    cols += [RosterColumn(f"agency.{k}", AGENCY, label, TEXT) for k, label in AGENCY_FIELDS.items() if k != "name"]
    cols += [RosterColumn(f"prose.{k}", PROSE, label, TEXT) for k, label in PROSE_FIELDS.items()]
    cols += [
        RosterColumn("fees.collected", FEES, "是否收取（是/否）", CHOICE),
        RosterColumn("fees.amount", FEES, "收取金额（元）", AMOUNT),
        RosterColumn("fees.cases", FEES, "收费件数", COUNT),
    ]
    for path in fmt.input_paths:
        cols.append(RosterColumn(path, number_group(fmt, path), _column_label(fmt, path), fmt.kind_of(path)))
    return cols


def number_group(fmt: Format, path: str) -> str:
    """The group header of a number column: section number and row, e.g. 「三 · （三）不予公开 1.属于国家秘密」."""
    table_key, row_key, _ = path.split(".")
    table = fmt.table(table_key)
    row = table.row(row_key)
    section = table.section.split("、")[0]
    if table_key == "active":
        return f"{section} · {fmt.active_block_of(row_key).caption} · {row.label}"
    if row.group and row.group != row.label:
        return f"{section} · {row.group} {row.label}"
    return f"{section} · {row.label}"


def _column_label(fmt: Format, path: str) -> str:
    table_key, row_key, col_key = path.split(".")
    if table_key == "active":
        return next(c.label for c in fmt.active_block_of(row_key).columns if c.key == col_key)
    return fmt.table(table_key).column(col_key).label


# --- writing ---------------------------------------------------------------------------------


def write_roster(path: Path, fmt: Format, force: bool, reports: Iterable[Report] = ()) -> None:
    """Write the roster for ``fmt`` (blank, or one row per report given). Refuses to overwrite without force."""
    from openpyxl import Workbook

    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"文件已存在：{path}。为避免覆盖，未写入；如确需覆盖，请加 --force。")
    columns = roster_columns(fmt)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ROSTER_SHEET)
    write_header(sheet, columns, freeze="B3")
    _add_validations(sheet, columns)
    for report in reports:
        sheet.append([cell_for(sheet, value) for value in roster_row(report, columns)])
    _write_readme(workbook.create_sheet(README_SHEET), fmt)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue(), force=force)


_GROUP_FILLS = {
    BASIC: "FCE4D6",
    AGENCY: "FFF2CC",
    PROSE: "E2EFDA",
    FEES: "EDEDED",
    "二": "DDEBF7",
    "三": "FFF2CC",
    "四": "E4DFEC",
}


def write_header(sheet, columns: list[RosterColumn], freeze: str | None = None) -> None:
    """The two header rows of a write-only sheet: groups merged over their columns, labels below."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    if freeze:
        sheet.freeze_panes = freeze
    for i, col in enumerate(columns, start=1):
        width = 40 if col.key.startswith("prose.") else 24 if col.kind == TEXT else 12
        sheet.column_dimensions[get_column_letter(i)].width = width
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def cell(text: str | None, group: str) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet)
        put_text(c, text)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.fill = PatternFill("solid", fgColor=_GROUP_FILLS.get(group.split(" ", maxsplit=1)[0], "FFFFFF"))
        c.border = border
        return c

    top, start = [], 0
    for i, col in enumerate(columns):
        first = i == 0 or columns[i - 1].group != col.group
        top.append(cell(col.group if first else None, col.group))
        if first:
            start = i
        if (i == len(columns) - 1 or columns[i + 1].group != col.group) and i > start:
            sheet.merged_cells.add(f"{get_column_letter(start + 1)}1:{get_column_letter(i + 1)}1")
    sheet.row_dimensions[1].height = 48
    sheet.row_dimensions[2].height = 48
    sheet.append(top)
    sheet.append([cell(col.label, col.group) for col in columns])


def _add_validations(sheet, columns: list[RosterColumn]) -> None:
    """Excel data validation per column kind: the Excel form's rules and messages (excel.write.VALIDATION)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .excel.write import VALIDATION

    for kind, spec in VALIDATION.items():
        rule = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop", **spec)
        letters = [get_column_letter(i) for i, col in enumerate(columns, start=1) if col.kind == kind]
        for letter in letters:
            rule.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}")
        if letters:
            sheet.data_validations.append(rule)


def _write_readme(sheet, fmt: Format) -> None:
    lines = [
        f"政府信息公开工作年度报告 · 汇总填报表（{fmt.name}，{fmt.issued_by}）",
        f"1. 在工作表「{ROSTER_SHEET}」中每行填写一个单位，从第 {FIRST_DATA_ROW} 行开始；不要修改前两行表头，不要删除或调换列。",
        "2. 机关名称和报告年度必须填写；发布日期写成 2026-01-20 的形式。",
        "3. 数字栏只填数字，不要带单位；没有发生的请填 0。各“总计”由工具自动计算，表中没有总计栏。",
        f"4. 「{PROSE_FIELDS['problems']}」必须填写（空着是错误，不能生成报告）；正文其他各栏可以留空，"
        "留空的部分由工具根据表格数字生成或提示补充。单位代码、联系人供汇总核对用，可以不填。",
        "5. 填好后运行：nianbao batch 本文件.xlsx -o 输出目录。每个单位生成一个文件夹，校验结果见输出目录中的「校验结果.xlsx」。",
    ]
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120


def roster_row(report: Report, columns: list[RosterColumn]) -> list:
    """The values of ``report`` in the roster's columns (one row)."""
    return [_cell_value(report, col) for col in columns]


def _cell_value(report: Report, col: RosterColumn):
    if col.key == "year":
        return report.year
    if col.key == "publication_date":
        return report.publication_date
    if col.key == "fees.collected":
        return None if report.fees.collected is None else (YES if report.fees.collected else NO)
    if col.key in UNIT_COLUMNS:
        return None
    if col.key.startswith(("agency.", "prose.", "fees.")):
        scope, key = col.key.split(".", 1)
        source = {"agency": vars(report.agency), "prose": report.prose, "fees": vars(report.fees)}[scope]
        value = source.get(key)
        return value if value != "" else None
    return report.numbers.get(col.key, report.unread.get(col.key))  # unread: what was typed


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterLayout:
    """Which column of a roster holds what: found from its header rows, so it is small and picklable."""

    format_key: str
    sheet: str
    columns: tuple[tuple[int, RosterColumn], ...]  # (0-based column index, column)

    @property
    def fmt(self) -> Format:
        return FORMATS[self.format_key]

    def index_of(self, key: str) -> int | None:
        """The column index of ``key``; None for an optional column the roster does not have."""
        return next((i for i, col in self.columns if col.key == key), None)


def is_roster(path: Path) -> bool:
    """True when ``path`` is a workbook with a roster sheet (an individual form has other sheets)."""
    try:
        _check_file(path)
        workbook = load_readonly(path)
    except Exception:  # not a workbook at all, or refused: the caller's reader reports it
        return False
    try:
        return roster_sheet(workbook) is not None
    finally:
        workbook.close()


def roster_sheet(workbook) -> str | None:
    """The roster's sheet: 「汇总填报表」, or a renamed sheet whose header row names a roster's first columns."""
    if ROSTER_SHEET in workbook.sheetnames:
        return ROSTER_SHEET
    for name in workbook.sheetnames:
        sheet = workbook[name]
        if hasattr(sheet, "iter_rows") and _label_row(_head(sheet)) is not None:
            return name
    return None


def _head(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=1, max_row=SCAN_ROWS, values_only=True))


def _label_row(rows: list[tuple]) -> int | None:
    """The 0-based index of the row that holds a roster's unit labels (机关名称 … 报告年度), or None."""
    wanted = {_normalise(AGENCY_FIELDS["name"]), _normalise("报告年度")}
    return next((i for i, row in enumerate(rows) if wanted <= {_normalise(v) for v in row[:12]}), None)


def _normalise(text) -> str:
    return re.sub(r"\s+", "", for_regex(str(text))) if text is not None else ""


def read_layout(header_rows: list[tuple], sheet: str = ROSTER_SHEET) -> RosterLayout:
    """Match the two header rows against each format's columns; raise InputError naming what is missing,
    or both columns of a header written twice (one of them would be read and the other ignored)."""
    row1, row2 = (list(r) for r in header_rows[:2])
    row1 += [None] * (len(row2) - len(row1))
    found: dict[tuple[str, str], int] = {}  # (group, label) -> column index
    by_label: dict[str, int] = {}  # labels that name one column only -> column index
    group = ""
    for index, (top, label) in enumerate(zip(row1, row2)):
        group = _normalise(top) or group  # merged group cells are empty after their first column
        here = _normalise(label)
        first = found.get((group, here), by_label.get(here) if here in _single_labels() else None)
        if here and first is not None:
            raise InputError(_duplicate(sheet, first, index, str(label).strip()))
        found.setdefault((group, here), index)
        by_label.setdefault(here, index)
    matches = [
        (key, [(found.get((_normalise(c.group), _normalise(c.label))), c) for c in roster_columns(fmt)])
        for key, fmt in FORMATS.items()
    ]
    key, hits = max(matches, key=lambda match: sum(i is not None for i, _ in match[1]))  # first format of the top score
    missing = [c for i, c in hits if i is None and c.key not in UNIT_COLUMNS]
    if missing:
        names = "；".join(f"「{c.group}」下的「{c.label}」" for c in missing[:8])
        more = f"等 {len(missing)} 列" if len(missing) > 8 else ""
        raise InputError(
            f"工作表「{sheet}」的表头与{FORMATS[key].name}的汇总填报表不一致，缺少：{names}{more}。"
            "请用 nianbao form --batch 重新生成空白汇总表，再把数据粘贴进去。"
        )
    _no_stray_copy(row2, hits, sheet)
    return RosterLayout(key, sheet, tuple((i, c) for i, c in hits if i is not None))


def _no_stray_copy(labels: list, hits: list[tuple[int | None, RosterColumn]], sheet: str) -> None:
    """A column that is read nowhere but carries the label of a read one (a copy whose group cell was left
    behind) is refused with both columns: which of the two holds the right numbers is not ours to guess."""
    read = {i: c for i, c in hits if i is not None}
    for index, label in enumerate(labels):
        here = _normalise(label)
        if index in read or not here:
            continue
        twins = [i for i, c in read.items() if _normalise(c.label) == here]
        if len(twins) == 1:
            raise InputError(_duplicate(sheet, twins[0], index, str(label).strip()))
        if twins:
            raise InputError(_stray(sheet, twins, index, str(label).strip()))


def _stray(sheet: str, twins: list[int], index: int, label: str) -> str:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index + 1)
    same = "、".join(get_column_letter(i + 1) for i in twins[:3]) + (" 等" if len(twins) > 3 else "")
    return (
        f"工作表「{sheet}」的 {letter} 列表头是「{clip(label, 40)}」，与 {same} 列同名，但上面一行没有它的分组，"
        f"无法确定它属于哪一项，也就不会被读取。如果是复制时多出的一列，请删除 {letter} 列；"
        "否则请把其中的数字填到对应的列后再删除它。"
    )


def _duplicate(sheet: str, first: int, second: int, label: str) -> str:
    from openpyxl.utils import get_column_letter

    a, b = get_column_letter(first + 1), get_column_letter(second + 1)
    return (
        f"工作表「{sheet}」的表头有两列相同：{a} 列和 {b} 列都是「{clip(label, 40)}」。"
        f"只能保留一列，否则无法确定该读哪一列：请核对两列的内容，删除多余的一列（如复制时多出的 {b} 列）后再试。"
    )


@lru_cache(maxsize=1)
def _single_labels() -> frozenset[str]:
    """Labels that name one column in every format (机关名称, 报告年度…): a second one is a copy, whatever its group."""
    per_format = [Counter(_normalise(c.label) for c in roster_columns(fmt)) for fmt in FORMATS.values()]
    labels = set().union(*per_format)
    return frozenset(label for label in labels if all(f.get(label, 0) <= 1 for f in per_format))


def _check_file(path: Path) -> None:
    """Refuse a roster too large on disk or unpacked (a zip bomb) before openpyxl opens it."""
    check_size(path, ROSTER_WHAT)
    check_zip(path, ROSTER_WHAT, max_total=MAX_ROSTER_UNZIPPED_BYTES)
    refuse_strict(Path(path).name, path)


def open_roster(path: Path):
    """Open a roster read-only: (workbook, layout, rows iterator of (row_number, values), estimated rows)."""
    _check_file(path)
    name = Path(path).name
    try:
        workbook = load_readonly(path, data_only=True)
    except Exception as exc:
        raise InputError(
            f"{name}：无法作为 Excel 工作簿打开（{type(exc).__name__}），请用 Excel 另存为 .xlsx 后再试。"
        ) from None
    try:
        title = roster_sheet(workbook)
        if title is None:
            raise InputError(
                f"{name}：没有名为「{ROSTER_SHEET}」的工作表，其他工作表的前 {SCAN_ROWS} 行里也没有汇总表的表头"
                f"（「{AGENCY_FIELDS['name']}」「报告年度」…），不是汇总填报表。现有的工作表："
                f"{'、'.join(workbook.sheetnames) or '（无）'}。请用 nianbao form --batch 生成汇总填报表。"
            )
        sheet = workbook[title]
        head = _head(sheet)
        _header_in_place(name, title, head)
        layout = read_layout(head[:HEADER_ROWS] + [()] * (HEADER_ROWS - len(head[:HEADER_ROWS])), title)
        rows = sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
        filled = _filled(rows)
        first = next(filled, None)
        if first is None:
            raise InputError(
                f"{name}：工作表「{title}」只有表头，从第 {FIRST_DATA_ROW} 行起没有填写任何单位。"
                "请每个单位填一行（或从各单位的填报表复制过来）后再运行。"
            )
    except BaseException:
        workbook.close()
        raise
    estimate = max((sheet.max_row or _estimate_rows(path, sheet)) - HEADER_ROWS, 0)
    return workbook, layout, itertools.chain([first], filled), estimate


def _filled(rows) -> Iterator[tuple[int, tuple]]:
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if any(v is not None and str(v).strip() for v in values):
            yield number, values


def _header_in_place(name: str, sheet: str, head: list[tuple]) -> None:
    """Refuse a header moved down by rows above it (a title typed over the table), saying which rows to delete."""
    labels = _label_row(head)
    if labels is None or labels <= 1:
        return
    extra = labels - 1
    rows = "第 1 行" if extra == 1 else f"第 1～{extra} 行"
    raise InputError(
        f"{name}：工作表「{sheet}」的表头在第 {labels}、{labels + 1} 行，上面多了 {extra} 行（如标题）。"
        f"汇总填报表的表头必须在第 1、2 行，数据从第 {FIRST_DATA_ROW} 行起：请删除{rows}后再试"
        "（标题可以写在工作簿的文件名里）。"
    )


def _estimate_rows(path: Path, sheet) -> int:
    """Rows of a sheet without a ``<dimension>``, from the size of its first rows (for the progress bar's ETA)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo(sheet._worksheet_path).file_size
        with archive.open(sheet._worksheet_path) as source:
            head = source.read(1 << 20)
    start, rows = head.find(b"<sheetData"), head.count(b"<row")
    return int((size - start) * rows / (len(head) - start)) if start >= 0 and rows > HEADER_ROWS else 0


def iter_roster(path: Path) -> Iterator[tuple[int, Report | InputError]]:
    """Each filled row of a roster as (row number, Report), or (row number, InputError) when unreadable."""
    workbook, layout, rows, _ = open_roster(Path(path))
    try:
        for number, values in rows:
            try:
                yield number, report_from_row(layout, number, values)
            except InputError as exc:
                yield number, exc
    finally:
        workbook.close()


def cell_ref(index: int, row_number: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(index + 1)}{row_number}"


def report_from_row(layout: RosterLayout, row_number: int, values: tuple) -> Report:
    """Build the Report of one roster row; number problems become findings naming the cell."""
    fmt, sheet = layout.fmt, layout.sheet
    values = tuple(values) + (None,) * (max(i for i, _ in layout.columns) + 1 - len(values))
    here = {col.key: (values[i], cell_ref(i, row_number), col) for i, col in layout.columns}

    def place(key: str) -> str:
        _, ref, col = here[key]
        return f"工作表「{sheet}」单元格 {ref}（{col.group} · {col.label}）"

    def text(key: str, strip: bool = True) -> str:
        value, finding = read_text(here[key][0], place(key), key, strip=strip)
        if finding:
            builder.read_findings.append(finding)
        return value

    fatal = []  # (where, message): the row cannot become a report, but every other cell is still read
    if here["agency.name"][0] is None or not shown(here["agency.name"][0]):
        fatal.append((place("agency.name"), "没有填写机关名称，这一行无法生成报告。"))
    year = _year(here["year"][0])
    if isinstance(year, str):
        fatal.append((place("year"), year))
    builder = ReportBuilder(year=year if isinstance(year, int) else fmt.first_year, format=fmt, declared_format=fmt.key)
    builder.agency = Agency(**{k: text(f"agency.{k}") for k in AGENCY_FIELDS})
    builder.publication_date = _date(here["publication_date"][0], place("publication_date"), builder)
    builder.prose = {k: text(f"prose.{k}", strip=False) for k in PROSE_FIELDS}
    builder.fees = _fees(builder, here, place)
    blanks = []
    for path in fmt.input_paths:
        raw, ref, col = here[path]
        builder.places[path] = place(path)
        cell = read_number(raw, col.kind, builder.places[path], path)
        if cell.finding:
            builder.read_findings.append(cell.finding)
        if cell.value is None:
            builder.unread[path] = shown(raw)
        else:
            builder.numbers[path] = cell.value
        if cell.blank:
            blanks.append(ref)
    if blanks:
        listed = "、".join(blanks[:10]) + (f" 等 {len(blanks)} 个" if len(blanks) > 10 else "")
        builder.read_findings.append(
            Finding(
                "R0-2",
                WARNING,
                f"工作表「{sheet}」第 {row_number} 行",
                f"单元格 {listed} 为空白，已按 0 处理；没有发生请填 0。",
                operands={"空白单元格": len(blanks)},
            )
        )
    if fatal:
        findings = (*(Finding("读取", ERROR, where, message) for where, message in fatal), *builder.read_findings)
        raise RowError(*fatal[0], findings=findings)
    return builder.build()


def _year(raw) -> int | str:
    """The report year, or what is wrong with the cell."""
    parsed = parse_number(raw, COUNT)
    if parsed.blank or parsed.value is None or not 2008 <= parsed.value <= 2100:
        got = "没有填写" if parsed.blank else f"填写的「{raw}」不是有效年度"
        return f"报告年度{got}，请填写四位数年度，如 2025。"
    return int(parsed.value)


def _date(raw, where: str, builder: ReportBuilder) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    parsed = parse_date(raw)
    if parsed is None:
        builder.read_findings.append(
            Finding(
                "读取",
                ERROR,
                where,
                f"发布日期「{raw}」不是有效日期，请写成 2026-01-20 的形式。",
                path="publication_date",
                operands={"输入": shown(raw)},
            )
        )
    return parsed


def _fees(builder: ReportBuilder, here: dict, place) -> Fees:
    collected, finding = read_yes_no(here["fees.collected"][0], place("fees.collected"), "fees.collected")
    values: dict = {"collected": collected}
    for key, kind in (("amount", AMOUNT), ("cases", COUNT)):
        raw = here[f"fees.{key}"][0]
        cell = read_number(raw, kind, place(f"fees.{key}"), f"fees.{key}")
        if not cell.blank:
            values[key] = cell.value
        if cell.finding:
            builder.read_findings.append(cell.finding)
    if finding:
        builder.read_findings.append(finding)
    return Fees(**values)
