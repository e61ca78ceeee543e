"""An office's own Word template (``--template``): any .docx (or .dotx), completed with what the report needs.

The template keeps what it has: page setup, headers and footers, and the styles the report uses where its
author changed them (by name, English or Chinese; a font or size other than a tool's default). A style as
Word, WPS, LibreOffice or python-docx wrote it, never edited (a blue Title with a rule, blue bold headings),
gets the official look from templates/reference.docx, as do the styles it lacks, the 落款 in the size of
its body text. ``template_note`` says which styles were kept. Also from templates/reference.docx:
the missing paragraph styles, page numbers 「— N —」 (odd pages right, even pages left) and the font
table fallbacks. A short letterhead (红头) at the top of its body stays above the report; a longer body
(a whole document used as a template) is dropped.
"""

from __future__ import annotations

import copy
import io
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from ..errors import InputError
from ..limits import check_size, check_zip
from ..resources import template_bytes
from .docx_reference import (
    FONT_TABLE,
    STYLE_BODY,
    STYLE_H1,
    STYLE_H2,
    STYLE_SIGNATURE,
    STYLE_TABLE,
    STYLE_TITLE,
    font_table_entries,
    page_number_footer,
)
from .template_safety import reminder, sanitise

REFERENCE = "reference.docx"  # in templates/: page setup and styles (GB/T 9704)
ROLES = (STYLE_BODY, STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_TABLE, STYLE_SIGNATURE)
# Names a template may give our styles (Word writes the English built-in names, WPS and LibreOffice
# sometimes the Chinese ones).
ALIASES = {
    STYLE_BODY: ("normal", "正文", "default paragraph style"),
    STYLE_TITLE: ("title", "标题"),
    STYLE_H1: ("heading 1", "标题 1", "标题1"),
    STYLE_H2: ("heading 2", "标题 2", "标题2"),
    STYLE_TABLE: ("table text", "表格文字", "表格"),
    STYLE_SIGNATURE: ("signature line", "落款"),
}
# Fonts and sizes (half-points) the tools write into styles nobody edited: python-docx's default template,
# Word's Normal.dotm (English and Chinese), WPS and LibreOffice. A style naming only these is a default.
TOOL_FONTS = frozenset(
    name.casefold()
    for name in (
        "Calibri", "Calibri Light", "Cambria", "Arial", "Times New Roman", "Liberation Serif", "Liberation Sans",
        "DejaVu Sans", "DejaVu Serif", "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans CN",
        "Source Han Serif CN", "等线", "等线 Light", "DengXian", "DengXian Light", "宋体", "SimSun", "MS Mincho",
        "MS Gothic", "Lohit Devanagari", "Noto Sans Devanagari", "FreeSans", "Segoe UI", "Microsoft YaHei",
    )
)  # fmt: skip
TOOL_SIZES = {
    STYLE_BODY: {20, 21, 22, 24},  # 10, 10.5 (五号), 11, 12 pt
    STYLE_TITLE: {44, 52, 56},
    STYLE_H1: {28, 32, 36, 44},
    STYLE_H2: {26, 28, 32},
}
ROLE_NAMES = {STYLE_BODY: "正文", STYLE_TITLE: "标题", STYLE_H1: "标题 1", STYLE_H2: "标题 2",
              STYLE_TABLE: "表格文字", STYLE_SIGNATURE: "落款"}  # fmt: skip
FONT_ATTRS = tuple(qn(f"w:{a}") for a in ("ascii", "hAnsi", "eastAsia"))
LETTERHEAD_BLOCKS = 5  # at most this many non-empty paragraphs/tables in a template's body are a letterhead


class TemplateStripped(UserWarning):
    """Parts of a --template that could fetch or run were removed; the message is the Chinese reminder."""


class TemplateError(InputError):
    """A user's --template cannot be used (message in Chinese; exit code 2)."""


