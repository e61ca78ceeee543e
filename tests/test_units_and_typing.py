"""Amounts typed with a unit are converted to the cell's unit (both values shown); numbers as Office types them."""

import pytest
from conftest import report_of

from generator.cells import read_number
from generator.findings import ERROR, WARNING
from generator.formats import AMOUNT, COUNT, SIGNED, amount_unit
from generator.render import render


def test_amount_units_of_the_cells():
    assert amount_unit("fees.amount") == "元"
    assert amount_unit("active.fees.amount") == "万元"
    assert amount_unit("active.procurement.amount") == "元"
    assert amount_unit("requests.new.natural") == ""


@pytest.mark.parametrize(
    ("raw", "path", "value", "shown"),
    [
        ("1.5万元", "fees.amount", 15000, "已换算为 15000 元"),
        ("5000元", "active.fees.amount", 0.5, "已换算为 0.5 万元"),
        ("2千元", "active.procurement.amount", 2000, "已换算为 2000 元"),
        ("1亿元", "active.fees.amount", 10000, "已换算为 10000 万元"),
        ("１．５万元", "fees.amount", 15000, "已换算为 15000 元"),
    ],
)
def test_an_amount_in_another_unit_is_converted_and_both_values_are_shown(raw, path, value, shown):
    cell = read_number(raw, AMOUNT, "某格", path)
    assert cell.value == pytest.approx(value)
    assert cell.finding.severity == WARNING
    assert f"填写「{raw}」" in cell.finding.message and shown in cell.finding.message


def test_an_amount_in_the_cells_own_unit_keeps_its_value():
    cell = read_number("0.5万元", AMOUNT, "某格", "active.fees.amount")
    assert cell.value == pytest.approx(0.5) and "已去掉单位「万元」" in cell.finding.message


@pytest.mark.parametrize("raw", ["1.5万", "3千"])
def test_an_unclear_unit_is_an_error_naming_the_cell(raw):
    cell = read_number(raw, AMOUNT, "基本信息 · 单元格 C12", "fees.amount")
    assert cell.value is None and cell.finding.severity == ERROR
    assert cell.finding.where == "基本信息 · 单元格 C12" and "不明确" in cell.finding.message


def test_a_money_unit_in_a_count_cell_is_an_error():
    cell = read_number("3元", COUNT, "某格", "requests.new.natural")
    assert cell.value is None and cell.finding.severity == ERROR


def test_data_file_amounts_are_converted_in_the_rendered_report(busy_dict):
    busy_dict["fees"] = {"collected": True, "amount": "1.5万元", "cases": 1}
    busy_dict["active"]["fees"] = {"amount": "5000元"}
    report = report_of(busy_dict)
    assert report.fees.amount == 15000
    assert report.number("active.fees.amount") == pytest.approx(0.5)
    html = render(report, "html").decode()
    assert "15000" in html
    messages = [f.message for f in report.read_findings]
    assert any("已换算为 15000 元" in m for m in messages)
    assert any("已换算为 0.5 万元" in m for m in messages)


@pytest.mark.parametrize(
    ("raw", "value", "named"),
    [
        ("−3", -3, "U+2212"),
        ("－3", -3, "全角"),
        ("12\u200b", 12, "「12」后面有一个看不见的字符（零宽空格 U+200B）"),
        ("\ufeff12", 12, "字节顺序标记 BOM U+FEFF"),
        ("1\u00ad2", 12, "软连字符 U+00AD"),
        ("١٢", 12, "阿拉伯-印度数字"),
        ("۱۲", 12, "波斯数字"),
    ],
)
def test_numbers_as_office_types_them_are_read_with_a_reminder_naming_what_was_done(raw, value, named):
    cell = read_number(raw, SIGNED, "某格", "active.licensing.change")
    assert cell.value == value
    assert cell.finding.severity == WARNING and named in cell.finding.message


def test_form_amounts_are_converted_and_the_message_names_the_cell(tmp_path):
    from conftest import BUSY
    from openpyxl import load_workbook

    from generator.inputs.datafile import read_data_file
    from generator.inputs.excel import read_form, write_form
    from generator.inputs.excel.layout import name_for

    report = read_data_file(BUSY)
    path = tmp_path / "form.xlsx"
    write_form(path, report.format, report)
    wb = load_workbook(path)
    for key, typed in (("fees.collected", "是"), ("fees.amount", "1.5万元"), ("active.fees.amount", "5000元")):
        sheet, ref = next(wb.defined_names[name_for(key)].destinations)
        cell = wb[sheet][ref.replace("$", "")]
        cell.value, cell.data_type = typed, "s"
    wb.save(path)
    again = read_form(path)
    assert again.fees.amount == 15000 and again.number("active.fees.amount") == pytest.approx(0.5)
    converted = [f for f in again.read_findings if "已换算" in f.message]
    assert len(converted) == 2 and all("单元格" in f.where for f in converted)


def test_roster_amounts_are_converted():
    from generator.formats import FORMAT_2021
    from generator.inputs.roster import RosterLayout, report_from_row, roster_columns

    columns = roster_columns(FORMAT_2021)
    layout = RosterLayout("2021", "汇总", tuple(enumerate(columns)))
    values = [None] * len(columns)
    for i, col in enumerate(columns):
        values[i] = {
            "agency.name": "青石街道办事处",
            "year": 2025,
            "fees.amount": "1.5万元",
            "active.fees.amount": "5000元",
        }.get(col.key, 0 if col.kind in ("count", "amount") else None)
    report = report_from_row(layout, 3, tuple(values))
    assert report.fees.amount == 15000 and report.number("active.fees.amount") == pytest.approx(0.5)
    assert any("已换算为 15000 元" in f.message for f in report.read_findings)


@pytest.mark.parametrize(("raw", "hint"), [("三十", "30"), ("十二件", "12"), ("两", "2"), ("1万", "10000")])
def test_chinese_numerals_and_bare_wan_in_a_count_are_refused_with_what_to_write(raw, hint):
    cell = read_number(raw, COUNT, "某格", "requests.new.natural")
    assert cell.value is None and cell.finding.severity == ERROR and hint in cell.finding.message
