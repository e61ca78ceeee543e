"""Read the rendered HTML, DOCX and PDF back and compare with the data."""
import io
import re
import subprocess
import zipfile

import lxml.html
import pytest
from conftest import BUSY, YINGLIN, example_dict, report_of
from docx import Document
from docx.shared import Mm
from helpers import pdf_text, soffice_convert

from generator.formats import HEADINGS
from generator.render import render
from generator.tables import all_grids

HOSTILE = ("<script>alert('x')</script> & {{ 7*7 }} {% if true %}坏{% endif %} \x01\x1f 😀 "
           + "长" * 10_000)


def hostile_report():
    data = example_dict(BUSY)
    data["prose"]["problems"] = HOSTILE
    data["agency"]["name"] = "青石<b>街道</b>办事处&"
    return report_of(data)


def html_tree(report):
    return lxml.html.fromstring(render(report, "html"))


@pytest.mark.parametrize("path,rows", [(BUSY, 25), (YINGLIN, 23)], ids=["2021", "2019"])
def test_html_tables_hold_every_number(path, rows):
    report = report_of(example_dict(path))
    tree = html_tree(report)
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings == list(HEADINGS)
    tables = tree.xpath("//table")
    assert len(tables) == 3
    body_rows = tables[1].xpath("./tbody/tr")
    assert len(body_rows) == rows
    assert all(len(tr.xpath("./td")) == 7 for tr in body_rows)
    for td in tree.xpath("//td"):
        assert td.text_content().strip() != ""
        assert td.text_content() == str(report.number(td.get("data-path")))
    assert len(tables[2].xpath(".//td")) == 15


def test_html_labels_and_merges():
    report = report_of(example_dict(BUSY))
    tree = html_tree(report)
    grids = all_grids(report)
    for key, table in zip(("active", "requests", "appeals"), tree.xpath("//table")):
        labels = [th.text_content() for th in table.xpath(".//th")]
        assert labels == [c.text for c in sorted(grids[key].cells, key=lambda c: (c.row, c.col)) if not c.path]
    th = tree.xpath("//th[normalize-space()='三、本年度办理结果']")[0]
    assert th.get("rowspan") == "22" and th.get("scope") == "rowgroup"
    assert tree.xpath("//th[normalize-space()='申请人情况']")[0].get("colspan") == "7"


def test_html_derived_totals():
    tree = html_tree(report_of(example_dict(BUSY)))
    cell = lambda path: tree.xpath(f"//td[@data-path='{path}']")[0].text  # noqa: E731
    assert cell("requests.new.total") == "16"
    assert cell("requests.total_processed.natural") == "13"
    assert cell("requests.total_processed.total") == "17"
    assert cell("appeals.review.total") == "2"