def open_template(template: Path | None):
    """The document to render into (its body holding at most a letterhead) and the style id of each role."""
    doc = _reference_document() if template is None else _load(Path(template))
    letterhead = _letterhead(doc)
    if template is None:  # ours has everything
        return doc, {role: _find_style(doc, role).get(qn("w:styleId")) for role in ROLES}
    ids, _ = _complete_styles(doc)
    _complete_page_numbers(doc)
    font_table_entries(doc, FONT_TABLE)
    body = doc.element.body
    for child in letterhead:
        body.insert(len(body) - 1, child)
    return doc, ids


def _load(path: Path):
    try:
        check_size(path, what="模板")
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"模板文件 {path} 无法读取（{exc.strerror or exc}）。") from None
    except InputError as exc:
        raise TemplateError(str(exc)) from None
    try:
        check_zip(data, what="模板", name=f"模板文件 {path.name}")
    except InputError as exc:
        raise TemplateError(str(exc)) from None
    if not data.strip(b"\x00 \t\r\n"):
        raise TemplateError(
            f"模板文件 {path} 是空的（{len(data)} 字节），没有任何内容。请重新复制或重新保存模板后再试。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise TemplateError(
            f"模板文件 {path} 设置了打开密码（已加密），无法使用。请在 Word 或 WPS 中输入密码打开，取消打开密码后保存，再用。"
        )
    if data.startswith(b"PK") and not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(
            f"模板文件 {path} 已损坏（压缩包不完整），无法打开。可能是下载或复制没有完成，请重新复制或重新保存后再用。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(
            f"模板文件 {path} 不是 Word 文档（.docx）。如果是旧的 .doc 或 .wps 文件，"
            "请在 Word 或 WPS 中“另存为” .docx 后再用。"
        )
    try:
        data, removed = sanitise(data)  # nothing that fetches or runs; a .dotx/.docm opens as a document
        doc = Document(io.BytesIO(data))
        body = doc.element.body
    except Exception as exc:  # python-docx raises several types for a broken package
        raise TemplateError(
            f"模板文件 {path} 无法打开（{type(exc).__name__}），请用 Word 或 WPS 重新保存为 .docx。"
        ) from None
    if body is None:
        raise TemplateError(
            f"模板文件 {path} 缺少正文部分（w:body），不是完整的 Word 文档。请用 Word 或 WPS 重新保存。"
        )
    if removed:
        warnings.warn(TemplateStripped(reminder(removed, path.name)), stacklevel=2)
    if body.find(qn("w:sectPr")) is None:  # no page setup at all: ours
        body.append(copy.deepcopy(_reference_page_setup()))
    return doc


def _letterhead(doc) -> list:
    """Take the template's body out; return its blocks worth keeping above the report (a letterhead)."""
    body = doc.element.body
    blocks = [child for child in body if child.tag != qn("w:sectPr")]
    for child in blocks:
        body.remove(child)
    kept = [b for b in blocks if b.tag == qn("w:tbl") or (b.tag == qn("w:p") and _has_content(b))]
    if len(kept) > LETTERHEAD_BLOCKS:
        return []
    for block in kept:  # a section break inside the letterhead would split the report's page setup
        for sect_pr in block.iter(qn("w:sectPr")):
            sect_pr.getparent().remove(sect_pr)
    return kept


def _has_content(paragraph) -> bool:
    text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
    drawn = any(next(paragraph.iter(qn(tag)), None) is not None for tag in ("w:drawing", "w:pict", "w:object"))
    bordered = paragraph.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None  # the red line of a 红头
    return bool(text.strip()) or drawn or bordered


def _reference_document():
    """A fresh Document of our reference template (read through importlib.resources)."""
    return Document(io.BytesIO(template_bytes(REFERENCE)))


@lru_cache(maxsize=1)
def _reference():
    return _reference_document()


@lru_cache(maxsize=1)
def _reference_styles() -> dict[str, bytes]:
    return {role: etree.tostring(_find_style(_reference(), role)) for role in ROLES}


