"""An office's own Word template (``--template``): any .docx (or .dotx), completed with what the report needs.

The template keeps what it has: page setup, headers and footers, fonts, and the styles the report uses
where it defines them (by name, English or Chinese). What it lacks comes from templates/reference.docx:
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
    ids = _complete_styles(doc)
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


def _complete_styles(doc) -> dict[str, str]:
    """The style id of each role: the template's style, or ours added to it."""
    ids: dict[str, str] = {}
    styles = doc.styles.element
    taken = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for role in ROLES:
        style = _find_style(doc, role)
        if style is None:
            style = parse_xml(_reference_styles()[role])
            reference_id = style.get(qn("w:styleId"))
            assert reference_id is not None, "every style of our reference.docx has an id"
            style_id = _unique(reference_id, taken)
            style.set(qn("w:styleId"), style_id)
            for ref in ("w:link", "w:next", "w:rsid"):
                for old in style.findall(qn(ref)):
                    style.remove(old)
            based = style.find(qn("w:basedOn"))
            if based is not None:
                if ids.get(STYLE_BODY):
                    based.set(qn("w:val"), ids[STYLE_BODY])
                else:
                    style.remove(based)
            if role == STYLE_BODY:
                style.set(qn("w:default"), "1")
            styles.append(style)
            taken.add(style_id)
        elif role in (STYLE_TITLE, STYLE_H1, STYLE_H2):
            for numbering in style.iter(qn("w:numPr")):  # our headings carry their numbers (一、…)
                numbering.getparent().remove(numbering)
        ids[role] = style.get(qn("w:styleId"))
    return ids


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
