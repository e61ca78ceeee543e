"""The Excel form (填报表): layout, pre-filling, reading what clerks type, hostile files, LibreOffice recalculation.

Every hostile workbook is generated here (none is committed): each must give its own Chinese message,
never a traceback, and the exit codes of the core issue (2: cannot be read, 1: data errors).
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import struct
import sys
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import BUSY, EXAMPLES
from helpers import ROOT, run_cli, soffice_convert
from openpyxl import Workbook, load_workbook

from generator.app.cli import main
from generator.checks import check
from generator.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from generator.findings import ERROR, WARNING
from generator.formats import (
    APPLICANTS,
    FORMAT_2019,
    FORMAT_2021,
    FORMATS,
    HEADINGS,
    ORGANISATIONS,
    OUTCOMES,
    REQUEST_NOTE,
)
from generator.inputs import InputError, load_report
from generator.inputs.datafile import read_data_file, report_from_dict, report_to_dict
from generator.inputs.excel import form_bytes, read_form, write_form
from generator.inputs.excel.layout import (
    SHEET_ACTIVE,
    SHEET_APPEALS,
    SHEET_BASIC,
    SHEET_CHECKS,
    SHEET_PROSE,
    SHEET_REQUESTS,
    SHEETS,
    TOTAL,
    layout,
    name_for,
)
from generator.inputs.excel.write import LIST_ROWS
from generator.report import AGENCY_FIELDS, PROSE_FIELDS, Report
from generator.tables import requests_grid

FORMS = {"2021": ROOT / "forms" / "填报表-2021格式.xlsx", "2019": ROOT / "forms" / "填报表-2019格式.xlsx"}


# --- helpers ---------------------------------------------------------------------------------


def blank(tmp_path: Path, fmt=FORMAT_2021, name: str = "blank.xlsx") -> Path:
    path = tmp_path / name
    write_form(path, fmt, force=True)
    return path


def coord(fmt, key: str) -> tuple[str, str]:
    slot = layout(fmt).slots[key]
    return slot.sheet, slot.coord


def fill(src: Path, dst: Path, values: dict, edit=None) -> Path:
    """Type ``values`` (key → what the clerk typed) into a form, finding each cell by its defined name."""
    wb = load_workbook(src)
    for key, value in values.items():
        sheet, ref = next(wb.defined_names[name_for(key)].destinations)
        cell = wb[sheet][ref.replace("$", "")]
        cell.value = value
        if isinstance(value, str) and not value.startswith("="):
            cell.data_type = "s"
    if edit:
        edit(wb)
    wb.save(dst)
    return dst


def basic_values(year=2025, name="青石街道办事处") -> dict:
    return {
        "year": year,
        "agency.name": name,
        "agency.level": "街道",
        "publication_date": datetime(2026, 1, 20),
        "fees.collected": "否",
        "prose.problems": "一是答复文书不够规范。改进措施：统一文书模板。",
        "prose.overview.management": "落实源头认定。",
        "prose.overview.platform": "依托门户网站。",
        "prose.overview.supervision": "纳入考核，开展社会评议，未发生责任追究。",
    }


def set_cached(path: Path, sheet: str, ref: str, value, formula: str | None = None) -> None:
    """Give a cell a value cached by a spreadsheet program (what openpyxl cannot write), optionally with a formula."""
    part = f"xl/worksheets/sheet{SHEETS.index(sheet) + 1}.xml"
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == part:
                xml = data.decode("utf-8")
                pattern = re.compile(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', re.S)
                match = pattern.search(xml)
                assert match, f"{sheet}!{ref} not in {part}"
                attrs = re.sub(r'\s*t="[^"]*"', "", match.group(1))
                f = formula if formula is not None else (re.search(r"<f>(.*?)</f>", match.group(2)) or [None, None])[1]
                body = (f"<f>{f}</f>" if f else "") + f"<v>{value}</v>"
                xml = xml[: match.start()] + f'<c r="{ref}"{attrs}>{body}</c>' + xml[match.end() :]
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def by_rule(report: Report, rule: str, severity: str | None = None) -> list:
    return [f for f in report.read_findings if f.rule == rule and (severity is None or f.severity == severity)]


def finding_at(report: Report, sheet: str, ref: str):
    hits = [f for f in report.read_findings if f"工作表「{sheet}」单元格 {ref}（" in f.where]
    assert hits, f"no finding at {sheet}!{ref}: {[f.text() for f in report.read_findings]}"
    return hits[0]


# --- the committed blank forms -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["2021", "2019"])
def test_committed_forms_match_the_code(key):
    """forms/ holds exactly what `make forms` generates (byte-for-byte: the output is deterministic)."""
    assert FORMS[key].exists(), f"{FORMS[key]} is missing: run `make forms`"
    committed, generated = _parts(FORMS[key].read_bytes()), _parts(form_bytes(FORMATS[key]))
    stale = sorted(name for name in committed.keys() | generated.keys() if committed.get(name) != generated.get(name))
    assert not stale, f"{FORMS[key].name} differs from the code in {', '.join(stale)}: run `make forms` and commit"


def _parts(data: bytes) -> dict[str, bytes]:
    """Every part of an .xlsx, uncompressed (so the comparison does not depend on the zlib build)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_form_bytes_are_deterministic():
    report = read_data_file(BUSY)
    assert form_bytes(FORMAT_2021, report) == form_bytes(FORMAT_2021, read_data_file(BUSY))
    with zipfile.ZipFile(io.BytesIO(form_bytes(FORMAT_2021))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2021, 9, 26, 0, 0, 0)}


# --- layout ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["2021", "2019"])
def blank_wb(request, tmp_path_factory):
    fmt = FORMATS[request.param]
    path = tmp_path_factory.mktemp("forms") / "form.xlsx"
    write_form(path, fmt)
    return fmt, load_workbook(path)


def test_sheets_in_order_and_marked(blank_wb):
    fmt, wb = blank_wb
    assert wb.sheetnames == list(SHEETS)
    assert wb.defined_names["NB_FORMAT"].attr_text == f'"{fmt.key}"'
    assert wb.active.title == SHEET_BASIC