def test_html_escapes_hostile_text():
    html = render(hostile_report(), "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"\d{3,}", "", html.split("alert")[1][:80])
    assert "<b>街道</b>" not in html and "青石&lt;b&gt;街道&lt;/b&gt;办事处&amp;" in html
    assert "\x01" not in html and "😀" in html and "长" * 10_000 in html


def _docx_cell_text(table, r, c):
    return table.cell(r, c).text


@pytest.mark.parametrize("path,rows", [(BUSY, 25), (YINGLIN, 23)], ids=["2021", "2019"])
def test_docx_tables_hold_every_number(path, rows):
    report = report_of(example_dict(path))
    doc = Document(io.BytesIO(render(report, "docx")))
    texts = [p.text for p in doc.paragraphs]
    positions = [texts.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert texts[0].replace("\n", "") == f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    assert len(doc.tables) == 3
    grids = all_grids(report)
    for table, key in zip(doc.tables, ("active", "requests", "appeals")):
        for cell in grids[key].cells:
            assert table.cell(cell.row, cell.col).text == cell.text
            if cell.path:
                assert cell.text == str(report.number(cell.path)) != ""
    assert len(doc.tables[1].rows) == 3 + rows


def test_docx_fonts_are_chinese():
    data = render(report_of(example_dict(BUSY)), "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles and 'w:eastAsia="楷体_GB2312"' in styles
    assert "ja-JP" not in styles + settings
    assert 'w:eastAsia="zh-CN"' in styles
    assert "<w:tblLayout w:type=\"fixed\"/>" in document and "w:gridSpan" in document and "w:vMerge" in document


def test_docx_page_setup_and_page_numbers():
    doc = Document(io.BytesIO(render(report_of(example_dict(BUSY)), "docx")))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    assert section.footer.paragraphs[0].text.startswith("— ")
    assert 'PAGE' in section.footer._element.xml and 'PAGE' in section.even_page_footer._element.xml


def test_docx_escapes_hostile_text():
    doc = Document(io.BytesIO(render(hostile_report(), "docx")))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "<script>alert('x')</script> & {{ 7*7 }}" in body
    assert "\x01" not in body and "😀" in body and "长" * 10_000 in body
    assert doc.paragraphs[0].text.startswith("青石<b>街道</b>办事处&\n")


def test_rendering_is_byte_identical():
    report = report_of(example_dict(BUSY))
    assert render(report, "docx") == render(report_of(example_dict(BUSY)), "docx")
    assert render(report, "html") == render(report_of(example_dict(BUSY)), "html")


def test_custom_template(tmp_path):
    from generator.render.docx import REFERENCE, TemplateError
    from generator.resources import template_bytes

    custom = tmp_path / "mine.docx"
    doc = Document(io.BytesIO(template_bytes(REFERENCE)))
    doc.sections[0].top_margin = Mm(40)
    doc.save(custom)
    out = Document(io.BytesIO(render(report_of(example_dict(BUSY)), "docx", custom)))
    assert round(out.sections[0].top_margin.mm) == 40
    (tmp_path / "plain.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="无法打开"):
        render(report_of(example_dict(BUSY)), "docx", tmp_path / "plain.docx")


@pytest.fixture(scope="module")
def busy_pdf():
    return render(report_of(example_dict(BUSY)), "pdf")


@pytest.mark.poppler
def test_pdf_text_and_numbers(busy_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    text = pdf_text(path, layout=True)
    for heading in HEADINGS:
        assert heading in text
    row = next(line for line in text.splitlines() if "本年新收政府信息公开申请数量" in line)
    assert row.split()[-7:] == ["12", "3", "0", "0", "1", "0", "16"]
    assert re.search(r"—\s*1\s*—", text) and "2026年1月20日" in text


@pytest.mark.poppler
def test_pdf_fonts_embedded_cjk(busy_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines)  # every font embedded
    names = " ".join(line.split()[0] for line in lines)
    assert "FandolFang" in names and "FandolHei" in names and "FandolKai" in names


@pytest.mark.poppler
def test_pdf_requests_table_on_one_page(busy_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    pages = pdf_text(path).split("\f")
    first = next(i for i, p in enumerate(pages) if "本年新收政府信息公开申请数量" in p)
    assert "四、结转下年度继续办理" in pages[first] and "三、收到和处理政府信息公开申请情况" in pages[first]


@pytest.mark.libreoffice
@pytest.mark.poppler
def test_libreoffice_opens_the_docx(tmp_path):
    (tmp_path / "r.docx").write_bytes(render(report_of(example_dict(BUSY)), "docx"))
    soffice_convert("pdf", tmp_path / "r.docx", outdir=tmp_path)
    text = pdf_text(tmp_path / "r.pdf", layout=True)
    for heading in HEADINGS:
        assert heading in text
    assert "青石街道办事处" in text and "2026 年 1 月 20 日" in text.replace("2026年1月20日", "2026 年 1 月 20 日")


def test_committed_reference_template_is_current():
    from generator.render.docx import REFERENCE
    from generator.render.docx_reference import build_reference
    from generator.resources import template_bytes

    assert template_bytes(REFERENCE) == build_reference(), "run: python -m generator.render.docx_reference"
