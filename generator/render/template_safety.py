"""A user's Word template made inert before it is opened: nothing in a report may fetch or run anything.

``sanitise(data)`` takes the template package's bytes and returns the package without

- every external relationship (``TargetMode="External"``: remote images, hyperlinks, ``attachedTemplate``,
  remote fonts, sub-documents, frames, mail-merge sources), and the elements that used them;
- embedded OLE objects (``word/embeddings/*``, ``w:object``), ActiveX controls (``word/activeX/*``, ``w:control``);
- macros (``vbaProject.bin``, ``vbaData.xml``); macro-enabled or template content types become a plain document;
- custom XML parts (``customXml/*``) and data bindings, document variables (``w:docVars``), web frames
  (``w:frameset``), imported chunks (``w:altChunk``) and fields that fetch or run (INCLUDEPICTURE, DDEAUTO…),

together with what was removed, named in Chinese for one reminder (``reminder``). Page setup, styles, fonts,
numbering, headers and footers and their internal images (the letterhead) are kept as they are.

Custom XML that Word and python-docx put in nearly every template (a bibliography store, cover-page
properties, bindings to the document's own title and author) is removed too, but quietly: it fetches and
runs nothing, so it is no reason to alarm a clerk. Any other custom XML is named in the reminder.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAIN_TYPES = (  # a template or a macro-enabled package opens as a plain document
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)

# What each removed thing is called in the reminder.
REMOTE = {
    "image": "远程图片",
    "hyperlink": "超链接",
    "attachedTemplate": "外部模板（attachedTemplate）",
    "font": "远程字体",
    "subDocument": "子文档",
    "frame": "框架",
}
OLE, ACTIVEX, MACRO, CUSTOM_XML = "嵌入的 OLE 对象", "ActiveX 控件", "宏（VBA）", "自定义 XML 数据（customXml）"
DOC_VARS, FRAMESET, ALT_CHUNK, FIELD = "文档变量（docVars）", "网页框架", "外部内容块（altChunk）", "取外部内容的域"

DROPPED_PARTS = (  # part name pattern → what it is
    (re.compile(r"word/embeddings/", re.I), OLE),
    (re.compile(r"word/activeX/", re.I), ACTIVEX),
    (re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$|(^|/)vbaProjectSignature", re.I), MACRO),
    (re.compile(r"^customXml/", re.I), CUSTOM_XML),
)
DROPPED_TYPES = (  # relationship type endings whose target is dropped even when internal
    ("/oleObject", OLE),
    ("/package", OLE),
    ("/control", ACTIVEX),
    ("/activeXControl", ACTIVEX),
    ("/activeXControlBinary", ACTIVEX),
    ("/vbaProject", MACRO),
    ("/wordVbaData", MACRO),
    ("/vbaProjectSignature", MACRO),
    ("/keyMapCustomizations", MACRO),
    ("/customXml", CUSTOM_XML),
    ("/customXmlProps", CUSTOM_XML),
    ("/aFChunk", ALT_CHUNK),
    ("/attachedTemplate", REMOTE["attachedTemplate"]),
    ("/subDocument", REMOTE["subDocument"]),
    ("/frame", REMOTE["frame"]),
)
DROPPED_CONTENT = ("vbaProject", "vbaData", "oleObject", "activeX", "ms-office.control", "macroEnabled", "customXml")
# Elements removed whole when they refer to a removed relationship (the nearest such ancestor goes).
HOLDERS = {
    f"{{{W}}}{name}"
    for name in (
        "drawing", "pict", "object", "control", "altChunk", "subDoc", "attachedTemplate", "mailMerge",
        "embedRegular", "embedBold", "embedItalic", "embedBoldItalic", "frame",
    )
}  # fmt: skip
ALWAYS_REMOVED = {  # removed wherever they are, with what they are called
    f"{{{W}}}docVars": DOC_VARS,
    f"{{{W}}}frameset": FRAMESET,
    f"{{{W}}}altChunk": ALT_CHUNK,
    f"{{{W}}}object": OLE,
    f"{{{W}}}control": ACTIVEX,
    f"{{{W}}}dataBinding": CUSTOM_XML,
    f"{{{W}}}attachedTemplate": REMOTE["attachedTemplate"],
}
FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|DDEAUTO|DDE|LINK|IMPORT|HYPERLINK)\b", re.I)
# Custom XML stores Word itself writes: a bibliography, cover-page properties, the package's own properties.
HARMLESS_STORES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
        "http://schemas.microsoft.com/office/2006/coverPageProps",
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://purl.org/dc/dcmitype/",
        "http://www.w3.org/2001/XMLSchema-instance",
    }
)
OUTSIDE = re.compile(r"^\s*(https?:|ftp:|file:|\\\\|//)", re.I)
DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


@dataclass
class Removed:
    """What ``sanitise`` took out: its kinds (in the order met) and the first few remote addresses.

    ``quiet`` holds what was removed without a word (Word's own harmless custom XML): it is not a reason to remind.
    """

    kinds: dict[str, None] = field(default_factory=dict)
    addresses: list[str] = field(default_factory=list)
    quiet: dict[str, None] = field(default_factory=dict)
    harmless_custom_xml: bool = False  # every custom XML part of the package is of Word's harmless kinds

    def add(self, kind: str, address: str = "") -> None:
        if kind == CUSTOM_XML and self.harmless_custom_xml and not address:
            self.quiet.setdefault(kind)
            return
        self.kinds.setdefault(kind)
        if address and address not in self.addresses:
            self.addresses.append(address)

    def __bool__(self) -> bool:
        return bool(self.kinds)


def reminder(removed: Removed, name: str) -> str:
    """One Chinese reminder naming everything removed from template ``name`` ("" when nothing was)."""
    if not removed:
        return ""
    parts = "、".join(removed.kinds)
    shown = "、".join(_clip(a) for a in removed.addresses[:3]) + (" 等" if len(removed.addresses) > 3 else "")
    return (
        f"提醒：模板文件 {name} 中的以下内容已去掉，不会带入生成的报告：{parts}。"
        + (f"去掉的外部地址：{shown}。" if removed.addresses else "")
        + "这些内容可能在打开报告时联网取内容、运行程序或带入隐藏的数据；页面设置、样式、字体、页眉页脚及其中的图片已保留。"
    )


def sanitise(data: bytes) -> tuple[bytes, Removed]:
    """The template package without anything that fetches or runs (see the module docstring)."""
    removed = Removed()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        names = {info.filename for info in infos}
        removed.harmless_custom_xml = _harmless_custom_xml(source, names)
        dropped = {n for n in names if _dropped_part(n, removed)}
        while True:  # a part dropped through one relationship may be the target of another
            known = len(dropped)
            rels_out, gone_ids = _clean_all_rels(source, names, dropped, removed)
            if len(dropped) == known:
                break
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in infos:
                if info.filename in dropped:
                    continue
                if info.filename in rels_out:
                    blob = rels_out[info.filename]
                elif info.filename == "[Content_Types].xml":
                    blob = _clean_content_types(source.read(info), dropped)
                elif info.filename.lower().endswith(".xml"):
                    blob = _clean_xml(source.read(info), gone_ids.get(info.filename, set()), removed)
                else:
                    blob = source.read(info)
                target.writestr(info, blob)
    return out.getvalue(), removed


def _clean_all_rels(source: zipfile.ZipFile, names: set[str], dropped: set[str], removed: Removed):
    """Every kept part's relationships cleaned, and the relationship ids removed from each part."""
    rels_out: dict[str, bytes] = {}
    gone_ids: dict[str, set[str]] = {}
    for name in sorted(n for n in names if n.endswith(".rels") and n not in dropped):
        part = _source_part(name)
        if part in dropped:
            dropped.add(name)
            continue
        rels_out[name], gone_ids[part], targets = _clean_rels(source.read(name), part, removed, dropped)
        dropped |= targets
    return rels_out, gone_ids


def _harmless_custom_xml(source: zipfile.ZipFile, names: set[str]) -> bool:
    """Every ``customXml/*`` part is Word's own kind: a store of a harmless schema, its properties naming only
    such schemas, and relationships to those properties alone (nothing external)."""
    for name in (n for n in names if n.lower().startswith("customxml/")):
        try:
            root = etree.fromstring(source.read(name), PARSER)
        except (etree.XMLSyntaxError, KeyError, ValueError):
            return False
        if name.endswith(".rels"):
            if any(
                (rel.get("TargetMode") or "").lower() == "external"
                or not (rel.get("Type") or "").endswith("/customXmlProps")
                for rel in root
            ):
                return False
        elif etree.QName(root).namespace == DATASTORE:
            refs = {ref.get(f"{{{DATASTORE}}}uri") for ref in root.iter(f"{{{DATASTORE}}}schemaRef")}
            if not refs <= HARMLESS_STORES:
                return False
        elif etree.QName(root).namespace not in HARMLESS_STORES or _refers_outside(root):
            return False
    return True


def _refers_outside(root) -> bool:
    """Any attribute or text of a store that is an address a program could fetch (http, file, UNC)."""
    for element in root.iter():
        if isinstance(element.tag, str) and any(
            OUTSIDE.match(value) for value in (*element.attrib.values(), element.text or "")
        ):
            return True
    return False


def _binds_harmless_store(binding) -> bool:
    """A content control bound to the document's own properties or a cover-page store (names only harmless schemas)."""
    mappings = binding.get(f"{{{W}}}prefixMappings") or ""
    spaces = set(re.findall(r"xmlns:\w+=['\"]([^'\"]*)['\"]", mappings))
    return bool(spaces) and spaces <= HARMLESS_STORES


def _dropped_part(name: str, removed: Removed) -> bool:
    for pattern, kind in DROPPED_PARTS:
        if pattern.search(name):
            removed.add(kind)
            return True
    return False


def _source_part(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml`` (``_rels/.rels`` → "")."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")]).lstrip("/")