def test_every_input_named_unlocked_shaded_validated(blank_wb):
    fmt, wb = blank_wb
    lay = layout(fmt)
    validated: dict[str, dict] = {}
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title  # protected without a password
        for dv in ws.data_validations.dataValidation:
            assert dv.showErrorMessage and dv.showInputMessage and dv.errorStyle == "stop"
            assert re.search(r"[\u4e00-\u9fff]", dv.prompt) and re.search(r"[\u4e00-\u9fff]", dv.error)
            for ref in str(dv.sqref).split():
                validated[f"{ws.title}!{ref}"] = {"type": dv.type, "operator": dv.operator, "formula1": dv.formula1}
    for key, slot in lay.slots.items():
        sheet, ref = next(wb.defined_names[name_for(key)].destinations)
        assert (sheet, ref.replace("$", "")) == (slot.sheet, slot.coord)
        cell = wb[sheet][slot.coord]
        if slot.kind == TOTAL:
            assert cell.protection.locked
            assert cell.value == lay.formula(key) and cell.value.startswith("=SUM(")
            continue
        assert not cell.protection.locked, key
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), key
        if slot.is_number:
            rule = validated[f"{sheet}!{slot.coord}"]
            expected = {
                "count": ("whole", "greaterThanOrEqual", "0"),
                "amount": ("decimal", "greaterThanOrEqual", "0"),
                "signed": ("whole", "between", "-999999999"),
            }[slot.kind]
            assert (rule["type"], rule["operator"], rule["formula1"]) == expected, key
    assert validated[f"{SHEET_BASIC}!{lay.slots['fees.collected'].coord}"]["formula1"] == '"是,否"'
    assert validated[f"{SHEET_BASIC}!{lay.slots['fees.amount'].coord}"]["type"] == "decimal"
    # labels are locked
    assert wb[SHEET_REQUESTS]["A6"].protection.locked


def test_number_sheets_look_like_the_official_tables(blank_wb):
    fmt, wb = blank_wb
    ws = wb[SHEET_REQUESTS]
    assert ws["A1"].value == HEADINGS[2]
    merges = {str(m) for m in ws.merged_cells.ranges}
    assert ws["A3"].value == REQUEST_NOTE and "A3:C5" in merges
    assert ws["D3"].value == APPLICANTS and "D3:J3" in merges
    assert ws["E4"].value == ORGANISATIONS and "E4:I4" in merges
    assert ws["A8"].value == OUTCOMES
    n_outcomes = len([r for r in fmt.requests.rows if r.group])
    assert f"A8:A{7 + n_outcomes}" in merges  # 三、本年度办理结果: one vertical cell over all outcome rows
    # every merge of the report's own grid, shifted below the title rows
    grid = requests_grid(Report(year=2021, format=fmt))
    for cell in grid.cells:
        if cell.rowspan > 1 or cell.colspan > 1:
            top, left = 3 + cell.row, 1 + cell.col
            bottom, right = top + cell.rowspan - 1, left + cell.colspan - 1
            ref = f"{ws.cell(top, left).coordinate}:{ws.cell(bottom, right).coordinate}"
            assert ref in merges, (cell.text, ref)
    labels = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    for row in fmt.requests.rows:
        assert row.label in labels and (not row.group or row.group in labels)
    for col in fmt.requests.columns:
        assert col.label in labels
    active = {str(c.value) for row in wb[SHEET_ACTIVE].iter_rows() for c in row if c.value is not None}
    for block in fmt.active_blocks:
        assert block.caption in active
        assert {r.label for r in block.rows} | {c.label for c in block.columns} <= active
    appeals = wb[SHEET_APPEALS]
    assert appeals["A1"].value == HEADINGS[3]
    merges = {str(m) for m in appeals.merged_cells.ranges}
    # official geometry: 行政复议 one row high, its leaf headings over rows 2–3
    assert {"A3:E3", "A4:A5", "E4:E5", "F3:O3", "F4:J4", "K4:O4"} <= merges and "A3:E4" not in merges


def test_basic_prose_and_checks_sheets(blank_wb):
    fmt, wb = blank_wb
    basic = {str(c.value) for row in wb[SHEET_BASIC].iter_rows() for c in row if c.value is not None}
    assert set(AGENCY_FIELDS.values()) <= basic
    assert fmt.name in " ".join(basic)
    prose = wb[SHEET_PROSE]
    for key, label in PROSE_FIELDS.items():
        slot = layout(fmt).slots[f"prose.{key}"]
        assert prose.cell(slot.row, 1).value.startswith(label)
        assert prose[slot.coord].alignment.wrap_text and prose.row_dimensions[slot.row].height >= 80
    checks = wb[SHEET_CHECKS]
    formulas = [c.value for row in checks.iter_rows() for c in row if str(c.value).startswith("=")]
    rules = {c.value.split()[0] for row in checks.iter_rows(max_col=1) for c in row if isinstance(c.value, str)}
    assert {"R3-1", "R3-2", "R3-3", "R4-1"} <= rules
    assert any(f"'{SHEET_REQUESTS}'!" in f for f in formulas) and any(f"'{SHEET_APPEALS}'!" in f for f in formulas)


def test_print_setup_is_a4(blank_wb):
    _, wb = blank_wb
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    for sheet in (SHEET_REQUESTS, SHEET_APPEALS):  # wide tables: landscape, on one page
        assert wb[sheet].page_setup.orientation == "landscape" and wb[sheet].page_setup.fitToHeight == 1
    assert wb[SHEET_REQUESTS].print_title_rows.replace("$", "") == "3:5"


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_data_to_form_to_data_is_identical(example, tmp_path):
    report = load_report(example)
    path = tmp_path / "form.xlsx"
    write_form(path, report.format, report=report)
    again = read_form(path)
    # A form computes every total by formula: a typed total cannot travel through it.
    assert report_to_dict(again) == report_to_dict(report.evolve(typed_totals={}))
    assert again.format is report.format and again.year == report.year


def test_convert_both_ways(tmp_path):
    form, data = tmp_path / "表.xlsx", tmp_path / "数据.yaml"
    assert main(["convert", str(BUSY), "-o", str(form)]) == EXIT_OK
    assert main(["convert", str(form), "-o", str(data)]) == EXIT_OK
    assert report_to_dict(read_data_file(data)) == report_to_dict(read_data_file(BUSY))
    assert main(["convert", str(BUSY), "-o", str(form)]) == EXIT_FINDINGS  # exists, no --force


