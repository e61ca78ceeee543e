"""Layouts real portals publish, one synthetic fixture each (tests/fixtures/import): every number read
right, nothing invented, and what cannot be read is said, never counted as 0."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.checks import check
from generator.findings import ERROR, WARNING
from generator.formats import FORMAT_2019, FORMAT_2021
from generator.inputs.importer import build_report, import_report
from generator.inputs.importer.pdf import items_from_pages, items_from_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"

# The numbers every fixture's section 三 (2021 format) is built from: natural, …, other_org, total.
REQUESTS_2021 = {
    "new": [31, 0, 0, 0, 2, 0, 33],
    "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "granted": [10, 0, 0, 0, 1, 0, 11],
    "partial": [2, 0, 0, 0, 0, 0, 2],
    "denied_5": [1, 0, 0, 0, 0, 0, 1],
    "unable_1": [12, 0, 0, 0, 1, 0, 13],
    "unable_2": [3, 0, 0, 0, 0, 0, 3],
    "not_processed_2": [1, 0, 0, 0, 0, 0, 1],
    "other_3": [1, 0, 0, 0, 0, 0, 1],
    "total_processed": [30, 0, 0, 0, 2, 0, 32],
    "carry_forward": [2, 0, 0, 0, 0, 0, 2],
}
ACTIVE_2021 = {
    "active.rules.issued": 0,
    "active.rules.repealed": 0,
    "active.rules.in_force": 0,
    "active.normative_docs.issued": 3,
    "active.normative_docs.repealed": 1,
    "active.normative_docs.in_force": 12,
    "active.licensing.decisions": 156,
    "active.penalty.decisions": 20,
    "active.coercion.decisions": 2,
    "active.fees.amount": Decimal("1.5"),
}
APPEALS = dict(
    zip(
        [
            f"appeals.{r}.{c}"
            for r in ("review", "litigation_direct", "litigation_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")
        ],
        [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
        strict=True,
    )
)
COLUMNS = ("natural", "commercial", "research", "public_interest", "legal", "other_org", "total")


def requests_2021(**changed) -> dict:
    rows = {r.key: [0] * 7 for r in FORMAT_2021.requests.rows}
    rows.update(REQUESTS_2021, **changed)
    return {
        f"requests.{row}.{col}": value
        for row, values in rows.items()
        for col, value in zip(COLUMNS, values, strict=True)
    }


def read(report, paths) -> dict:
    return {p: None if p in report.unread else report.typed_totals.get(p, report.numbers.get(p)) for p in paths}


def load(name: str):
    path = FIXTURES / name
    if name.startswith("pdf-"):  # text as a PDF's text layer gives it, pages separated by form feeds
        return build_report(items_from_pages(path.read_text(encoding="utf-8").split("\f")), name)
    return import_report(path)


def rules(report, *ids, severity=None) -> list:
    return [f for f in check(report) if f.rule in ids and (severity is None or f.severity == severity)]


ARITHMETIC = ("R3-1", "R3-2", "R3-3", "R4-1")


# --- PDF text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["pdf-label-across-page-break.txt", "pdf-group-and-row-on-one-line.txt", "pdf-spaces-in-labels.txt"]
)
def test_pdf_text_layouts_read_every_row_of_section_3(name):
    report = load(name)
    expected = requests_2021()
    assert read(report, expected) == expected
    assert not [f for f in report.read_findings if f.rule in ("I-1", "I-2", "I-4") and f.path.startswith("requests")]
    assert not rules(report, *ARITHMETIC[:3])


def test_pdf_text_spaces_in_captions_and_labels():
    report = load("pdf-spaces-in-labels.txt")
    assert read(report, ACTIVE_2021) == ACTIVE_2021  # 「第二十条 第（一）项」, 「行政规范 性文件 3 1 12」


def test_page_break_inside_a_group_label_keeps_the_appeals_after_it():
    report = load("pdf-label-across-page-break.txt")
    assert read(report, APPEALS) == APPEALS
    assert report.prose["problems"] == "依申请公开答复规范性有待提高。"


@pytest.mark.parametrize("ruled", [True, False])
def test_pdf_tables_with_and_without_ruling_lines(tmp_path, ruled):
    """Ruled tables are read cell by cell (pdfplumber); without rules, narrow cells wrap their labels over
    lines (「一、本年新收政府信息公开申」「请数量 31 0 …」) and the text order is cut into rows."""
    from weasyprint import HTML

    html = (FIXTURES / "html-portal.html").read_text(encoding="utf-8")
    if ruled:
        html = html.replace("</head>", "<style>td { border: 1px solid black; }</style></head>")
    path = tmp_path / "tables.pdf"
    HTML(string=html).write_pdf(path)
    report = build_report(items_from_pdf(path), path.name)
    expected = {**requests_2021(), **ACTIVE_2021}
    assert read(report, expected) == expected
    assert not [f for f in check(report) if f.rule in ("G-1", *ARITHMETIC) and f.severity == ERROR]


@pytest.mark.parametrize("ruled", [True, False])
def test_pdf_blank_cell_is_seen_only_between_ruling_lines(tmp_path, ruled):
    """Ruling lines show a blank cell as blank (R0-2); text order cannot see it, so the row is not read.
    Neither way invents a number."""
    from weasyprint import HTML

    html = (FIXTURES / "html-portal.html").read_text(encoding="utf-8").replace("<td>156</td>", "<td></td>")
    if ruled:
        html = html.replace("</head>", "<style>td { border: 1px solid black; }</style></head>")
    path = tmp_path / "blank.pdf"
    HTML(string=html).write_pdf(path)
    report = build_report(items_from_pdf(path), path.name)
    assert report.number("active.licensing.decisions") is None
    [finding] = [f for f in report.read_findings if f.path.startswith("active.licensing")]
    assert finding.rule == ("R0-2" if ruled else "I-2") and finding.severity == ERROR
    assert report.number("active.penalty.decisions") == 20


def _picture_pdf(tmp_path) -> Path:
    """A PDF whose section 四 table is a picture (WeasyPrint draws the HTML; Pillow makes the picture)."""
    from PIL import Image
    from weasyprint import HTML

    picture = tmp_path / "table4.png"
    Image.new("RGB", (600, 180), "white").save(picture)
    html = (FIXTURES / "html-portal.html").read_text(encoding="utf-8").replace("table4.png", picture.as_uri())
    html = html.replace("</head>", "<style>td { border: 1px solid black; }</style></head>")  # ruled, as Word prints
    path = tmp_path / "picture.pdf"
    HTML(string=html).write_pdf(path)
    return path


def test_pdf_table_published_as_a_picture_is_said_to_be_one(tmp_path):
    report = build_report(items_from_pdf(_picture_pdf(tmp_path)), "picture.pdf")
    [finding] = [f for f in report.read_findings if f.rule == "I-1"]
    assert finding.path == "appeals" and "图片" in finding.message and "第" in finding.message
    assert all(report.number(p) is None for p in APPEALS if not p.endswith(".total"))
    expected = requests_2021()
    assert read(report, expected) == expected  # the ruled tables around it are read


# --- text ---------------------------------------------------------------------------------------


def test_tab_rows_with_a_blank_last_cell():
    report = load("text-tabs-blank-last-cell.txt")
    assert report.number("active.rules.in_force") is None
    assert "requests.carried_over.total" in report.unread
    blank = [f.path for f in report.read_findings if f.rule == "R0-2"]
    assert blank == ["active.rules.in_force", "requests.carried_over.total"]
    expected = requests_2021()
    del expected["requests.carried_over.total"]
    assert read(report, expected) == expected
    assert not rules(report, *ARITHMETIC, severity=ERROR)
    [unchecked] = rules(report, "R3-3")
    assert unchecked.severity == WARNING and unchecked.operands["未读取"] == ["requests.carried_over.total"]


def test_one_cell_per_line_with_empty_lines_for_blank_cells():
    report = load("text-cells-double-spaced.txt")
    assert read(
        report,
        [
            "active.rules.issued",
            "active.normative_docs.issued",
            "active.normative_docs.repealed",
            "active.normative_docs.in_force",
        ],
    ) == {
        "active.rules.issued": 0,
        "active.normative_docs.issued": 3,
        "active.normative_docs.repealed": None,
        "active.normative_docs.in_force": 12,
    }
    assert [f.path for f in report.read_findings if f.rule == "R0-2"] == ["active.normative_docs.repealed"]


def test_markdown_pipe_tables_and_a_reworded_first_heading():
    report = load("text-markdown-pipes.txt")
    assert report.format is FORMAT_2019 and report.year == 2020
    assert report.number("active.licensing.change") == 2 and report.number("active.penalty.change") == -1
    assert report.number("active.procurement.amount") == 85000
    assert report.number("requests.other.natural") == 1 and report.typed_totals["requests.total_processed.total"] == 32
    assert all(v is not None for v in report.numbers.values())
    assert report.headings[0] == "一、工作基本情况"
    assert not [f for f in check(report) if f.severity == ERROR]


def test_whole_page_on_one_line_with_cells_run_together():
    report = load("text-run-together.txt")
    assert (report.agency.name, report.year, str(report.publication_date)) == ("青山镇人民政府", 2022, "2023-01-18")
    assert report.agency.address == "青山县青山镇府前路1号"
    expected = {**requests_2021(), **APPEALS}
    assert read(report, expected) == expected
    # 「行政规范性文件3112」 fits 3 1 12, 31 1 2, 3 11 2 …: nothing is read, and the finding says why.
    [ambiguous] = [f for f in report.read_findings if f.rule == "I-7" and f.severity == ERROR]
    assert ambiguous.path == "active.normative_docs" and "不止一种" in ambiguous.message
    assert all(report.number(f"active.normative_docs.{c}") is None for c in ("issued", "repealed", "in_force"))
    assert report.number("active.licensing.decisions") == 156
    assert report.number("active.fees.amount") == Decimal("1.5")
    recovered = [f for f in report.read_findings if f.rule == "I-7" and f.severity == WARNING]
    assert len(recovered) == 3  # one note per table
    assert report.prose["overview.management"] == "严格执行审核制度。"  # sub-parts of a one-line 一 are found
    assert not rules(report, *ARITHMETIC, severity=ERROR) and not rules(report, "G-3", "G-5", "T-1")


@pytest.mark.parametrize(
    "table,printed,spoiled,why",
    [
        ("appeals", "100120100100000", "11000110100100000", "不止一种"),  # review fits 11 0 0 0 11 and 1 10 0 0 11
        (
            "requests",
            "一、本年新收政府信息公开申请数量31000 2033",
            "一、本年新收政府信息公开申请数量31000 2034",
            "没有一种",
        ),
    ],
)
def test_run_together_digits_that_do_not_fit_one_split_are_not_read(tmp_path, table, printed, spoiled, why):
    text = (FIXTURES / "text-run-together.txt").read_text(encoding="utf-8")
    assert printed in text
    path = tmp_path / "spoiled.txt"
    path.write_text(text.replace(printed, spoiled), encoding="utf-8")
    report = import_report(path)
    [unread] = [f for f in report.read_findings if f.rule == "I-7" and f.severity == ERROR and f.path.startswith(table)]
    assert why in unread.message
    cells = [p for p in report.unread if p.startswith(unread.path + ".")]
    assert cells and all(report.number(p) is None for p in cells)
    assert not rules(report, *ARITHMETIC, severity=ERROR)


# --- web pages ----------------------------------------------------------------------------------


def test_portal_page_article_metadata_and_a_table_as_picture():
    report = load("html-portal.html")
    agency = report.agency
    assert (agency.name, report.year, str(report.publication_date)) == ("青山镇人民政府", 2022, "2023-01-18")
    assert (agency.address, agency.postcode, agency.phone) == ("青山县青山镇府前路1号", "350401", "0591-12345678")
    expected = {**requests_2021(), **ACTIVE_2021}
    assert read(report, expected) == expected
    [picture] = [f for f in report.read_findings if f.rule == "I-1"]
    assert picture.path == "appeals" and "表格是图片" in picture.message
    assert not rules(report, *ARITHMETIC, severity=ERROR)
    assert [f.severity for f in rules(report, "R4-1")] == [WARNING]  # could not be checked


# --- label variants -------------------------------------------------------------------------------


def test_label_variants_of_a_2021_table():
    report = load("labels-2021-variants.txt")
    assert report.format is FORMAT_2021
    expected = {**requests_2021(not_processed_2=[2, 0, 0, 0, 0, 0, 2], other_3=[0] * 7), **ACTIVE_2021}
    assert read(report, expected) == expected  # 规范性文件 → 行政规范性文件; annotated 规章; typo; blank label
    notes = {f.rule: f for f in report.read_findings if f.severity == WARNING}
    assert "「规范性文件」" in notes["G-2"].message or any("规范性文件" in f.message for f in report.read_findings)
    assert any(
        f.rule == "I-3" and "行标签是空白" in f.message and f.path == "requests.granted" for f in report.read_findings
    )
    assert any(f.rule == "G-1" and f.operands.get("原文") == "2.其他法律行政止公开" for f in report.read_findings)
    assert any(f.rule == "G-2" and "全为 0" in f.message for f in report.read_findings)
    assert not [f for f in check(report) if f.severity == ERROR]


def test_single_other_row_with_numbers_in_a_2021_table_is_not_split(tmp_path):
    text = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8")
    text = text.replace("（六）其他处理\t0\t0\t0\t0\t0\t0\t0", "（六）其他处理\t1\t0\t0\t0\t0\t0\t1")
    text = text.replace("2.重复申请\t2\t0\t0\t0\t0\t0\t2", "2.重复申请\t1\t0\t0\t0\t0\t0\t1")
    path = tmp_path / "other.txt"
    path.write_text(text, encoding="utf-8")
    report = import_report(path)
    assert all(report.number(f"requests.other_{i}.natural") is None for i in (1, 2, 3))
    assert any(f.rule == "G-2" and f.severity == ERROR and "未读取" in f.message for f in report.read_findings)
    # R3-1 still runs on the printed （七）总计; R3-2 cannot be checked and says so.
    assert not rules(report, *ARITHMETIC, severity=ERROR)
    assert [f.severity for f in rules(report, "R3-2")] == [WARNING]


# --- metadata -------------------------------------------------------------------------------------


def test_title_without_a_year():
    report = load("meta-title-without-year.txt")
    assert (report.agency.name, report.agency.level, report.year) == ("驼峰路街道办事处", "街道", 2020)
    assert report.agency.short_name == "我街道" and report.agency.is_township
    assert not rules(report, "G-5")  # 「未发生收费情况」 states that no fee was charged


def test_no_title_the_agency_and_year_only_in_the_body():
    report = load("meta-no-title.txt")
    assert (report.agency.name, report.agency.level, report.year) == ("新华街道办事处", "街道", 2019)
    assert not [f for f in report.read_findings if f.rule == "I-5"]


def test_level_from_the_self_reference_when_the_name_says_nothing(tmp_path):
    path = tmp_path / "self.txt"
    path.write_text(
        (FIXTURES / "meta-no-title.txt")
        .read_text(encoding="utf-8")
        .replace("新华街道办事处", "新华管委会")
        .replace("我街道", "我镇"),
        encoding="utf-8",
    )
    report = import_report(path)
    assert report.agency.level == "镇" and report.agency.is_township  # township rules (R2-1) run


# --- units and local additions --------------------------------------------------------------------


def test_amount_printed_in_yuan_where_the_column_is_in_wan_yuan():
    report = load("units-2021.txt")
    assert report.number("active.fees.amount") == Decimal("25.1")
    [note] = [f for f in report.read_findings if f.path == "active.fees.amount"]
    assert note.severity == WARNING and "251000元" in note.message and "25.1" in note.message


def test_amount_printed_in_wan_yuan_where_the_column_is_in_yuan():
    report = load("units-2019.txt")
    assert report.number("active.procurement.amount") == Decimal("16909913")
    [note] = [f for f in report.read_findings if f.path == "active.procurement.amount"]
    assert "16909913" in note.message and "E+" not in note.message


def test_local_section_with_a_table_is_skipped_and_the_official_tables_after_it_are_read():
    report = load("extra-local-section.txt")
    [note] = [f for f in report.read_findings if f.rule == "I-8"]
    assert note.severity == WARNING and "收费及减免" in note.message
    assert read(report, APPEALS) == APPEALS
    assert not [f for f in report.read_findings if f.rule in ("I-1", "I-2", "I-4")]


def test_rows_printed_completely_blank_are_read_as_blanks():
    report = load("blank-rows.txt")
    assert report.number("active.penalty.decisions") is None
    assert all(report.number(f"requests.denied_4.{c}") is None for c in COLUMNS[:6])
    blank = [f for f in report.read_findings if f.rule == "R0-2"]
    assert [f.path for f in blank] == ["active.penalty.decisions", "requests.denied_4"]
    assert "7 个单元格都是空白" in blank[1].message
    assert read(report, {"requests.granted.natural": 10}) == {"requests.granted.natural": 10}  # the row stays
    assert not rules(report, *ARITHMETIC, severity=ERROR)


# --- placing by position only with proof ----------------------------------------------------------


def _variants(tmp_path, *changes):
    from generator.inputs.importer import import_report

    text = (FIXTURES / "labels-2021-variants.txt").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def test_blank_label_between_its_neighbours_is_read_when_the_arithmetic_agrees(tmp_path):
    report = _variants(tmp_path)  # 「三、本年度办理结果\t\t10 …」: （一）予以公开's label is blank
    assert report.number("requests.granted.natural") == 10
    assert any(f.rule == "I-3" and "行标签是空白" in f.message for f in report.read_findings)


def test_blank_label_whose_position_the_arithmetic_contradicts_is_not_read(tmp_path):
    report = _variants(
        tmp_path, ("三、本年度办理结果\t\t10\t0\t0\t0\t1\t0\t11", "三、本年度办理结果\t\t9\t0\t0\t0\t1\t0\t10")
    )
    assert report.number("requests.granted.natural") is None and report.number("requests.granted.total") is None
    [finding] = [f for f in report.read_findings if f.path == "requests.granted"]
    assert finding.rule == "I-2" and finding.severity == ERROR and "勾稽关系不成立" in finding.message
    assert not rules(report, "R3-2", severity=ERROR)  # no error claimed from a number placed without proof


def test_blank_label_is_not_placed_when_a_row_between_its_neighbours_stands_elsewhere(tmp_path):
    """Between 「1.本机关不掌握…」 and 「（五）1.信访…」 stand rows 2 and 3; row 3's label is printed further
    down, so the numbers with a blank label may be row 2 or a row whose label moved: not read."""
    report = _variants(
        tmp_path,
        ("2.没有现成信息需要另行制作\t3", "\t3"),
        ("3.补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0\n", ""),
        (
            "3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0\n",
            "3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0\n3.补正后申请内容仍不明确\n",
        ),
    )
    assert report.number("requests.unable_2.natural") is None
    assert [f for f in report.read_findings if f.rule == "I-4" and "3 0 0 0 0 0 3" in f.message]