def _reference_page_setup():
    """Our section properties without their header/footer references (they belong to our package)."""
    sect_pr = copy.deepcopy(_reference().element.body.find(qn("w:sectPr")))
    for ref in sect_pr.findall(qn("w:footerReference")) + sect_pr.findall(qn("w:headerReference")):
        sect_pr.remove(ref)
    return sect_pr


def _find_style(doc, role: str):
    """The template's paragraph style for ``role`` (by name, case-insensitive, or an alias), or None."""
    names = {role.lower(), *ALIASES[role]}
    styles = doc.styles.element.findall(qn("w:style"))
    for style in styles:
        name = style.find(qn("w:name"))
        if style.get(qn("w:type")) == "paragraph" and name is not None and name.get(qn("w:val")).lower() in names:
            return style
    if role == STYLE_BODY:  # the default paragraph style, whatever it is called
        return next(
            (s for s in styles if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")), None
        )
    return None


def _complete_styles(doc) -> tuple[dict[str, str], list[str]]:
    """The style id of each role, and the roles whose template style is kept because its author edited it.
    A role the template lacks gets our style; one it has unedited gets our style under its own id and name."""
    ids: dict[str, str] = {}
    kept: list[str] = []
    styles = doc.styles.element
    taken = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for role in ROLES:
        style = _find_style(doc, role)
        if style is not None and edited(style, role) and _laid_out(style):
            kept.append(role)
            if role in (STYLE_TITLE, STYLE_H1, STYLE_H2):
                for numbering in style.iter(qn("w:numPr")):  # our headings carry their numbers (一、…)
                    numbering.getparent().remove(numbering)
        else:
            ours = _our_style(role, ids.get(STYLE_BODY))
            if style is not None and edited(style, role):  # its fonts and sizes, in our paragraph layout
                kept.append(role)
                _take_character_format(ours, style)
            if style is None:
                reference_id = ours.get(qn("w:styleId"))
                assert reference_id is not None, "every style of our reference.docx has an id"
                ours.set(qn("w:styleId"), _unique(reference_id, taken))
                styles.append(ours)
            else:  # the template's defaults give way; Word keeps finding the style by its id and name
                ours.set(qn("w:styleId"), style.get(qn("w:styleId")))
                ours.find(qn("w:name")).set(qn("w:val"), style.find(qn("w:name")).get(qn("w:val")))
                styles.replace(style, ours)
            taken.add(ours.get(qn("w:styleId")))
            style = ours
            if role == STYLE_SIGNATURE and STYLE_BODY in kept:
                _same_size(style, _find_style(doc, STYLE_BODY))
        ids[role] = style.get(qn("w:styleId"))
    return ids, kept


def edited(style, role: str) -> bool:
    """Whether a template's style names a font or size the tools never write by themselves for ``role``."""
    rpr = style.find(qn("w:rPr"))
    if rpr is None:
        return False
    fonts = [f.get(attr) for f in rpr.findall(qn("w:rFonts")) for attr in FONT_ATTRS if f.get(attr)]
    if any(font.casefold() not in TOOL_FONTS for font in fonts):
        return True
    size = rpr.find(qn("w:sz"))
    return size is not None and int(size.get(qn("w:val"), "0")) not in TOOL_SIZES.get(role, set())


def _laid_out(style) -> bool:
    """Whether the author set the paragraph layout too (alignment or indents): then it is all theirs."""
    ppr = style.find(qn("w:pPr"))
    return ppr is not None and (ppr.find(qn("w:jc")) is not None or ppr.find(qn("w:ind")) is not None)


def _take_character_format(ours, theirs) -> None:
    """Our style with the template's character format (fonts, size, colour, weight) instead of ours; an explicit
    font wins over the theme font Word would otherwise show."""
    rpr = theirs.find(qn("w:rPr"))
    if rpr is None:
        return
    rpr = copy.deepcopy(rpr)
    for fonts in rpr.findall(qn("w:rFonts")):
        for kind in ("ascii", "hAnsi", "eastAsia"):
            if fonts.get(qn(f"w:{kind}")):
                fonts.attrib.pop(qn(f"w:{kind}Theme"), None)
    old = ours.find(qn("w:rPr"))
    if old is not None:
        ours.remove(old)
    ours.append(rpr)


def _our_style(role: str, body_id: str | None):
    """A fresh copy of our reference style for ``role``, based on the body style ``body_id``."""
    style = parse_xml(_reference_styles()[role])
    for ref in ("w:link", "w:next", "w:rsid"):
        for old in style.findall(qn(ref)):
            style.remove(old)
    based = style.find(qn("w:basedOn"))
    if based is not None:
        if body_id and role != STYLE_BODY:
            based.set(qn("w:val"), body_id)
        else:
            style.remove(based)
    if role == STYLE_BODY:
        style.set(qn("w:default"), "1")
    return style


def _same_size(style, body) -> None:
    """The 落款 in the size of the template's body text (GB/T 9704: 落款 in the body's size)."""
    size = body.find(f"{qn('w:rPr')}/{qn('w:sz')}") if body is not None else None
    if size is None:
        return
    for tag in ("w:sz", "w:szCs"):
        ours = style.find(f"{qn('w:rPr')}/{qn(tag)}")
        if ours is not None:
            ours.set(qn("w:val"), size.get(qn("w:val")))


def template_note(template: Path) -> str:
    """A reminder in Chinese: what of the template the Word report keeps, and which styles are the official
    ones because the template had them unedited or not at all."""
    doc = _load(Path(template))
    kept = [role for role in ROLES if (style := _find_style(doc, role)) is not None and edited(style, role)]
    laid_out = [role for role in kept if _laid_out(_find_style(doc, role))]
    ours = [role for role in ROLES if role not in kept]
    parts = [f"模板 {Path(template).name}：Word 报告保留模板的页面设置、页眉页脚和版头"]
    if kept:
        parts.append(f"模板中改过字体或字号的样式「{'」「'.join(ROLE_NAMES[r] for r in kept)}」保留其字体字号")
    if laid_out:
        parts.append(f"「{'」「'.join(ROLE_NAMES[r] for r in laid_out)}」的对齐和缩进也照模板")
    if ours:
        parts.append(
            f"「{'」「'.join(ROLE_NAMES[r] for r in ours)}」是模板未改动的默认样式或模板没有，用公文格式（GB/T 9704）"
        )
    return "；".join(parts) + "。"


def _unique(style_id: str, taken: set[str]) -> str:
    candidate, n = style_id, 1
    while candidate in taken:
        candidate, n = f"Nb{style_id}{n if n > 1 else ''}", n + 1
    return candidate


def _complete_page_numbers(doc) -> None:
    """Keep the template's page numbers; a template without any gets ours, odd right and even left."""
    section = doc.sections[-1]
    footers = (section.footer, section.even_page_footer, section.first_page_footer)
    if any(not f.is_linked_to_previous and "PAGE" in f._element.xml for f in footers):
        return
    settings = doc.settings
    if not settings.odd_and_even_pages_header_footer and not section.header.is_linked_to_previous:
        _copy_story(section.header, section.even_page_header)  # even pages keep the template's header
    settings.odd_and_even_pages_header_footer = True
    page_number_footer(section.footer, "right")
    page_number_footer(section.even_page_footer, "left")


def _copy_story(source, target) -> None:
    """Copy a header's paragraphs and tables (and the pictures they show) into another header."""
    target.is_linked_to_previous = False
    target_part, source_part = target.part, source.part
    element = target._element
    for child in list(element):
        element.remove(child)
    for child in source._element:
        clone = copy.deepcopy(child)
        for node in clone.iter():
            for attr, value in list(node.attrib.items()):
                if attr in (qn("r:id"), qn("r:embed"), qn("r:link")) and value in source_part.rels:
                    rel = source_part.rels[value]
                    node.set(
                        attr,
                        target_part.relate_to(
                            rel.target_ref if rel.is_external else rel.target_part, rel.reltype, rel.is_external
                        ),
                    )
        element.append(clone)