def test_prose_keeps_newlines_and_leading_equals(tmp_path):
    report = read_data_file(BUSY)
    report = report.evolve(
        prose={**report.prose, "other": "=开头的等号不是公式\n第二段  \n"},
        agency=replace(report.agency, phone="025-52100000", postcode="011100"),
    )
    path = tmp_path / "f.xlsx"
    write_form(path, report.format, report)
    again = read_form(path)
    assert again.prose["other"] == report.prose["other"]
    assert again.agency.postcode == "011100"


# --- what clerks type ------------------------------------------------------------------------

MESSY = {  # key → (typed, expected value, what the warning says)
    "active.normative_docs.issued": (3, 3, None),
    "active.normative_docs.repealed": ("1", 1, None),  # text, but no total adds it up: nothing to say
    "active.normative_docs.in_force": ("+12", 12, "正号"),
    "active.licensing.decisions": ("1,156", 1156, "千位分隔符"),
    "active.penalty.decisions": ("２３", 23, "全角"),
    "active.coercion.decisions": ("2.0", 2, "整数"),
    "active.fees.amount": ("0.0", 0, None),
    "active.rules.issued": ("无", 0, "按 0 处理"),
    "active.rules.repealed": ("-", 0, "按 0 处理"),
    "active.rules.in_force": ("/", 0, "按 0 处理"),
    "requests.new.natural": ("１２", 12, "全角"),
    "requests.new.commercial": (" 3 ", 3, "空格"),
    "requests.new.legal": (1, 1, None),
    "requests.carried_over.natural": ("2", 2, "文字"),
    "requests.granted.natural": ("6件", 6, "单位"),
    "requests.granted.commercial": (2, 2, None),
    "requests.granted.legal": (1, 1, None),
    "requests.partial.natural": (2, 2, None),
    "requests.denied_4.natural": (1, 1, None),
    "requests.unable_1.natural": (2, 2, None),
    "requests.unable_1.commercial": (1, 1, None),
    "requests.not_processed_1.natural": (1, 1, None),
    "requests.other_1.natural": (1, 1, None),
    "requests.carry_forward.natural": (1, 1, None),
    "appeals.review.upheld": (1, 1, None),
    "appeals.review.pending": ("1 ", 1, "空格"),
    "appeals.litigation_direct.upheld": (1, 1, None),
}


def messy_form(tmp_path: Path) -> Path:
    values = {**basic_values(), **{k: typed for k, (typed, _, _) in MESSY.items()}}
    return fill(blank(tmp_path), tmp_path / "messy.xlsx", values)


def test_messy_values_are_normalised_with_warnings_naming_the_cell(tmp_path):
    report = read_form(messy_form(tmp_path))
    fmt = FORMAT_2021
    for key, (typed, expected, says) in MESSY.items():
        assert report.numbers[key] == expected, key
        sheet, ref = coord(fmt, key)
        assert report.places[key].startswith(f"工作表「{sheet}」单元格 {ref}")
        if says:
            finding = finding_at(report, sheet, ref)
            assert finding.severity == WARNING and says in finding.message, finding.text()
    assert not [f for f in report.read_findings if f.severity == ERROR]
    blanks = by_rule(report, "R0-2")
    assert blanks and all(f.severity == WARNING for f in blanks)
    typed = [k for k in MESSY if k.startswith("requests.")]
    n_blank = len([s for s in layout(fmt).number_slots() if s.sheet == SHEET_REQUESTS]) - len(typed)
    assert any(f"「{SHEET_REQUESTS}」" in f.where and f"有 {n_blank} 个空白单元格" in f.message for f in blanks)
    assert report.numbers["requests.denied_1.natural"] == 0  # a blank cell


def test_blank_cells_are_zero_with_one_warning_per_sheet(tmp_path):
    report = read_form(fill(blank(tmp_path), tmp_path / "f.xlsx", basic_values()))
    requests = [f for f in by_rule(report, "R0-2") if SHEET_REQUESTS in f.where]
    assert len(requests) == 1 and "已按 0 处理" in requests[0].message
    assert "（D6:I28、D30:I30）" in requests[0].message  # every blank input cell, as ranges
    few = read_form(
        fill(
            blank(tmp_path),
            tmp_path / "g.xlsx",
            {**basic_values(), **{p: 0 for p in FORMAT_2021.input_paths if p != "appeals.review.pending"}},
        )
    )
    [single] = by_rule(few, "R0-2")
    assert single.where.startswith(f"工作表「{SHEET_APPEALS}」单元格 D6")


def test_check_and_render_a_messy_form_print_what_was_typed(tmp_path):
    form = messy_form(tmp_path)
    code, out, err = run_cli("check", str(form))
    assert code == EXIT_OK, out + err
    assert "单元格 E6" in out and "全角" in out and "Traceback" not in err
    code, out, err = run_cli("render", str(form), "-o", str(tmp_path / "out"), "--to", "html")
    assert code == EXIT_OK, out + err
    [html_file] = (tmp_path / "out").glob("*.html")
    # the same numbers as a clean data file: the rendered tables must be identical
    data = copy.deepcopy(report_to_dict(read_data_file(BUSY)))
    data["active"]["licensing"]["decisions"] = 1156
    expected = _tables(_render_html(report_from_dict(data)))
    assert _tables(html_file.read_text(encoding="utf-8")) == expected
    cells = _cells(html_file.read_text(encoding="utf-8"))
    assert "1156" in cells[0] and "23" in cells[0] and "12" in cells[1]


def _render_html(report: Report) -> str:
    from generator.render.html import render_html

    return render_html(report)


class _TableText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[str]] = []
        self.depth = 0
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _cells(html: str) -> list[list[str]]:
    parser = _TableText()
    parser.feed(html)
    return parser.tables


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, re.S)


ERRORS = {  # key → (typed, words of the error)
    "requests.new.natural": (-3, "负数"),
    "requests.new.commercial": (2.5, "整数"),
    "requests.granted.natural": ("三件", "不是数字"),
    "requests.partial.natural": ("=1+2", "公式"),
    "appeals.review.upheld": (datetime(2025, 1, 2), "日期"),
    "active.fees.amount": ("-5", "负数"),
    "active.licensing.decisions": (True, "不是数字"),
}


