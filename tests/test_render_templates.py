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
from generator.document import signature
from generator.formats import HEADINGS
from generator.render import render
from generator.render.docx import REFERENCE, TemplateError
from generator.render.docx_reference import FONT_TABLE
from generator.render.docx_template import template_note
from generator.resources import template_bytes

LETTERHEAD = "青石街道办事处文件"


def libreoffice_blank(folder):
    """(a) A blank document saved by LibreOffice as .docx: its own styles (Normal, Heading, Text Body),
    2 cm margins, no grid, no footer."""
    (folder / "blank.txt").write_text("", encoding="utf-8")
    soffice_convert("docx:MS Word 2007 XML", folder / "blank.txt", outdir=folder)
    return folder / "blank.docx"


def a4_document(top, bottom, left, right, body_font: str) -> Document:
    """A python-docx document on A4 with these margins, its body text (Normal) in ``body_font`` 15 pt."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = top, bottom, left, right
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = body_font, Pt(15)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), body_font)
    return doc


def python_docx_letterhead(folder):
    """(b) An office template made with python-docx: its own heading styles, Normal in 仿宋 and a 红头
    (red agency name over a red line) at the top of the body, a running header."""
    doc = a4_document(Mm(30), Mm(30), Mm(25), Mm(25), body_font="仿宋")
    for name, size in (("Heading 1", 15), ("Heading 2", 15)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "黑体", Pt(size), RGBColor(0x1F, 0x3A, 0x93)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(LETTERHEAD)
    run.font.size, run.font.color.rgb, run.font.bold = Pt(36), RGBColor(0xE0, 0, 0), True
    head._p.get_or_add_pPr().append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="4" w:color="E00000"/></w:pBdr>')
    )
    doc.sections[0].header.paragraphs[0].text = "青石街道办事处"
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
    templates = {
        "blank": libreoffice_blank(tmp_path),
        "letterhead": python_docx_letterhead(tmp_path),
        "edited": reference_edited(tmp_path),
    }
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


@pytest.mark.parametrize(
    "content,message",
    [
        (b"not a zip at all", "不是 Word 文档"),
        (None, "缺少正文部分"),
        ("no-document", "无法打开"),
    ],
    ids=["text-file", "no-body", "zip-without-document"],
)
def test_unusable_template_gets_a_chinese_message(tmp_path, content, message, capsys):
    path = tmp_path / "模板.docx"
    if content is None:  # a package whose main part has no <w:body>
        with zipfile.ZipFile(io.BytesIO(template_bytes(REFERENCE))) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename == "word/document.xml":
                    data = (
                        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
                    )
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


# --- templates whose styles were never edited keep the official look (issue 22) -------------------------------


def python_docx_default(folder):
    """(d) python-docx's default template as it comes: a blue Title with a rule, blue bold headings, 11 pt body."""
    path = folder / "python-docx-default.docx"
    Document().save(path)
    return path


def red_letterhead(folder):
    """(e) A real-shaped 红头 template: A4 with the GB/T 9704 margins, the agency's name in red 方正小标宋 over a red
    rule in the header, page numbers in the footer, body text in 仿宋_GB2312 15 pt (edited); Title and headings
    as python-docx wrote them (unedited)."""
    doc = a4_document(Mm(37), Mm(35), Mm(28), Mm(26), body_font="仿宋_GB2312")
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(LETTERHEAD)
    run.font.size, run.font.color.rgb = Pt(26), RGBColor(0xFF, 0, 0)
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    head._p.get_or_add_pPr().append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="24" w:space="4" w:color="FF0000"/></w:pBdr>')
    )
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    path = folder / "红头模板.docx"
    doc.save(path)
    return path


def _style_xml(doc, name: str) -> str:
    return doc.styles[name].element.xml


def test_unedited_template_styles_give_way_to_the_official_ones(tmp_path):
    doc = rendered(python_docx_default(tmp_path))
    title, h1, h2 = doc.styles["Title"], doc.styles["Heading 1"], doc.styles["Heading 2"]
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and "w:pBdr" not in _style_xml(doc, "Title")
    assert title.font.size == Pt(22) and title.font.color.rgb is None
    assert 'w:eastAsia="方正小标宋简体"' in _style_xml(doc, "Title")
    assert h1.font.size == Pt(16) and not h1.font.bold and h1.font.color.rgb is None
    assert 'w:eastAsia="黑体"' in _style_xml(doc, "Heading 1")
    assert h2.font.size == Pt(16) and not h2.font.bold and h2.font.color.rgb is None
    assert 'w:eastAsia="楷体_GB2312"' in _style_xml(doc, "Heading 2")
    assert doc.styles["Normal"].font.size == Pt(16) and doc.styles["Signature Line"].font.size == Pt(16)
    assert {p.style.name for p in doc.paragraphs if p.text in HEADINGS} == {"Heading 1"}  # found by their names


