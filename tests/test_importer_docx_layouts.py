"""Word layouts: the body inside a 1×1 frame table, tables whose cells are content controls (w:sdt),
text boxes, tables nested in a layout table. Each is made from our own rendering of an example (so the
truth is the example's data) and must give back every number."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from generator.inputs import load_report
from generator.inputs.importer import import_report
from generator.render import render

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "青石街道-2025.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def source():
    return load_report(EXAMPLE)


def _document(source):
    return Document(io.BytesIO(render(source, "docx")))


def _body_children(body):
    return [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]


def _frame(children, columns: int = 1):
    """A layout table of one row whose cells take the given element lists."""
    grid = "".join("<w:gridCol w:w='9000'/>" for _ in range(columns))
    table = parse_xml(f"<w:tbl {nsdecls('w')}><w:tblPr/><w:tblGrid>{grid}</w:tblGrid><w:tr/></w:tbl>")
    row = table.find(qn("w:tr"))
    for part in children:
        cell = parse_xml(f"<w:tc {nsdecls('w')}><w:tcPr><w:tcW w:w='9000' w:type='dxa'/></w:tcPr></w:tc>")
        for child in part:
            cell.append(child)
        if not len(part) or part[-1].tag != qn("w:p"):
            cell.append(parse_xml(f"<w:p {nsdecls('w')}/>"))  # a cell ends with a paragraph
        row.append(cell)
    return table


def body_in_a_frame(document):
    body = document.element.body
    children = _body_children(body)
    body.insert(0, _frame([children]))


def cells_as_content_controls(document):
    for tc in list(document.element.body.iter(qn("w:tc"))):
        sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
        tc.addprevious(sdt)
        sdt.find(qn("w:sdtContent")).append(tc)
        for p in list(tc.iterchildren(qn("w:p"))):  # and the cell's paragraph inside a control of its own
            inner = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
            p.addprevious(inner)
            inner.find(qn("w:sdtContent")).append(p)


def title_in_a_text_box(document):
    """The title paragraphs moved into a DrawingML text box, with the VML fallback copy Word writes."""
    body = document.element.body
    first = _body_children(body)[0]
    box = (
        f"<w:p {nsdecls('w')} xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'"
        " xmlns:wps='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'"
        " xmlns:v='urn:schemas-microsoft-com:vml'><w:r><mc:AlternateContent><mc:Choice Requires='wps'>"
        "<w:drawing><wps:txbx><w:txbxContent/></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
        "<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    anchor = parse_xml(box)
    first.addprevious(anchor)
    choice, fallback = anchor.iter(qn("w:txbxContent"))
    fallback.append(copy.deepcopy(first))
    choice.append(first)


def tables_nested_in_a_layout_table(document):
    body = document.element.body
    tables = [c for c in _body_children(body) if c.tag == qn("w:tbl")]
    for table in tables[-2:]:  # each real table in the first cell of a two-cell layout table
        marker = parse_xml(f"<w:p {nsdecls('w')}/>")
        table.addprevious(marker)
        marker.addprevious(_frame([[table], []], columns=2))
        body.remove(marker)


@pytest.mark.parametrize(
    "change", [body_in_a_frame, cells_as_content_controls, title_in_a_text_box, tables_nested_in_a_layout_table]
)
def test_word_layouts_give_back_every_number(source, change, tmp_path):
    document = _document(source)
    change(document)
    path = tmp_path / "report.docx"
    document.save(str(path))
    report = import_report(path)
    assert report.agency.name == source.agency.name and report.year == source.year
    for p in source.format.input_paths:
        assert report.number(p) == source.number(p), p
    assert not [f for f in report.read_findings if f.rule in ("I-1", "I-2", "I-4")]
    assert report.prose["problems"] == source.prose["problems"].strip()


def test_text_box_is_read_once_as_its_own_paragraphs(source, tmp_path):
    """Word writes a text box twice (DrawingML and a VML fallback): its text is one paragraph, once."""
    from generator.inputs.importer.docx import items_from_docx

    def texts(document) -> list[str]:
        path = tmp_path / "report.docx"
        document.save(str(path))
        return [item.text for item in items_from_docx(path).items]

    document = _document(source)
    plain = texts(document)
    title_in_a_text_box(document)
    assert texts(document) == plain