def test_unacceptable_values_are_errors_naming_sheet_and_cell(tmp_path):
    values = {**basic_values(), **{k: typed for k, (typed, _) in ERRORS.items()}}
    form = fill(blank(tmp_path), tmp_path / "bad.xlsx", values)
    report = read_form(form)
    for key, (_, words) in ERRORS.items():
        finding = finding_at(report, *coord(FORMAT_2021, key))
        assert finding.severity == ERROR and words in finding.message, finding.text()
        assert report.number(key) is None and key in report.unread
    code, out, err = run_cli("check", str(form))
    assert code == EXIT_FINDINGS and "Traceback" not in err
    assert f"工作表「{SHEET_REQUESTS}」单元格 D6" in out
    code, out, err = run_cli("render", str(form), "-o", str(tmp_path / "out"), "--to", "html")
    assert code == EXIT_FINDINGS and not list(tmp_path.glob("out/*.html"))
    # converting keeps what was typed, so the clerk sees it again in the next form
    data = tmp_path / "bad.yaml"
    assert main(["convert", str(form), "-o", str(data)]) == EXIT_FINDINGS
    again = tmp_path / "again.xlsx"
    main(["convert", str(data), "-o", str(again)])
    assert read_form(again).unread["requests.granted.natural"] == "三件"


def test_basic_fields(tmp_path):
    values = {
        "year": "2025年",
        "agency.name": "  白沙镇人民政府 ",
        "agency.postcode": 211100,
        "agency.phone": "025-1",
        "publication_date": "2026年1月20日",
        "fees.collected": "是",
        "fees.amount": "120元",
        "fees.cases": 2,
    }
    report = read_form(fill(blank(tmp_path), tmp_path / "f.xlsx", values))
    assert report.year == 2025 and report.agency.name == "白沙镇人民政府" and report.agency.postcode == "211100"
    assert str(report.publication_date) == "2026-01-20"
    assert report.fees.collected is True and report.fees.amount == Decimal(120) and report.fees.cases == 2
    bad = read_form(
        fill(blank(tmp_path), tmp_path / "g.xlsx", {"year": 2025, "publication_date": "下月", "fees.collected": "也许"})
    )
    assert {f.path for f in by_rule(bad, "F-1", ERROR)} == {"agency.name", "publication_date", "fees.collected"}
    assert all(f.where.startswith(f"工作表「{SHEET_BASIC}」单元格 B") for f in by_rule(bad, "F-1"))

    def general(wb):  # a date typed into a cell formatted 常规 arrives as Excel's day number
        wb[SHEET_BASIC][layout(FORMAT_2021).slots["publication_date"].coord].number_format = "General"

    serial = read_form(
        fill(blank(tmp_path), tmp_path / "h.xlsx", {**basic_values(), "publication_date": 46042}, edit=general)
    )
    assert str(serial.publication_date) == "2026-01-20"


def test_formula_in_an_input_cell(tmp_path):
    form = fill(blank(tmp_path), tmp_path / "f.xlsx", {**basic_values(), "requests.new.natural": "=3+4"})
    report = read_form(form)
    finding = finding_at(report, SHEET_REQUESTS, "D6")
    assert finding.severity == ERROR and "=3+4" in finding.message
    set_cached(form, SHEET_REQUESTS, "D6", 7, formula="3+4")  # as Excel saves it
    report = read_form(form)
    finding = finding_at(report, SHEET_REQUESTS, "D6")
    assert finding.severity == WARNING and report.numbers["requests.new.natural"] == 7


def test_cached_totals_are_compared(tmp_path):
    values = {**basic_values(), "requests.new.natural": 4, "requests.granted.natural": 4}
    form = fill(blank(tmp_path), tmp_path / "f.xlsx", values)
    set_cached(form, SHEET_REQUESTS, "J6", 4)  # what Excel showed: agrees
    set_cached(form, SHEET_REQUESTS, "D29", 5)  # （七）总计 · 自然人: a stale cached value
    report = read_form(form)
    assert report.typed_totals["requests.new.total"] == 4
    [r32] = [f for f in check(report) if f.rule == "R3-2"]
    assert r32.where.startswith(f"工作表「{SHEET_REQUESTS}」单元格 D29") and r32.difference == 1


def test_typed_over_a_total_changed_or_deleted_formula(tmp_path):
    def edit(wb):
        wb[SHEET_REQUESTS]["J6"] = 9  # typed over the formula
        wb[SHEET_REQUESTS]["J7"] = "=SUM(D7:H7)"  # changed formula
        wb[SHEET_APPEALS]["E6"] = None  # deleted formula
        wb[SHEET_APPEALS]["J6"] = 3

    form = fill(blank(tmp_path), tmp_path / "f.xlsx", {**basic_values(), "requests.new.natural": 4}, edit=edit)
    report = read_form(form)
    findings = check(report)
    r33 = [f for f in findings if f.rule == "R3-3"]
    assert [f.where.split("（")[0] for f in r33] == [f"工作表「{SHEET_REQUESTS}」单元格 J6"]
    assert r33[0].operands == {"填写的总计": 9, "分项之和": 4}
    [r41] = [f for f in findings if f.rule == "R4-1"]
    assert "单元格 J6" in r41.where and f"「{SHEET_APPEALS}」" in r41.where
    f2 = by_rule(report, "F-2", WARNING)
    assert {f.path for f in f2} == {"requests.carried_over.total", "appeals.review.total"}


def test_text_numbers_explain_a_spreadsheet_total_without_an_error(tmp_path):
    form = fill(
        blank(tmp_path),
        tmp_path / "f.xlsx",
        {**basic_values(), "requests.new.natural": "１２", "requests.new.commercial": 3},
    )
    set_cached(form, SHEET_REQUESTS, "J6", 3)  # Excel's SUM skipped the text
    report = read_form(form)
    assert "requests.new.total" not in report.typed_totals
    assert not [f for f in check(report) if f.rule == "R3-3"]
    assert "总计公式不会计入" in finding_at(report, SHEET_REQUESTS, "D6").message