def test_edited_body_is_kept_and_the_signature_takes_its_size(tmp_path):
    template = red_letterhead(tmp_path)
    doc = rendered(template)
    assert doc.styles["Normal"].font.size == Pt(15) and doc.styles["Signature Line"].font.size == Pt(15)
    assert doc.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.styles["Heading 2"].font.size == Pt(16)
    assert doc.sections[-1].header.paragraphs[0].text == LETTERHEAD
    note = template_note(template)
    assert "保留模板的页面设置、页眉页脚和版头" in note and "「正文」保留其字体字号" in note
    assert "「标题」「标题 1」「标题 2」「表格文字」「落款」是模板未改动的默认样式或模板没有，用公文格式" in note


def test_render_says_which_template_styles_were_kept(tmp_path, capsys):
    template = red_letterhead(tmp_path)
    assert main(["render", str(BUSY), "-o", str(tmp_path / "out"), "--to", "docx", "--template", str(template)]) == 0
    assert "模板 红头模板.docx：Word 报告保留模板的页面设置" in capsys.readouterr().out


@pytest.mark.libreoffice
@pytest.mark.poppler
def test_letterhead_template_prints_the_official_title_headings_and_signature(tmp_path):
    """The 红头 template printed by LibreOffice: its red letterhead on every page, the title centred in
    方正小标宋's stand-in and not blue, （一） headings in 楷体, the 落款 in the body's 15 pt: the agency two
    characters (of 15 pt) from the right edge, the date starting two characters right of it (GB/T 9704; the
    agency moves left where the date is longer)."""
    from pagelayout import BLOCK_LEFT, BLOCK_RIGHT, read_pdf

    templates = {
        "hongtou": red_letterhead(tmp_path),
        "default": python_docx_default(tmp_path),
        "blank": libreoffice_blank(tmp_path),
    }
    for name, template in templates.items():
        (tmp_path / f"{name}.docx").write_bytes(render(report_of(example_dict(BUSY)), "docx", template))
    soffice_convert("pdf", *(tmp_path / f"{name}.docx" for name in templates), outdir=tmp_path)
    pages = read_pdf(tmp_path / "hongtou.pdf")
    assert all(LETTERHEAD in page.text() for page in pages), "the letterhead on every page"
    title = pages[0].lines(size=22)
    assert title and all(abs((line.x0 + line.x1) / 2 - (BLOCK_LEFT + BLOCK_RIGHT) / 2) < 1.5 for line in title)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "hongtou.pdf")], capture_output=True, text=True).stdout
    assert "FandolKai" in fonts and "FandolHei" in fonts
    last = pages[-1].lines(size=15)
    agency, date = last[-2], last[-1]
    one = 15 / 72 * 25.4
    assert agency.text == "青石街道办事处" and date.text.startswith("2026")
    right = signature(agency.text, "2026年1月20日")[0].right  # 2 characters, more where the date is longer
    assert abs((BLOCK_RIGHT - agency.x1) - right * one) < 1.0, f"{BLOCK_RIGHT - agency.x1:.1f} mm"
    assert abs(date.x0 - agency.x0 - 2 * one) < 1.0 and date.x1 <= BLOCK_RIGHT
    for name in ("default", "blank"):  # unedited templates: the official title and headings
        pages = read_pdf(tmp_path / f"{name}.pdf")
        assert pages[0].lines(size=22), f"{name}: the title in 22 pt"
        assert any(line.text == "（一）主动公开" for page in pages for line in page.lines()), name  # 楷体 16 pt


# --- 标点挤压 in Word and WPS (issue 22) -------------------------------------------------------------------------


def _settings(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return parse_xml(z.read("word/settings.xml"))


@pytest.mark.parametrize("has_control", [True, False])
def test_docx_asks_word_to_compress_punctuation(tmp_path, has_control):
    """「压缩标点符号」: Word and WPS squeeze 「”、“」「》（」; a template without the setting gets it, in the place
    the schema gives it (before w:compat), once. (LibreOffice 7.4 ignores it: its marks keep full width.)"""
    doc = Document()
    settings = doc.settings.element
    for control in settings.findall(qn("w:characterSpacingControl")):
        control.set(qn("w:val"), "doNotCompress")
        if not has_control:
            settings.remove(control)
    doc.save(tmp_path / "t.docx")
    root = _settings(render(report_of(example_dict(BUSY)), "docx", tmp_path / "t.docx"))
    tags = [child.tag for child in root]
    controls = root.findall(qn("w:characterSpacingControl"))
    assert [c.get(qn("w:val")) for c in controls] == ["compressPunctuation"]
    if qn("w:compat") in tags:
        assert tags.index(qn("w:characterSpacingControl")) < tags.index(qn("w:compat"))


def test_docx_without_template_compresses_punctuation():
    root = _settings(render(report_of(example_dict(BUSY)), "docx"))
    assert root.find(qn("w:characterSpacingControl")).get(qn("w:val")) == "compressPunctuation"
