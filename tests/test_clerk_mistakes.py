"""New clerk mistakes of the kinds the clerk trial found: each is used as given, converted with both values shown,
or refused naming the cell — never silently altered. One test per class of mistake, in every entry path it reaches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import report_of

from generator.cells import read_number
from generator.checks import check
from generator.findings import ERROR, WARNING
from generator.formats import AMOUNT, COUNT, SIGNED
from generator.numbers import parse_date
from generator.render import render

WHERE = "工作表「三、依申请公开」单元格 D6（本年新收政府信息公开申请数量 · 自然人）"


def _refused(raw: str, kind: str = COUNT, path: str = "requests.new.natural"):
    cell = read_number(raw, kind, WHERE, path)
    assert cell.value is None, (raw, cell.value)
    assert cell.finding.severity == ERROR and cell.finding.where == WHERE
    assert f"「{raw.strip()}」" in cell.finding.message
    return cell.finding.message


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("约5件", "约数"),
        ("5件左右", "约数"),
        ("近20件", "约数"),
        ("10余件", "约数"),
        ("5-6件", "范围"),
        ("5～6", "范围"),
        ("3至4件", "范围"),
        ("50%", "百分比"),
        ("５０％", "百分比"),
        ("2026.1.5", "日期"),
        ("2026年1月5日", "日期"),
        ("(5)", "括号"),
        ("1,5", "逗号"),
        ("12,50", "逗号"),
        ("五件", "不是数字：中文数字请写成阿拉伯数字 5"),
        ("十二", "阿拉伯数字 12"),
        ("1万", "10000"),
        ("1.2万件", "万"),
        ("5件。", "不是数字"),
        ("N/A", "不是数字"),
        ("¥50", "件数"),
        ("15000.00元", "件数"),
    ],
)
def test_a_count_cell_refuses_estimates_ranges_percentages_dates_and_words_saying_why(raw, why):
    message = _refused(raw)
    assert why in message and "，请填写数字，请" not in message


@pytest.mark.parametrize(
    ("raw", "why"),
    [("约1500元", "约数"), ("1000-2000元", "范围"), ("5%", "百分比"), ("1.5万", "不明确"), ("伍仟元", "不是数字")],
)
def test_an_amount_cell_refuses_what_has_no_exact_value(raw, why):
    assert why in _refused(raw, AMOUNT, "fees.amount")


@pytest.mark.parametrize(
    ("raw", "value", "shown"),
    [
        ("15000.00元", 15000, "已去掉单位「元」"),
        ("¥5000", 5000, "「¥」表示元"),
        ("￥1.5万元", None, "既有「¥」又有单位"),
    ],
)
def test_money_signs_and_units_in_a_yuan_cell(raw, value, shown):
    cell = read_number(raw, AMOUNT, WHERE, "fees.amount")
    assert cell.value == value and shown in cell.finding.message


def test_a_yuan_sign_in_a_wan_yuan_column_is_converted_with_both_values():
    cell = read_number("¥5000", AMOUNT, WHERE, "active.fees.amount")
    assert cell.value == Decimal("0.5") and cell.finding.severity == WARNING
    assert "填写「¥5000」，已换算为 0.5 万元" in cell.finding.message


@pytest.mark.parametrize(("raw", "value"), [("/", 0), ("—", 0), ("——", 0), ("--", 0), ("无", 0), ("0件", 0)])
def test_nothing_happened_written_as_words_or_dashes_is_zero_with_what_was_typed_shown(raw, value):
    cell = read_number(raw, COUNT, WHERE, "requests.new.natural")
    assert cell.value == value and cell.finding.severity == WARNING and f"「{raw}」已按 0 处理" in cell.finding.message


@pytest.mark.parametrize("raw", ["-0", "－0", "-0.00"])
def test_minus_zero_is_zero_and_never_printed_as_minus_zero(raw, busy_dict):
    for kind, path in ((COUNT, "requests.new.natural"), (SIGNED, "active.licensing.change"), (AMOUNT, "fees.amount")):
        cell = read_number(raw, kind, WHERE, path)
        if kind != COUNT or "." not in raw:
            assert cell.value == 0 and str(cell.value) == "0", (raw, kind, cell.value)
    busy_dict["active"]["fees"] = {"amount": raw}
    html = render(report_of(busy_dict), "html").decode()
    assert ">-0<" not in html


def test_dates_as_clerks_type_them():
    assert parse_date("2026.1.5") == date(2026, 1, 5)
    assert parse_date("2026年1月5号") == date(2026, 1, 5)
    assert parse_date("２０２６年１月５日") == date(2026, 1, 5)
    assert parse_date("一月五日") is None and parse_date("45678") is None  # no year; a serial only in a form


@pytest.mark.parametrize("raw", ["一月五日", "1月5日", "45678", "2026-02-30"])
def test_a_date_without_a_year_or_not_a_date_is_refused_in_the_data_file(raw, busy_dict):
    from generator.inputs import InputError

    busy_dict["publication_date"] = raw
    with pytest.raises(InputError, match=f"发布日期「{raw}」不是有效日期"):
        report_of(busy_dict)


def _a2(report) -> list:
    return [f for f in check(report) if f.rule == "A-2"]


@pytest.mark.parametrize(
    "name", ["青石街道办事处（盖章）", "青石街道办事处(公章)", "青石街道办事处 （盖章）", "青石街道办事处盖章"]
)
def test_the_agency_name_with_a_seal_note_is_an_error(name, busy_dict):
    busy_dict["agency"]["name"] = name
    [finding] = _a2(report_of(busy_dict))
    assert finding.severity == ERROR and "标题" in finding.message and finding.path == "agency.name"


@pytest.mark.parametrize("key", ["name", "address", "parent", "phone"])
def test_a_pasted_paragraph_in_a_one_line_detail_is_an_error_naming_the_field(key, busy_dict):
    value = busy_dict["agency"][key]
    busy_dict["agency"][key] = value[:3] + "\n" + value[3:]
    [finding] = _a2(report_of(busy_dict))
    assert finding.severity == ERROR and finding.path == f"agency.{key}" and f"「{value}」" in finding.message


def test_clean_details_and_imported_reports_have_no_a2(busy_dict):
    assert not _a2(report_of(busy_dict))
    busy_dict["agency"]["address"] = "江宁区\n青石路88号"
    assert not _a2(report_of(busy_dict).evolve(headings=("一、总体情况",)))


@pytest.mark.parametrize(
    "phone", ["025-52100000转8001", "０２５-５２１０００００", "025-52100000-8001", "025-52100000、13800000000"]
)
def test_phone_numbers_with_extensions_or_full_width_digits_are_used_as_given(phone, busy_dict):
    busy_dict["agency"]["phone"] = phone
    report = report_of(busy_dict)
    assert report.agency.phone == phone
    assert not [f for f in check(report) if f.path == "agency.phone"]


REQUESTS_PROSE = "2025年，本街道共收到政府信息公开申请{}，上年结转2件，办结17件，结转下年度继续办理1件。"


@pytest.mark.parametrize(
    ("said", "differs"),
    [("1.2万件", True), ("十五件", True), ("１５件", True), ("十六件", False), ("16件", False), ("一十六件", False)],
)
def test_prose_figures_in_wan_chinese_numerals_or_full_width_are_compared(said, differs, busy_dict):
    busy_dict["prose"]["overview"]["requests"] = REQUESTS_PROSE.format(said)
    t1 = [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]
    assert bool(t1) == differs, [f.text() for f in t1]
    if differs:
        assert f"收到政府信息公开申请{said}" in t1[0].message and "本年新收申请 16 件" in t1[0].message


@pytest.mark.parametrize(
    "sentence",
    ["对每一件申请均按时答复。", "逐一答复申请人，第一件申请当日办结。", "收到申请件数同比增长二十个百分点。"],
)
def test_words_that_contain_numerals_are_not_claims(sentence, busy_dict):
    busy_dict["prose"]["overview"]["requests"] += sentence
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "T-1"]


@pytest.mark.parametrize("raw", ["15000.00", "15000", 150000, "1.5亿元"])
def test_a_yuan_sized_number_in_a_wan_yuan_column_is_used_as_given_with_both_readings_shown(raw, busy_dict):
    busy_dict["active"]["fees"] = {"amount": raw}
    report = report_of(busy_dict)
    value = report.number("active.fees.amount")
    assert value == (15000 if raw == "1.5亿元" else Decimal(str(raw)))
    [finding] = [f for f in check(report) if f.rule == "R2-2"]
    yi = format(Decimal(value) / 10_000, "f").rstrip("0").rstrip(".")
    assert finding.severity == WARNING and finding.path == "active.fees.amount"
    assert f"（{yi} 亿元）" in finding.message and f"应改为 {yi}" in finding.message


@pytest.mark.parametrize("raw", ["9999", "9999.99", 0])
def test_no_size_reminder_below_one_yi(raw, busy_dict):
    busy_dict["active"]["fees"] = {"amount": raw}
    assert not [f for f in check(report_of(busy_dict)) if f.rule == "R2-2"]


def test_in_the_form_the_seal_note_and_a_line_break_are_errors_naming_the_cell(tmp_path):
    from test_excel_form import basic_values, blank, coord, fill

    from generator.formats import FORMAT_2021
    from generator.inputs.excel import read_form

    values = {
        **basic_values(name="青石街道办事处（盖章）"),
        "agency.address": "江宁区青石街道\n青石路88号",
        "publication_date": "2026年1月20号",
    }
    report = read_form(fill(blank(tmp_path), tmp_path / "form.xlsx", values))
    assert report.publication_date == date(2026, 1, 20)
    found = {f.path: f for f in _a2(report)}
    assert set(found) == {"agency.name", "agency.address"}
    for key, finding in found.items():
        assert f"单元格 {coord(FORMAT_2021, key)[1]}" in finding.where and finding.severity == ERROR


def test_in_the_form_an_excel_date_serial_is_read_with_both_values_shown(tmp_path):
    from test_excel_form import basic_values, blank, coord, fill

    from generator.formats import FORMAT_2021
    from generator.inputs.excel import read_form

    def general(wb):  # the cell's date format lost (pasted over): Excel shows and stores the bare serial
        sheet, ref = coord(FORMAT_2021, "publication_date")
        wb[sheet][ref].number_format = "General"

    values = {**basic_values(), "publication_date": 46042}
    report = read_form(fill(blank(tmp_path), tmp_path / "form.xlsx", values, edit=general))
    assert report.publication_date == date(2026, 1, 20)
    [note] = [f for f in report.read_findings if f.path == "publication_date"]
    assert note.severity == WARNING and "「46042」是 Excel 的日期序号，已按 2026-01-20 读取" in note.message


@pytest.mark.parametrize("raw", ["1\n2", "1\t2", "5件\n（含结转1件）"])
def test_two_values_in_one_number_cell_are_refused_not_glued(raw):
    cell = read_number(raw, COUNT, WHERE, "requests.new.natural")
    assert cell.value is None and cell.finding.severity == ERROR and cell.finding.where == WHERE
    assert "一格里有换行或制表符隔开的几项" in cell.finding.message


@pytest.mark.parametrize(
    ("year", "stale"),
    [
        ("2023", True),
        ("２０２３", True),
        ("二〇二三", True),
        ("二零二三", True),
        ("二〇二五", False),
        ("二〇二四", False),
    ],
)
def test_a_stale_year_in_full_width_or_chinese_digits_is_found(year, stale, busy_dict):
    busy_dict["prose"]["overview"]["requests"] = (
        f"{year}年，本街道全年收到政府信息公开申请16件，上年结转2件，办结17件。"
    )
    t5 = [f for f in check(report_of(busy_dict)) if f.rule == "T-5"]
    assert bool(t5) == stale and (not stale or f"「{year}年」" in t5[0].message)