def test_wrong_format_version_for_the_year(tmp_path):
    form = fill(blank(tmp_path, FORMAT_2019), tmp_path / "f.xlsx", {**basic_values(year=2022)})
    report = read_form(form)
    assert report.format is FORMAT_2019
    code, out, err = run_cli("check", str(form))
    assert code == EXIT_FINDINGS
    assert "[G-2 格式版本]" in out and "2021年版格式" in out and "nianbao form --year 2022" in out
    old = read_form(fill(blank(tmp_path), tmp_path / "g.xlsx", {**basic_values(year=2020)}))
    assert any(f.rule == "G-2" and f.severity == ERROR for f in check(old))


def test_2019_form_reads_signed_changes_and_procurement(tmp_path):
    values = {
        **basic_values(year=2020),
        "active.licensing.change": -2,
        "active.fees.change": "+0",
        "active.procurement.amount": "5,000,000",
        "active.procurement.items": 3,
    }
    report = read_form(fill(blank(tmp_path, FORMAT_2019), tmp_path / "f.xlsx", values))
    assert report.numbers["active.licensing.change"] == -2 and report.numbers["active.fees.change"] == 0
    assert report.numbers["active.procurement.amount"] == Decimal(5000000)
    assert not [f for f in report.read_findings if f.severity == ERROR]


# --- hostile and broken files ----------------------------------------------------------------


