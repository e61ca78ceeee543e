"""The form's 校验 sheet (recalculated by LibreOffice) and ``check`` agree on every cell content ``check`` accepts.

A matrix of what clerks put in number cells — text numbers 「12件」「１２」「 12 」「12.0」「-0」「1,234」, a blank, a
word, real numbers — each alone and beside a real imbalance elsewhere. Agreement means: the sheet never says
全部平衡 while ``check`` has an error; every line the sheet calls 不平衡 is one ``check`` reports (the 总计 column
follows the columns); every line ``check`` reports is 不平衡 or 未校验 on the sheet; and every cell the formulas
cannot count is named by address under a verdict that says not everything was checked.
"""

from __future__ import annotations

import pytest
from conftest import BUSY
from helpers import soffice_convert
from openpyxl import load_workbook
from test_excel_form import coord, fill

from generator.checks import check
from generator.findings import ERROR
from generator.formats import FORMAT_2021
from generator.inputs.datafile import read_data_file
from generator.inputs.excel import read_form, write_form
from generator.inputs.excel.layout import SHEET_CHECKS

NATURAL, RESEARCH, COMMERCIAL = "requests.new.natural", "requests.new.research", "requests.new.commercial"
BALANCE_RULES = ("R3-1", "R3-2", "R3-3", "R4-1")

# name -> (cells typed, text cells the sheet must list, the R3-1 columns check must find unbalanced)
CASES = {
    "units": ({NATURAL: "12件"}, [NATURAL], set()),
    "full_width": ({NATURAL: "１２"}, [NATURAL], set()),
    "spaces": ({NATURAL: " 12 "}, [NATURAL], set()),
    "decimal_text": ({NATURAL: "12.0"}, [NATURAL], set()),
    "minus_zero_text": ({RESEARCH: "-0"}, [RESEARCH], set()),
    "thousands": ({NATURAL: "1,234"}, [NATURAL], {"自然人"}),
    "blank": ({NATURAL: None}, [], {"自然人"}),
    "word": ({NATURAL: "有"}, [NATURAL], set()),
    "float": ({NATURAL: 12.0}, [], set()),
    "minus_zero": ({RESEARCH: -0.0}, [], set()),
    "formula": ({NATURAL: "=5+7"}, [], set()),  # a sum typed into an input cell: both read its result
    "formula_off_by_one": ({NATURAL: "=5+8"}, [], {"自然人"}),
    "text_formula": ({NATURAL: '="12"'}, [NATURAL], set()),  # a formula giving text: not counted by either SUM
    "units_and_imbalance": ({NATURAL: "12件", COMMERCIAL: 4}, [NATURAL], {"商业企业"}),
    "units_beside_an_imbalance_in_their_column": (
        {NATURAL: "12件", "requests.granted.natural": 7},
        [NATURAL],
        {"自然人"},
    ),
    "full_width_and_imbalance": ({COMMERCIAL: "４", RESEARCH: 1}, [COMMERCIAL], {"商业企业", "科研机构"}),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("agreement")
    report = read_data_file(BUSY)
    clean = tmp / "clean.xlsx"
    write_form(clean, report.format, report)
    forms = [fill(clean, tmp / f"{name}.xlsx", typed) for name, (typed, _, _) in CASES.items()]
    return soffice_convert("xlsx", *forms, outdir=tmp / "lo")


def _sheet(path):
    ws = load_workbook(path, data_only=True)[SHEET_CHECKS]
    rows = list(ws.iter_rows(values_only=True))
    lines = {(r[0], r[1]): str(r[5]) for r in rows if r[0] in BALANCE_RULES}
    listed = " ".join(str(r[0]) for r in rows if r[0] and str(r[0]).startswith("「") and "」 " in str(r[0]))
    return str(ws["B3"].value), lines, listed


def _item(finding) -> str:
    return finding.where.rsplit(" · ", 1)[-1].split("（")[0]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_checks_sheet_and_check_agree(recalculated, name):
    typed, text_cells, unbalanced = CASES[name]
    verdict, lines, listed = _sheet(recalculated / f"{name}.xlsx")
    findings = check(read_form(recalculated / f"{name}.xlsx"))
    errors = [f for f in findings if f.severity == ERROR]
    balance_errors = {(f.rule, _item(f)) for f in errors if f.rule in BALANCE_RULES}

    assert {item for rule, item in balance_errors if rule == "R3-1"} == {f"列「{c}」" for c in unbalanced}
    bad = {key for key, status in lines.items() if status.startswith("不平衡")}
    columns = {key for key in bad if key != ("R3-1", "列「总计」")}
    assert columns <= balance_errors, (bad, balance_errors)
    assert (("R3-1", "列「总计」") in bad) <= bool(columns), "the 总计 column is unbalanced only through a column"
    for key in balance_errors:
        assert lines[key].startswith(("不平衡", "未校验")), (key, lines[key])
    if errors:
        assert "全部平衡" not in verdict, (verdict, [f.text() for f in errors])
    if text_cells:
        assert verdict.startswith(("未能全部校验", "有 ")), verdict
        assert f"有 {len(text_cells)} 个数字单元格填的是文字" in verdict
        for key in text_cells:
            assert coord(FORMAT_2021, key)[1] + " " in listed, (key, listed)
    elif not errors:
        assert verdict == "全部平衡", verdict
    if bad:
        assert verdict.startswith(f"有 {len(bad)} 处不平衡"), verdict
