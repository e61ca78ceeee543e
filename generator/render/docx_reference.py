"""Build templates/reference.docx: GB/T 9704 page setup, fonts and styles for the DOCX renderer.

Page: A4, margins 37/35/28/26 mm, 22 lines (``w:docGrid`` of 28.9 pt) × 28 characters: body text is
condensed by 0.25 pt (16 pt characters on a 15.75 pt pitch), so 28 fit the 156 mm line and justification
fills it. (A character grid — ``linesAndChars`` with a negative ``w:charSpace`` — gives 28 in Word, but
LibreOffice 7.4 then puts each 16 pt character in two 15.79 pt cells: 14 per line.) Punctuation does not
hang into the margin (``w:overflowPunct``: LibreOffice drops a hanging 、 at the line end). Page numbers
「— N —」 one character in from the outer edge. The font table names a fallback for each official font
(仿宋_GB2312 → 仿宋 …) so Word / WPS on a PC without it shows the nearest look, not 宋体 or Calibri.

An office's own template (``nianbao render --template``) supplies what it has; ``docx.py`` adds the
styles below where it has none. Rebuild with ``python -m generator.render.docx_reference templates/reference.docx``.
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
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

# Style names the renderer uses (a replacement template must define them, or gets these defaults).
STYLE_BODY, STYLE_TITLE, STYLE_H1, STYLE_H2 = "Normal", "Title", "Heading 1", "Heading 2"
STYLE_TABLE, STYLE_SIGNATURE = "Table Text", "Signature Line"
STYLE_FOOTER = "Footer"

LINE_PITCH = Pt(28.9)  # 22 lines per page
BODY_SIZE = Pt(16)  # 3号
CHARS_PER_LINE = 28
TEXT_WIDTH = Mm(156)
# Character spacing of body text in twentieths of a point (Word's unit), rounded down so that 28
# characters never exceed the text width: -5 = condensed by 0.25 pt.
CONDENSED = int((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_SIZE.pt) * 20) - 1
CHAR_TWIPS = TEXT_WIDTH.twips / CHARS_PER_LINE  # one character of the 28-character line
PAGE_NUMBER_SIZE = Pt(14)  # 4号
FOOTER_DISTANCE = Mm(25.1)  # page bottom to the footer: puts the page number's dashes 7 mm below the text
LATIN = "Times New Roman"
FANGSONG, KAITI, HEITI, SONGTI, TITLE_FONT = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"
# Font table entries for the official fonts: the font a PC without it should use instead (w:altName),
# GB2312 character set (86), family and PANOSE classification as Word and WPS write them.
FONT_TABLE = {
    FANGSONG: ("仿宋", "02010609030101010101", "modern"),
    KAITI: ("楷体", "02010609030101010101", "modern"),
    HEITI: ("SimHei", "02010609060101010101", "modern"),
    SONGTI: ("SimSun", "02010600030101010101", "auto"),
    TITLE_FONT: ("宋体", None, "auto"),
    "仿宋": ("FangSong", "02010609060101010101", "modern"),
    "楷体": ("KaiTi", "02010609060101010101", "modern"),
}
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
# pPr children in ECMA-376 order (Word rejects misordered elements).
RPR_AFTER_SPACING = tuple(
    f"w:{t}"
    for t in (  # rPr children after w:spacing (ECMA-376 order)
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    )
)
PPR_ORDER = tuple(
    f"w:{t}"
    for t in (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    )
)


def set_ppr(ppr, tag: str, **attrs: str) -> None:
    """Set (replace) one pPr child, in schema order: ``set_ppr(ppr, "snapToGrid", val="0")``."""
    for old in ppr.findall(qn(f"w:{tag}")):
        ppr.remove(old)
    values = "".join(f' w:{k}="{v}"' for k, v in attrs.items())
    successors = PPR_ORDER[PPR_ORDER.index(f"w:{tag}") + 1 :]
    ppr.insert_element_before(parse_xml(f"<w:{tag} {nsdecls('w')}{values}/>"), *successors)


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


def paragraph_style(
    doc,
    name: str,
    east_asia: str,
    size: Pt,
    *,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: int = 2,
    exact_line: Pt | None = LINE_PITCH,
    keep_next: bool = False,
    latin: str = LATIN,
    snap: bool = True,
    condensed: int = 0,
):
    """Define (or redefine) one of our paragraph styles. ``snap=False``: the lines do not snap to the
    page's line grid (LibreOffice would give a 22 pt title two grid lines); ``condensed``: character
    spacing in twentieths of a point."""
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
    set_ppr(ppr, "overflowPunct", val="1")  # LibreOffice reads 1 as "do not hang" (Word: its default)
    for tag in ("autoSpaceDE", "autoSpaceDN"):  # no quarter-character gap around digits and Latin (as the PDF)
        set_ppr(ppr, tag, val="0")
    if not snap:
        set_ppr(ppr, "snapToGrid", val="0")
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    rpr.insert_element_before(parse_xml(f'<w:spacing {nsdecls("w")} w:val="{condensed}"/>'), *RPR_AFTER_SPACING)
    set_ppr(ppr, "ind", firstLineChars=str(indent_chars * 100), firstLine=str(round(indent_chars * CHAR_TWIPS)))
    return style


def page_number_footer(footer, side: str) -> None:
    """Page number 「— N —」 in 4号宋体, one character in from the outer edge (``side``: right or left)."""
    empty = footer.paragraphs and not footer.paragraphs[0].text and not footer.paragraphs[0].runs
    p = footer.paragraphs[0] if empty else footer.add_paragraph()
    ppr = p._p.get_or_add_pPr()
    ppr.get_or_add_pStyle().val = "Footer"
    set_ppr(ppr, "snapToGrid", val="0")
    set_ppr(ppr, "ind", **{side: str(round(PAGE_NUMBER_SIZE.pt * 20)), "firstLine": "0", "firstLineChars": "0"})
    set_ppr(ppr, "jc", val=side)
    half_points = round(PAGE_NUMBER_SIZE.pt * 2)
    run_props = (
        f'<w:rPr><w:rFonts w:ascii="{SONGTI}" w:hAnsi="{SONGTI}" w:eastAsia="{SONGTI}"/>'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )
    for xml in (
        f'<w:r {nsdecls("w")}>{run_props}<w:t xml:space="preserve">— </w:t></w:r>',
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r>{run_props}<w:t>1</w:t></w:r></w:fldSimple>',
        f'<w:r {nsdecls("w")}>{run_props}<w:t xml:space="preserve"> —</w:t></w:r>',
    ):
        p._p.append(parse_xml(xml))


def font_table_entries(doc, names) -> None:
    """Give the font table an entry for each of ``names`` we know a fallback for (kept if present)."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    present = {f.get(qn("w:name")) for f in fonts.findall(qn("w:font"))}
    for name in names:
        if name in present or name not in FONT_TABLE:
            continue
        alt, panose, family = FONT_TABLE[name]
        panose_xml = f'<w:panose1 w:val="{panose}"/>' if panose else ""
        fonts.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>{panose_xml}'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/>'
                '</w:font>'
            )
        )
    part._blob = serialize_part_xml(fonts)


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
    rpr.insert(
        0,
        parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" w:cs="{LATIN}"/>'
        ),
    )
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), FOOTER_DISTANCE
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{round(LINE_PITCH.pt * 20)}"/>'))
    page_number_footer(section.footer, "right")
    section.even_page_footer.is_linked_to_previous = False
    page_number_footer(section.even_page_footer, "left")