def _cfb(streams: list[str]) -> bytes:
    """A minimal OLE compound file with the given stream names (what .xls and encrypted .xlsx files are)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 0x1000)  # 1 FAT sector; directory at sector 1
    struct.pack_into("<III", header, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0] = sector 0 holds the FAT
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray()
    for i, name in enumerate(["Root Entry", *streams]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 and streams else 0xFFFFFFFF)
        if i and i < len(streams):
            struct.pack_into("<I", entry, 72, i + 1)
        directory += entry
    directory += b"\x00" * (-len(directory) % 512)
    return bytes(header + fat + directory)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _other_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["单位", "新收申请"])
    wb.active.append(["白沙镇", 3])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _form_edited(edit) -> callable:
    def make(tmp_path: Path) -> bytes:
        path = fill(blank(tmp_path), tmp_path / "edited.xlsx", basic_values(), edit=edit)
        return path.read_bytes()

    return make


def _rename(wb):
    wb[SHEET_REQUESTS].title = "Sheet1"  # renamed by a program that does not update the names


def _delete(wb):
    del wb[SHEET_APPEALS]


def _delete_like_excel(wb):
    del wb[SHEET_APPEALS]
    for name, defined in list(wb.defined_names.items()):
        if f"'{SHEET_APPEALS}'!" in defined.attr_text:
            defined.attr_text = "#REF!"  # what Excel leaves in a name whose sheet was deleted


def _drop_names_and_delete(wb):
    del wb[SHEET_PROSE]
    for name in list(wb.defined_names):
        if name.startswith("NB_prose"):
            del wb.defined_names[name]


def _format_2030(wb):
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["NB_FORMAT"] = DefinedName("NB_FORMAT", attr_text='"2030"')


def _newer_layout(wb):
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["NB_LAYOUT"] = DefinedName("NB_LAYOUT", attr_text="99")


def _no_year(wb):
    wb[SHEET_BASIC][layout(FORMAT_2021).slots["year"].coord] = None


def _bad_year(wb):
    wb[SHEET_BASIC][layout(FORMAT_2021).slots["year"].coord] = "明年"


HOSTILE = {  # name → (file name, bytes or maker, words the message must contain)
    "empty": ("表.xlsx", b"", "文件是空的"),
    "blank-bytes": ("表.xlsx", b"\n\n  ", "文件是空的"),
    "csv-renamed": ("表.xlsx", "单位,新收申请\n白沙镇,3\n".encode("gb18030"), "CSV"),
    "utf8-csv-renamed": ("表.xlsx", "\ufeff单位,新收申请\n白沙镇,3\n".encode("utf-8"), "CSV"),
    "html-export": ("表.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    "old-xls": ("表.xls", _cfb(["Workbook", "\x05SummaryInformation"]), "97-2003"),
    "wps-et": (
        "表.et",
        _cfb(["Workbook", "\x05SummaryInformation"]),
        "WPS 表格文件（.et），无法读取。请在 WPS 中打开，「文件 → 另存为」",
    ),
    "encrypted": ("表.xlsx", _cfb(["EncryptionInfo", "EncryptedPackage"]), "打开密码"),
    "old-doc": ("表.xlsx", _cfb(["WordDocument"]), "Word"),
    "docx-renamed": ("表.xlsx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "Word 文档"),
    "ods-renamed": (
        "表.xlsx",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        "OpenDocument",
    ),
    "truncated": ("表.xlsx", lambda tmp: form_bytes(FORMAT_2021)[:5000], "损坏"),
    "broken-xml": ("表.xlsx", _zip({"[Content_Types].xml": b"<", "xl/workbook.xml": b"<"}), "损坏"),
    "random-bytes": ("表.xlsx", bytes(range(256)) * 4, "无法识别"),
    "other-workbook": ("表.xlsx", _other_workbook(), "不是 nianbao 生成的填报表"),
    "sheet-renamed": ("表.xlsx", _form_edited(_rename), f"找不到工作表「{SHEET_REQUESTS}」"),
    "sheet-deleted": ("表.xlsx", _form_edited(_delete), f"找不到工作表「{SHEET_APPEALS}」"),
    "sheet-deleted-in-excel": ("表.xlsx", _form_edited(_delete_like_excel), f"找不到工作表「{SHEET_APPEALS}」"),
    "sheet-and-names-deleted": ("表.xlsx", _form_edited(_drop_names_and_delete), f"找不到工作表「{SHEET_PROSE}」"),
    "unknown-format": ("表.xlsx", _form_edited(_format_2030), "格式版本「2030」"),
    "newer-layout": ("表.xlsx", _form_edited(_newer_layout), "更新版本"),
    "no-year": ("表.xlsx", _form_edited(_no_year), "报告年度）没有填写"),
    "bad-year": ("表.xlsx", _form_edited(_bad_year), "「明年」不是年份"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_files_get_their_own_message(case, tmp_path, capsys):
    name, content, words = HOSTILE[case]
    data = content(tmp_path) if callable(content) else content
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_report(path)
    assert words in str(caught.value) and name in str(caught.value)
    capsys.readouterr()
    assert main(["check", str(path)]) == EXIT_INPUT
    assert main(["render", str(path), "-o", str(tmp_path / "out")]) == EXIT_INPUT
    assert main(["convert", str(path), "-o", str(tmp_path / "out.yaml")]) == EXIT_INPUT
    assert words in capsys.readouterr().err


@pytest.mark.parametrize("case", ["encrypted", "sheet-renamed"])
def test_hostile_files_from_the_real_command(case, tmp_path):
    name, content, words = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(content(tmp_path) if callable(content) else content)
    code, out, err = run_cli("check", str(path))
    assert code == EXIT_INPUT and words in err and "Traceback" not in err + out


def test_roster_passed_as_a_form(tmp_path):
    from generator.inputs.roster import write_roster

    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, force=False)
    with pytest.raises(InputError, match="汇总填报表"):
        read_form(path)


def test_tolerated_changes(tmp_path):
    """What spreadsheet programs legitimately do: rename a sheet (names follow), drop names, protect with a password,
    save an .xlsx under .xls."""

    def rename_like_excel(wb):
        ws = wb[SHEET_REQUESTS]
        ws.title = "依申请"
        for name, defined in list(wb.defined_names.items()):
            defined.attr_text = defined.attr_text.replace(f"'{SHEET_REQUESTS}'", "'依申请'")

    def drop_names(wb):
        for name in list(wb.defined_names):
            if name.startswith("NB_") and name not in ("NB_FORMAT",):
                del wb.defined_names[name]

    def password(wb):
        for ws in wb.worksheets:
            ws.protection.password = "secret"

    values = {**basic_values(), "requests.new.natural": 5}
    renamed = read_form(fill(blank(tmp_path), tmp_path / "a.xlsx", values, edit=rename_like_excel))
    assert renamed.numbers["requests.new.natural"] == 5
    assert renamed.places["requests.new.natural"].startswith("工作表「依申请」单元格 D6")
    for edit in (drop_names, password):
        report = read_form(fill(blank(tmp_path), tmp_path / "b.xlsx", values, edit=edit))
        assert report.numbers["requests.new.natural"] == 5 and report.agency.name == "青石街道办事处"

    def paste_below(wb):  # data pasted far below the form is never read
        for r in range(2000, 2400):
            wb[SHEET_PROSE].cell(r, 40, "贴进来的数据")

    report = read_form(fill(blank(tmp_path), tmp_path / "d.xlsx", values, edit=paste_below))
    assert report.numbers["requests.new.natural"] == 5 and not [f for f in report.read_findings if f.severity == ERROR]
    xls = tmp_path / "c.xls"
    shutil.copy(fill(blank(tmp_path), tmp_path / "c.xlsx", values), xls)
    assert load_report(xls).numbers["requests.new.natural"] == 5


# --- nianbao form ----------------------------------------------------------------------------


def test_form_command(tmp_path):
    code, out, err = run_cli("form", cwd=tmp_path)
    assert code == EXIT_OK and (tmp_path / "填报表-2021格式.xlsx").exists(), err
    assert (tmp_path / "填报表-2021格式.xlsx").read_bytes() == form_bytes(FORMAT_2021)
    assert run_cli("form", cwd=tmp_path)[0] == EXIT_FINDINGS  # exists: refused without --force
    assert run_cli("form", "--force", cwd=tmp_path)[0] == EXIT_OK
    assert main(["form", "--year", "2020", "-o", str(tmp_path / "y.xlsx")]) == EXIT_OK
    year_form = load_workbook(tmp_path / "y.xlsx")
    assert year_form.defined_names["NB_FORMAT"].attr_text == '"2019"'
    assert year_form[SHEET_BASIC][layout(FORMAT_2019).slots["year"].coord].value == 2020
    assert main(["form", "--format", "2019", "-o", str(tmp_path / "f.xlsx")]) == EXIT_OK
    assert (tmp_path / "f.xlsx").read_bytes() == form_bytes(FORMAT_2019)
    assert main(["form", "-o", str(tmp_path / "f.xls")]) == EXIT_INPUT


def test_form_previous_carries_last_year_forward(tmp_path):
    last = tmp_path / "去年.xlsx"
    report = read_data_file(BUSY)
    write_form(last, report.format, report)
    out = tmp_path / "今年.xlsx"
    assert main(["form", "--previous", str(last), "-o", str(out)]) == EXIT_OK
    draft = read_form(out)
    assert draft.year == 2026 and draft.agency == report.agency
    assert draft.numbers["requests.carried_over.natural"] == report.number("requests.carry_forward.natural") == 1
    assert draft.numbers["active.normative_docs.in_force"] == 12
    wb = load_workbook(out)
    assert wb[SHEET_REQUESTS]["D6"].value is None  # this year's numbers are left for the clerk
    assert main(["form", "--previous", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "x.xlsx")]) == EXIT_INPUT


def test_form_batch_writes_the_roster(tmp_path, monkeypatch):
    calls = []
    fake = type(sys)("generator.inputs.roster")
    fake.write_roster = lambda path, fmt, force: calls.append((path, fmt, force))
    monkeypatch.setitem(sys.modules, "generator.inputs.roster", fake)
    assert main(["form", "--batch", "--format", "2019", "-o", str(tmp_path / "r.xlsx"), "--force"]) == EXIT_OK
    assert calls == [(tmp_path / "r.xlsx", FORMAT_2019, True)]


# --- a real spreadsheet program ----------------------------------------------------------------


def _soffice(tmp_path: Path, target: str, *files: Path) -> Path:
    return soffice_convert(target, *files, outdir=tmp_path / f"lo-{target.split(':', maxsplit=1)[0]}")


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_same_totals(tmp_path):
    report = read_data_file(BUSY)
    clean = tmp_path / "clean.xlsx"
    write_form(clean, report.format, report)
    data = copy.deepcopy(report_to_dict(report))
    data["requests"]["granted"]["natural"] = 7  # R3-1 broken in column 自然人
    broken_report = report_from_dict(data)
    broken = tmp_path / "broken.xlsx"
    write_form(broken, broken_report.format, broken_report)
    text = fill(clean, tmp_path / "text.xlsx", {"requests.new.natural": "１２"})
    out = _soffice(tmp_path, "xlsx", clean, broken, text)

    for name, source in (("clean", report), ("broken", broken_report)):
        wb = load_workbook(out / f"{name}.xlsx", data_only=True)
        lay = layout(source.format)
        for key in lay.parts:
            sheet, ref = next(wb.defined_names[name_for(key)].destinations)
            assert wb[sheet][ref.replace("$", "")].value == source.number(key), (name, key)
        checks = wb[SHEET_CHECKS]
        if name == "clean":
            assert checks["B3"].value == "全部平衡"
            again = read_form(out / "clean.xlsx")
            assert report_to_dict(again.evolve(typed_totals={})) == report_to_dict(report)  # inputs; totals below
            assert again.typed_totals and all(again.typed_totals[k] == report.number(k) for k in again.typed_totals)
            assert not [f for f in check(again) if f.rule.startswith(("R3", "R4"))]
        else:
            assert checks["B3"].value.startswith("有 2 处不平衡")  # the column, and so the 总计 column
            assert checks["B4"].value == (
                "「三、依申请公开」列「自然人」：一+二（D6+D7）= 14，（七）总计+四（D29+D30）= 15，相差 -1"
            )
            assert checks["B5"].value == (
                "「三、依申请公开」列「总计」：一+二（J6+J7）= 18，（七）总计+四（J29+J30）= 19，相差 -1"
            )
            rule_rows = [(r[0].value, r[1].value, r[5].value) for r in checks.iter_rows(min_row=6)]
            assert ("R3-1", "列「自然人」", "不平衡，相差 -1") in rule_rows
            python = [f for f in check(read_form(out / "broken.xlsx")) if f.rule == "R3-1"]
            assert [f.operands["办理结果总计"] for f in python] == [
                broken_report.number("requests.total_processed.natural")
            ]
    # a number typed as text: the spreadsheet's SUM skips it, the report does not; only a warning at that cell
    recalculated = read_form(out / "text.xlsx")
    wb = load_workbook(out / "text.xlsx", data_only=True)
    assert wb[SHEET_REQUESTS]["J6"].value == report.number("requests.new.total") - 12
    assert recalculated.number("requests.new.total") == report.number("requests.new.total")
    assert not [f for f in check(recalculated) if f.severity == ERROR]
    assert "全角" in finding_at(recalculated, SHEET_REQUESTS, "D6").message


@pytest.mark.libreoffice
def test_real_old_xls_is_refused(tmp_path):
    out = _soffice(tmp_path, "xls", blank(tmp_path))
    with pytest.raises(InputError, match="97-2003"):
        load_report(out / "blank.xls")
    renamed = tmp_path / "改名.xlsx"
    shutil.copy(out / "blank.xls", renamed)
    with pytest.raises(InputError, match="97-2003"):
        load_report(renamed)


def _slips(wb):
    """A total typed over its formula: 「（一）予以公开」's 总计 (J8)."""
    wb[SHEET_REQUESTS][layout(FORMAT_2021).slots["requests.granted.total"].coord] = 99


