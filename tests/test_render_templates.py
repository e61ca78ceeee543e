"""--template with real office templates: made by LibreOffice, by python-docx (own heading styles and a
红头 letterhead), and our own reference.docx edited. The report keeps their page setup, fonts, styles and
page numbers, gets ours where they have none, and a file that is no Word document gets a Chinese message."""
import io
import re
import subprocess
import zipfile

import pytest
from conftest import BUSY, example_dict, report_of
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from helpers import pdf_text, soffice_convert

from generator.app.cli import main
from generator.formats import HEADINGS
from generator.render import render
from generator.render.docx import REFERENCE, TemplateError
from generator.render.docx_reference import FONT_TABLE
from generator.resources import template_bytes

LETTERHEAD = "青石街道办事处文件"


def libreoffice_blank(folder):
    """(a) A blank document saved by LibreOffice as .docx: its own styles (Normal, Heading, Text Body),
    2 cm margins, no grid, no footer."""
    (folder / "blank.txt").write_text("", encoding="utf-8")
    soffice_convert("docx:MS Word 2007 XML", folder / "blank.txt", outdir=folder)
    return folder / "blank.docx"


def python_docx_letterhead(folder):
    """(b) An office template made with python-docx: its own heading styles, Normal in 仿宋 and a 红头
    (red agency name over a red line) at the top of the body, a running header."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin, section.right_margin, section.bottom_margin = Mm(30), Mm(25), Mm(25), Mm(30)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "仿宋", Pt(15)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    for name, size in (("Heading 1", 15), ("Heading 2", 15)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "黑体", Pt(size), RGBColor(0x1F, 0x3A, 0x93)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(LETTERHEAD)
    run.font.size, run.font.color.rgb, run.font.bold = Pt(36), RGBColor(0xE0, 0, 0), True
    head._p.get_or_add_pPr().append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="4" w:color="E00000"/></w:pBdr>'))
    section.header.paragraphs[0].text = "青石街道办事处"
    path = folder / "letterhead.docx"
    doc.save(path)
    return path


def reference_edited(folder):
    """(c) Our reference.docx as an office edits it: top margin 40 mm, headings in red."""
    doc = Document(io.BytesIO(template_bytes(REFERENCE)))
    doc.sections[0].top_margin = Mm(40)
    doc.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0, 0)
    path = folder / "ours-edited.docx"
    doc.save(path)
    return path


def rendered(template) -> Document:
    return Document(io.BytesIO(render(report_of(example_dict(BUSY)), "docx", template)))


def page_number_footers(doc) -> list:
    section = doc.sections[-1]
    footers = [section.footer, section.even_page_footer]
    return [f for f in footers if not f.is_linked_to_previous and "PAGE" in f._element.xml]


def test_python_docx_template_keeps_its_look_and_letterhead(tmp_path):
    doc = rendered(python_docx_letterhead(tmp_path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == LETTERHEAD and texts[1].replace("\n", "") == "青石街道办事处2025年政府信息公开工作年度报告"
    assert [t for t in texts if t in HEADINGS] == list(HEADINGS)
    section = doc.sections[-1]
    assert round(section.top_margin.mm) == 30 and round(section.left_margin.mm) == 25  # its page setup
    assert doc.styles["Normal"].font.size == Pt(15)  # its fonts and styles
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0x1F, 0x3A, 0x93)
    heading = next(p for p in doc.paragraphs if p.text == HEADINGS[0])
    assert heading.style.name == "Heading 1"
    assert {"Table Text", "Signature Line"} <= {s.name for s in doc.styles}  # ours, where it had none
    assert len(page_number_footers(doc)) == 2 and doc.settings.odd_and_even_pages_header_footer
    assert section.even_page_header.paragraphs[0].text == "青石街道办事处"  # its header on even pages too
    assert len(doc.tables) == 3


def test_edited_reference_template_is_taken_as_it_is(tmp_path):
    doc = rendered(reference_edited(tmp_path))
    assert round(doc.sections[-1].top_margin.mm) == 40
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0, 0)
    footers = page_number_footers(doc)
    assert len(footers) == 2 and all(f.paragraphs[0].text.startswith("— ") for f in footers)  # its own, not doubled
    assert all(len(f.paragraphs) == 1 for f in footers)


def test_dotx_template_is_accepted(tmp_path):
    """Offices keep their templates as .dotx (another content type for the same package)."""
    source = reference_edited(tmp_path)
    dotx = tmp_path / "模板.dotx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(item, data)
    assert round(rendered(dotx).sections[-1].top_margin.mm) == 40


@pytest.mark.libreoffice
@pytest.mark.poppler
def test_three_real_templates_print_with_page_numbers_and_fonts(tmp_path):
    """Each template's report, printed by LibreOffice: page numbers on every page, the template's fonts."""
    templates = {"blank": libreoffice_blank(tmp_path), "letterhead": python_docx_letterhead(tmp_path),
                 "edited": reference_edited(tmp_path)}
    for name, template in templates.items():
        (tmp_path / f"{name}-report.docx").write_bytes(render(report_of(example_dict(BUSY)), "docx", template))
        doc = Document(str(tmp_path / f"{name}-report.docx"))
        assert page_number_footers(doc), name
    blank = Document(str(tmp_path / "blank-report.docx"))
    assert round(blank.sections[-1].left_margin.mm) == 20  # LibreOffice's 2 cm, kept
    soffice_convert("pdf", *(tmp_path / f"{n}-report.docx" for n in templates), outdir=tmp_path)
    for name in templates:
        pdf = tmp_path / f"{name}-report.pdf"
        pages = pdf_text(pdf, layout=True).split("\f")[:-1]
        assert len(pages) >= 3, name
        for number, page in enumerate(pages, start=1):
            assert re.search(rf"—\s*{number}\s*—", page), f"{name}: page {number} has no page number"
        assert all(h in "".join(pages) for h in HEADINGS), name
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Fandol" in fonts, f"{name}: the Chinese text is not in a 仿宋/黑体/宋体 face"
    assert LETTERHEAD in pdf_text(tmp_path / "letterhead-report.pdf")


def test_font_table_names_fallbacks_for_the_official_fonts():
    """A PC without 仿宋_GB2312 (Word, WPS) shows 仿宋 — the font table says so — not 宋体 or Calibri."""
    with zipfile.ZipFile(io.BytesIO(render(report_of(example_dict(BUSY)), "docx"))) as z:
        fonts = parse_xml(z.read("word/fontTable.xml"))
    entries = {f.get(qn("w:name")): f for f in fonts.findall(qn("w:font"))}
    for name, (alt, panose, family) in FONT_TABLE.items():
        entry = entries[name]
        assert entry.find(qn("w:altName")).get(qn("w:val")) == alt
        assert entry.find(qn("w:charset")).get(qn("w:val")) == "86"
        assert entry.find(qn("w:family")).get(qn("w:val")) == family
        if panose:
            assert entry.find(qn("w:panose1")).get(qn("w:val")) == panose
    assert entries["仿宋_GB2312"].find(qn("w:altName")).get(qn("w:val")) == "仿宋"


@pytest.mark.parametrize("content,message", [
    (b"not a zip at all", "不是 Word 文档"),
    (None, "缺少正文部分"),
    ("no-document", "无法打开"),
], ids=["text-file", "no-body", "zip-without-document"])
def test_unusable_template_gets_a_chinese_message(tmp_path, content, message, capsys):
    path = tmp_path / "模板.docx"
    if content is None:  # a package whose main part has no <w:body>
        with zipfile.ZipFile(io.BytesIO(template_bytes(REFERENCE))) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename == "word/document.xml":
                    data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
                zout.writestr(item, data)
    elif content == "no-document":
        with zipfile.ZipFile(path, "w") as zout:
            zout.writestr("hello.txt", "你好")
    else:
        path.write_bytes(content)
    with pytest.raises(TemplateError, match=message):
        render(report_of(example_dict(BUSY)), "docx", path)
    assert main(["render", str(BUSY), "-o", str(tmp_path / "out"), "--to", "docx", "--template", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
