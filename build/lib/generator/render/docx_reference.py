"""Build templates/reference.docx: GB/T 9704 page setup, fonts and styles for the DOCX renderer.

The renderer takes page setup and styles from this file, so an office can replace it with its own
(``nianbao render --template``) as long as it keeps the style names below. Rebuild with
``python -m generator.render.docx_reference templates/reference.docx``.
"""
from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

# Style names the renderer uses (a replacement template must define them, or gets these defaults).
STYLE_BODY, STYLE_TITLE, STYLE_H1, STYLE_H2 = "Normal", "Title", "Heading 1", "Heading 2"
STYLE_TABLE, STYLE_SIGNATURE = "Table Text", "Signature Line"

LINE_PITCH = Pt(28.9)  # 22 lines per page
LATIN = "Times New Roman"
FANGSONG, KAITI, HEITI, SONGTI, TITLE_FONT = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
# pPr children that must come after w:snapToGrid (ECMA-376 order; Word rejects misordered elements).
PPR_AFTER_SNAP = tuple(f"w:{t}" for t in (
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN, size: Pt | None = None) -> None:
    """Latin and East Asian fonts on a style or run (python-docx's font.name sets only the Latin ones)."""
    font = rpr_owner.font
    font.name = latin
    if size is not None:
        font.size = size
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)  # theme fonts would override the explicit ones
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _paragraph_style(doc, name: str, east_asia: str, size: Pt, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     indent_chars: int = 2, exact_line: Pt | None = LINE_PITCH, keep_next: bool = False,
                     latin: str = LATIN):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != STYLE_BODY:
        style.base_style = styles[STYLE_BODY]
    set_fonts(style, east_asia, latin, size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = keep_next
    if exact_line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact_line
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:ind")) + ppr.findall(qn("w:pBdr")) + ppr.findall(qn("w:snapToGrid")):
        ppr.remove(old)
    if exact_line is None:  # table text: do not snap to the 22-line page grid
        ppr.insert_element_before(parse_xml(f'<w:snapToGrid {nsdecls("w")} w:val="0"/>'), *PPR_AFTER_SNAP)
    ind = ppr.get_or_add_ind()  # python-docx keeps the schema's element order
    ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    ind.set(qn("w:firstLine"), str(int(size.pt * 20 * indent_chars)))
    return style


def _footer(section_footer, align: str) -> None:
    """Page number 「— N —」 in 4号宋体, one character in from the outer edge."""
    side = "right" if align == "right" else "left"
    p = section_footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(f"w:{side}Chars"), "100")
    ind.set(qn(f"w:{side}"), "280")
    run_props = (f'<w:rPr><w:rFonts w:ascii="{SONGTI}" w:hAnsi="{SONGTI}" w:eastAsia="{SONGTI}"/>'
                 '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>')
    for xml in (f'<w:r {nsdecls("w")}>{run_props}<w:t xml:space="preserve">— </w:t></w:r>',
                f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r>{run_props}<w:t>1</w:t></w:r></w:fldSimple>',
                f'<w:r {nsdecls("w")}>{run_props}<w:t xml:space="preserve"> —</w:t></w:r>'):
        p._p.append(parse_xml(xml))


def _chinese_defaults(doc) -> None:
    """zh-CN as East Asian language everywhere (python-docx's template says ja-JP) and 仿宋 as default."""
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{LATIN}" w:hAnsi="{LATIN}" '
                            f'w:eastAsia="{FANGSONG}" w:cs="{LATIN}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{int(LINE_PITCH.pt * 20)}"/>'))
    _footer(section.footer, "right")
    section.even_page_footer.is_linked_to_previous = False
    _footer(section.even_page_footer, "left")


def build_reference() -> bytes:
    doc = Document()
    _chinese_defaults(doc)
    _page_setup(doc)
    size = Pt(16)
    _paragraph_style(doc, STYLE_BODY, FANGSONG, size)
    _paragraph_style(doc, STYLE_TITLE, TITLE_FONT, Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                     exact_line=Pt(36), latin=TITLE_FONT).paragraph_format.space_after = LINE_PITCH
    for name, font in ((STYLE_H1, HEITI), (STYLE_H2, KAITI)):
        style = _paragraph_style(doc, name, font, size, keep_next=True, latin=font)
        style.paragraph_format.left_indent = None
    _paragraph_style(doc, STYLE_TABLE, SONGTI, Pt(10.5), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                     exact_line=None)
    _paragraph_style(doc, STYLE_SIGNATURE, FANGSONG, size, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0)
    doc.styles[STYLE_SIGNATURE].paragraph_format.right_indent = Pt(32)
    core = doc.core_properties
    core.author = core.last_modified_by = "nianbao"
    core.title = "政府信息公开工作年度报告"
    core.comments = core.keywords = core.subject = core.category = ""
    core.revision = 1
    core.created = core.modified = datetime(2020, 1, 1)
    return save_deterministic(doc)


def save_deterministic(doc) -> bytes:
    """Save a python-docx Document with fixed zip timestamps, compressing once (python-docx stamps 'now')."""
    from docx.opc.pkgwriter import PackageWriter

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        writer = _FixedTimeWriter(archive)
        package = doc.part.package
        parts = list(package.iter_parts())
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()


class _FixedTimeWriter:
    """The physical-writer interface python-docx's PackageWriter expects, with a fixed timestamp."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, blob)


if __name__ == "__main__":
    Path(sys.argv[1] if len(sys.argv) > 1 else "templates/reference.docx").write_bytes(build_reference())