@pytest.mark.libreoffice
def test_checks_sheet_names_each_failing_cell_and_says_not_filled_on_a_blank_form(tmp_path):
    report = read_data_file(BUSY)
    clean = tmp_path / "clean.xlsx"
    write_form(clean, report.format, report)
    # The usual slips: an outcome counted twice (自然人), a 新收 one short (商业企业), a total typed over.
    slips = fill(
        clean, tmp_path / "slips.xlsx", {"requests.granted.natural": 7, "requests.new.commercial": 2}, edit=_slips
    )
    out = _soffice(tmp_path, "xlsx", slips, blank(tmp_path))

    def at(key: str) -> str:
        return coord(FORMAT_2021, key)[1]

    checks = load_workbook(out / "slips.xlsx", data_only=True)[SHEET_CHECKS]
    listed = [checks.cell(row, 2).value for row in range(4, 4 + LIST_ROWS)]
    assert checks["B3"].value.startswith("有 5 处不平衡") and listed[5:] == [None] * (LIST_ROWS - 5)
    sheet = f"「{SHEET_REQUESTS}」"

    def r3_1(label: str, col: str, left: int, right: int) -> str:
        new, carried, processed, forward = (
            at(f"requests.{row}.{col}") for row in ("new", "carried_over", "total_processed", "carry_forward")
        )
        return (
            f"{sheet}列「{label}」：一+二（{new}+{carried}）= {left}，"
            f"（七）总计+四（{processed}+{forward}）= {right}，相差 {left - right}"
        )

    assert listed[:5] == [
        r3_1("自然人", "natural", 14, 15),
        r3_1("商业企业", "commercial", 2, 3),
        r3_1("总计", "total", 17, 19),
        f"{sheet}列「总计」：（七）总计 {at('requests.total_processed.total')}= 18，（一）至（六）"
        f"{at('requests.granted.total')}:{at('requests.other_3.total')} 之和= 107，相差 -89",
        f"{sheet}行「（一）予以公开」：总计 {at('requests.granted.total')}= 99，"
        f"{at('requests.granted.natural')}:{at('requests.granted.other_org')} 之和= 10，相差 89",
    ]
    # Python's checker finds the same columns and the same typed-over total.
    python = check(read_form(out / "slips.xlsx"))
    assert sorted(f.where.split("列「")[1].split("」")[0] for f in python if f.rule == "R3-1") == ["商业企业", "自然人"]
    assert any(f.rule == "R3-3" and at("requests.granted.total") in f.where for f in python)

    empty = load_workbook(out / "blank.xlsx", data_only=True)[SHEET_CHECKS]
    assert empty["B3"].value.startswith("尚未填写")
    results = {r[5].value for r in empty.iter_rows(min_row=4 + LIST_ROWS + 2) if r[0].value in ("R3-1", "R4-1")}
    assert results == {"尚未填写"}


