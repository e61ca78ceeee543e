"""A formula in a roster or form cell whose result was never saved (issue 19): read with cached values it looks
empty, so it is named as a formula with the fix — never 「没有填写」, never a blank read as 0."""

from __future__ import annotations

import pytest
from conftest import BUSY, example_dict, report_of
from helpers import run_cli
from openpyxl import load_workbook

from generator.formats import FORMAT_2021
from generator.inputs.excel import write_form
from generator.inputs.excel.layout import name_for
from generator.inputs.roster import ROSTER_SHEET, RowError, iter_roster, read_layout, write_roster
from generator.spreadsheets import sheet_extras


def roster(tmp_path, cells: dict[str, str]):
    """A two-unit roster whose second unit's cells (by column key) are replaced by formulas, saved by openpyxl
    (which calculates nothing, so no result is saved)."""
    path = tmp_path / "汇总.xlsx"
    write_roster(path, FORMAT_2021, force=True, reports=[report_of(example_dict(BUSY))] * 2)
    wb = load_workbook(path)
    sheet = wb[ROSTER_SHEET]
    layout = read_layout([tuple(c.value for c in row) for row in sheet.iter_rows(max_row=2)])
    for key, formula in cells.items():
        sheet.cell(row=4, column=layout.index_of(key) + 1, value=formula)
    wb.save(path)
    return path


def second_row(path):
    rows = dict(iter_roster(path))
    return rows[4]


NAME = '=HYPERLINK("http://www.example.gov.cn","青石街道办事处")'


def test_a_hyperlink_formula_in_a_roster_name_cell_is_named_never_not_filled(tmp_path):
    row = second_row(roster(tmp_path, {"agency.name": NAME}))
    assert isinstance(row, RowError)
    assert "是公式「=HYPERLINK(" in str(row) and "没有填写" not in str(row) and "选择性粘贴" in str(row)


def test_a_formula_in_a_roster_number_cell_stays_unread_never_zero(tmp_path):
    path = roster(tmp_path, {"agency.phone": "=A3", "active.rules.issued": "=SUM(B3:C3)"})
    report = second_row(path)
    assert report.number("active.rules.issued") is None
    assert report.unread["active.rules.issued"] == "=SUM(B3:C3)"
    messages = [(f.rule, f.path, f.message) for f in report.read_findings]
    assert any(r == "R0-1" and p == "active.rules.issued" and "=SUM(B3:C3)" in m for r, p, m in messages)
    assert any(p == "agency.phone" and "是公式「=A3」" in m for _, p, m in messages)
    assert not any("空白" in m and "active.rules.issued" in m for _, _, m in messages)
    first = dict(iter_roster(path))[3]
    assert first.number("active.rules.issued") == report_of(example_dict(BUSY)).number("active.rules.issued")


def test_a_formula_with_a_saved_text_result_is_read_as_shown(tmp_path):
    path = roster(tmp_path, {})
    import zipfile

    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    xml = parts[sheet].decode()
    # the name cell of row 4 becomes a formula whose cached text result Excel saved
    start = xml.index('<c r="A4"')
    end = xml.index("</c>", start) + 4
    parts[sheet] = (
        xml[:start] + '<c r="A4" t="str"><f>"青石"&amp;"街道办事处"</f><v>青石街道办事处</v></c>' + xml[end:]
    ).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    assert sheet_extras(path, sheet).formulas == {}
    assert second_row(path).agency.name == "青石街道办事处"


def test_shared_formulas_without_results_are_found_with_their_text(tmp_path):
    import zipfile

    path = tmp_path / "s.xlsx"
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="3"><c r="B3"><f t="shared" ref="B3:B4" si="0">A3*2</f></c></row>'
        '<row r="4"><c r="B4"><f t="shared" si="0"/></c><c><f>1+1</f><v>2</v></c><c><f>NOW()</f></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/worksheets/sheet1.xml", xml)
    assert sheet_extras(path, "xl/worksheets/sheet1.xml").formulas == {3: {2: "=A3*2"}, 4: {2: "=A3*2", 4: "=NOW()"}}


def test_batch_names_the_formula_cell_and_counts_the_unit_as_unreadable(tmp_path):
    path = roster(tmp_path, {"agency.name": NAME})
    result = run_cli("batch", path, "-o", tmp_path / "out", "--to", "html")
    assert result.code == 1, result.err
    text = result.out + result.err
    assert "Traceback" not in text and "内部错误" not in text
    assert "单元格 A4（基本信息 · 机关名称）：是公式「=HYPERLINK(" in text
    assert "未提交" not in text.split("有错误的单位没有生成报告")[0].split("=HYPERLINK(")[-1]  # not a unit of its own
    assert not [p for p in (tmp_path / "out").iterdir() if "HYPERLINK" in p.name]


def form(tmp_path, key: str, formula: str):
    path = tmp_path / "填报表.xlsx"
    write_form(path, FORMAT_2021, report=report_of(example_dict(BUSY)), force=True)
    wb = load_workbook(path)
    sheet, ref = next(wb.defined_names[name_for(key)].destinations)
    wb[sheet][ref.replace("$", "")] = formula
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("key", "formula", "code"),
    [("year", "=2024+1", 2), ("publication_date", "=TODAY()", 1), ("agency.address", "=B2&B3", 1)],
    ids=["year", "date", "address"],
)
def test_a_formula_without_a_result_in_a_form_is_named(tmp_path, key, formula, code):
    result = run_cli("check", form(tmp_path, key, formula))
    assert result.code == code, (result.out, result.err)
    text = result.out + result.err
    assert f"是公式「{formula}」" in text and "没有填写" not in text.split("是公式")[0][-40:]
    assert "Traceback" not in text and "内部错误" not in text