def define_styles(doc) -> None:
    """Our paragraph styles (the body first: the others are based on it)."""
    paragraph_style(doc, STYLE_BODY, FANGSONG, BODY_SIZE, condensed=CONDENSED)
    paragraph_style(
        doc,
        STYLE_TITLE,
        TITLE_FONT,
        Pt(22),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent_chars=0,
        latin=TITLE_FONT,
        snap=False,
    ).paragraph_format.space_after = LINE_PITCH
    for name, font in ((STYLE_H1, HEITI), (STYLE_H2, KAITI)):
        paragraph_style(doc, name, font, BODY_SIZE, keep_next=True, latin=font, condensed=CONDENSED)
    paragraph_style(
        doc, STYLE_TABLE, SONGTI, Pt(10.5), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, exact_line=None, snap=False
    )
    # 落款: digits of the date in 仿宋 too (half a character wide, as document.signature counts them)
    paragraph_style(
        doc,
        STYLE_SIGNATURE,
        FANGSONG,
        BODY_SIZE,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent_chars=0,
        latin=FANGSONG,
        condensed=CONDENSED,
    )
    paragraph_style(
        doc,
        STYLE_FOOTER,
        SONGTI,
        PAGE_NUMBER_SIZE,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent_chars=0,
        exact_line=None,
        latin=SONGTI,
        snap=False,
    )


def build_reference() -> bytes:
    doc = Document()
    _chinese_defaults(doc)
    define_styles(doc)
    _page_setup(doc)
    font_table_entries(doc, FONT_TABLE)
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
        # python-docx annotates its writer factory class where any object with write() does
        PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]
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