def _clean_rels(blob: bytes, part: str, removed: Removed, dropped: set[str]) -> tuple[bytes, set[str], set[str]]:
    """The relationships of ``part`` without external or dangerous ones: (xml, removed ids, parts to drop)."""
    root = etree.fromstring(blob, PARSER)
    ids: set[str] = set()
    targets: set[str] = set()
    for rel in list(root):
        kind, target = rel.get("Type") or "", rel.get("Target") or ""
        internal = posixpath.normpath(posixpath.join(posixpath.dirname(part), target)).lstrip("/")
        if target.startswith("/"):
            internal = target.lstrip("/")
        external = (rel.get("TargetMode") or "").lower() == "external"
        what = next((label for ending, label in DROPPED_TYPES if kind.endswith(ending)), None)
        if external:
            if what is None or what in (OLE, ACTIVEX, MACRO, CUSTOM_XML):
                what = next((v for k, v in REMOTE.items() if kind.endswith("/" + k)), what or "外部链接")
            removed.add(what, target)
        elif what is not None:
            targets.add(internal)
            removed.add(what)
        elif internal not in dropped:
            continue
        ids.add(rel.get("Id") or "")
        root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), ids, targets


def _clean_content_types(blob: bytes, dropped: set[str]) -> bytes:
    root = etree.fromstring(blob, PARSER)
    for entry in list(root):
        content = entry.get("ContentType") or ""
        if content in MAIN_TYPES:
            entry.set("ContentType", DOCUMENT_MAIN)
        elif entry.get("PartName", "").lstrip("/") in dropped or any(t in content for t in DROPPED_CONTENT):
            root.remove(entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clean_xml(blob: bytes, gone: set[str], removed: Removed) -> bytes:
    """A part's XML without the elements that used removed relationships or that fetch or run by themselves."""
    try:
        root = etree.fromstring(blob, PARSER)
    except etree.XMLSyntaxError:
        return blob  # not ours to judge: python-docx says whether the package opens
    changed = False
    for element in list(root.iter(*ALWAYS_REMOVED)):
        if element.getparent() is not None and _detach(element):
            if element.tag == f"{{{W}}}dataBinding" and _binds_harmless_store(element):
                removed.quiet.setdefault(CUSTOM_XML)
            else:
                removed.add(ALWAYS_REMOVED[element.tag])
            changed = True
    if gone:
        changed |= _drop_references(root, gone)
    changed |= _neutralise_fields(root, removed)
    if not changed:
        return blob
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_references(root, gone: set[str]) -> bool:
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        refs = [a for a, v in element.attrib.items() if a.startswith(f"{{{R}}}") and v in gone]
        if not refs or _orphaned(element, root):
            continue
        changed = True
        if element.tag == f"{{{W}}}hyperlink":
            _unwrap(element)
            continue
        if etree.QName(element).localname in ("hlinkClick", "hlinkHover"):  # a picture's link, not the picture
            _detach(element)
            continue
        holder = next((a for a in element.iterancestors() if a.tag in HOLDERS), None)
        if element.tag in HOLDERS:
            holder = element
        if holder is not None:
            _detach(holder)
        else:
            for attr in refs:
                del element.attrib[attr]
    return changed


def _neutralise_fields(root, removed: Removed) -> bool:
    """Fields that fetch or run: a simple field keeps its shown text, a complex one loses its code."""
    changed = False
    for simple in list(root.iter(f"{{{W}}}fldSimple")):
        if FETCHING_FIELD.match(simple.get(f"{{{W}}}instr") or "") and not _orphaned(simple, root):
            _unwrap(simple)
            removed.add(FIELD)
            changed = True
    for codes in _field_codes(root):  # a field's code may be split over many runs: judged whole
        if FETCHING_FIELD.match("".join(code.text or "" for code in codes)):
            for code in codes:
                code.text = ""
            removed.add(FIELD)
            changed = True
    return changed


def _field_codes(root) -> list[list]:
    """The w:instrText elements of each complex field (between its begin and separate/end marks), nested ones apart."""
    fields: list[list] = []
    open_fields: list[list] = []
    for element in root.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText"):
        if element.tag == f"{{{W}}}instrText":
            if open_fields:
                open_fields[-1].append(element)
            else:  # a code without its begin mark: judged alone
                fields.append([element])
            continue
        kind = element.get(f"{{{W}}}fldCharType")
        if kind == "begin":
            open_fields.append([])
        elif kind in ("separate", "end") and open_fields:
            codes = open_fields.pop()
            fields.append(codes)
            if kind == "separate":  # the result follows: a placeholder keeps begin/end balanced
                open_fields.append([])
    return fields + open_fields


def _orphaned(element, root) -> bool:
    """Already taken out of ``root`` with an ancestor."""
    top = element
    while top.getparent() is not None:
        top = top.getparent()
    return top is not root


def _detach(element) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    parent.remove(element)
    return True


def _unwrap(element) -> None:
    """Replace ``element`` by its children (a hyperlink keeps its text)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        if child.tag == f"{{{W}}}rPr" or (isinstance(child.tag, str) and child.tag.endswith("}pPr")):
            continue
        parent.insert(index + offset, child)
    parent.remove(element)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