def _font_sizes(pdf: Path) -> list[tuple[str, bool, float]]:
    """Per page: its text, whether it is landscape, and the smallest size any text is printed at (pt)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        sizes: list[float] = []

        def visit(text, cm, tm, font, size, sizes=sizes):
            if text.strip():
                sizes.append(abs(size * (tm[2] * cm[1] + tm[3] * cm[3])))

        text = page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append((text, box.width > box.height, min(sizes)))
    return pages


@pytest.mark.libreoffice
def test_basic_information_and_section_3_print_at_9_pt_or_more(tmp_path):
    """Printed from a spreadsheet program (LibreOffice here; where Calibri is missing its columns are even wider)."""
    report = read_data_file(BUSY)
    form = tmp_path / "填报表.xlsx"
    write_form(form, report.format, report)
    pages = _font_sizes(_soffice(tmp_path, "pdf", form) / "填报表.pdf")
    basic = [p for p in pages if "基本信息" in p[0] and "收取信息处理费的申请件数" in p[0]]
    requests = [p for p in pages if HEADINGS[2] in p[0] and "（本列数据的勾稽关系" in p[0]]
    assert len(basic) == 1 and basic[0][2] >= 9
    [(text, landscape, smallest)] = requests  # section 三 whole on one landscape page
    assert landscape and smallest >= 9 and "四、结转下年度继续办理" in text
    assert all(smallest >= 9 for _, _, smallest in pages), [round(p[2], 1) for p in pages]


def test_a_fee_typed_while_not_collected_is_one_clear_finding(tmp_path):
    values = {**basic_values(), "fees.amount": "50元", "fees.cases": 2, "prose.other": "本年度未收取信息处理费。"}
    report = read_form(fill(blank(tmp_path), tmp_path / "fee.xlsx", values))
    about_fees = [f for f in check(report) if f.path.startswith("fees") or "信息处理费" in f.message]
    assert [f.rule for f in about_fees] == ["R6-1"], [f.text() for f in about_fees]
    finding = about_fees[0]
    assert finding.severity == ERROR and finding.where.startswith(f"工作表「{SHEET_BASIC}」单元格 B")
    assert "「否」" in finding.message and "金额 50元、件数 2件" in finding.message and "改为「是」" in finding.message


def test_amounts_are_echoed_as_typed_or_plain_never_in_scientific_notation(tmp_path):
    values = {
        **basic_values(),
        "fees.collected": "是",
        "fees.amount": "50元",
        "active.fees.amount": "=25*2",
        "prose.other": "本年度未收取信息处理费。",
    }
    form = fill(blank(tmp_path), tmp_path / "fee.xlsx", values)
    set_cached(form, SHEET_ACTIVE, coord(FORMAT_2021, "active.fees.amount")[1], 50)
    report = read_form(form)
    texts = [f.text() for f in check(report)]
    assert not [t for t in texts if re.search(r"\dE[+-]\d", t)], texts
    assert any("「50元」已按 50 处理" in t for t in texts)  # what was typed, then the plain number
    assert any("算出的 50 处理" in t for t in texts)
    assert any(t.startswith("提醒 [T-1 正文与表格]") and "已收取 50 元" in t for t in texts)


@pytest.mark.libreoffice
def test_checks_sheet_and_check_agree_when_numbers_are_typed_as_text(tmp_path):
    """「3件」, 「１」 in number cells: check reads them (with a note); the sheet's formulas cannot, so it never
    says 不平衡 for their lines, names every such cell by address, and never says 全部平衡 either."""
    report = read_data_file(BUSY)
    clean = tmp_path / "clean.xlsx"
    write_form(clean, report.format, report)
    natural, commercial = report.number("requests.new.natural"), report.number("requests.granted.commercial")
    typed = {
        "requests.new.natural": f"{natural}件",
        "requests.granted.commercial": f"{commercial}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }
    text = fill(clean, tmp_path / "text.xlsx", typed)
    # and a real imbalance beside text cells: 商业企业 (text) keeps its line unchecked, 科研机构 is unbalanced
    both = fill(
        clean, tmp_path / "both.xlsx", {**typed, "requests.new.research": report.number("requests.new.research") + 1}
    )
    out = _soffice(tmp_path, "xlsx", text, both)

    checks = load_workbook(out / "text.xlsx", data_only=True)[SHEET_CHECKS]
    python = check(read_form(out / "text.xlsx"))
    assert not [f for f in python if f.severity == ERROR]
    verdict = checks["B3"].value
    assert verdict.startswith("未能全部校验") and "全部平衡" not in verdict and "没有发现" not in verdict
    assert "有 2 个数字单元格填的是文字" in verdict
    rows = list(checks.iter_rows(values_only=True))
    statuses = [r[5] for r in rows if r[0] in ("R3-1", "R3-2", "R3-3", "R4-1")]
    assert not [s for s in statuses if str(s).startswith("不平衡")]
    assert any(str(s).startswith("未校验") for s in statuses)
    listed = " ".join(str(r[0]) for r in rows if r[0] and str(r[0]).startswith(f"「{SHEET_REQUESTS}」"))
    for key in typed:
        assert coord(FORMAT_2021, key)[1] + " " in listed

    checks = load_workbook(out / "both.xlsx", data_only=True)[SHEET_CHECKS]
    python = [f for f in check(read_form(out / "both.xlsx")) if f.rule == "R3-1"]
    assert [f.where.split("列「")[1].split("」")[0] for f in python] == ["科研机构"]
    assert checks["B3"].value.startswith("有 1 处不平衡")  # 科研机构; 总计 holds text cells: not checked
    assert "列「科研机构」" in checks["B4"].value


def test_prose_carried_by_previous_is_marked_and_flagged_until_rewritten(tmp_path):
    path = tmp_path / "2026.xlsx"
    result = run_cli("form", "--previous", str(BUSY), "-o", str(path))
    assert result.code == 0 and "2025年报告的原文" in result.out
    wb = load_workbook(path)
    sheet, ref = coord(FORMAT_2021, "prose.problems")
    label = wb[sheet].cell(wb[sheet][ref].row, 1).value
    assert "此格是2025年报告的原文" in label
    carried = [f for f in read_form(path).read_findings if f.rule == "T-2"]
    assert "prose.problems" in {f.path for f in carried} and all("2025年报告的原文" in f.message for f in carried)
    rewritten = fill(path, tmp_path / "rewritten.xlsx", {"prose.problems": "一是栏目更新不及时。下一步将加强巡查。"})
    again = [f.path for f in read_form(rewritten).read_findings if f.rule == "T-2"]
    assert "prose.problems" not in again and len(again) == len(carried) - 1
