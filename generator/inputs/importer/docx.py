"""Word (.docx) into items: body paragraphs and table cells in reading order (python-docx / lxml).

Merged cells appear once: a horizontal merge (gridSpan) is one cell, the continuation of a vertical
merge (vMerge) is an empty cell, so the value cells of a row are exactly the cells after its label.
A picture in a paragraph becomes an image item (a table pasted as a picture cannot be read).

Reports are also laid out with Word's tools: the whole body inside a 1×1 frame table or a table whose
cells hold the real tables (read as the body they frame), cells and paragraphs inside content controls
(``w:sdt``), and text boxes (``w:txbxContent``, read as paragraphs where they are anchored).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError
from ...limits import check_zip
from .items import Item, Source, clean


def items_from_docx(path: Path) -> Source:
    from docx import Document
    from docx.oxml.ns import qn

    try:
        check_zip(path, what="年度报告")
        document = Document(str(path))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises several types for a damaged or non-Word file
        if "huge text node" in str(exc) or "Text node too long" in str(exc):  # lxml: 10 MB for one run of text
            raise InputError(
                f"{path.name}：文档中有一段连续文字超过 10 MB（约 300 万个汉字），超出读取上限，未读取。"
                "年度报告不会有这么长的一段，请检查文档内容（可能是复制时带入了大量无关文字）。"
            ) from None
        raise InputError(
            f"{path.name}：无法作为 Word 文档打开，文件可能已损坏或不是 Word 文档。"
            "请确认是 .docx 格式（.doc 请先用 Word/WPS 另存为 .docx）。"
        ) from None
    items: list[Item] = []
    counters = {"para": 0, "table": 0, "row": 0}
    _read_blocks(document.element.body, items, counters, qn)
    return Source(items, exact_cells=True)


def _read_blocks(container, items: list[Item], counters: dict, qn) -> None:
    """Paragraphs and tables in reading order; a layout table (a 1×1 frame, or one holding tables) is read
    as the body it frames, and text boxes as paragraphs after the paragraph that anchors them."""
    for element in _blocks(container, qn):
        if element.tag == qn("w:p"):
            counters["para"] += 1
            where = f"第{counters['para']}段"
            for line in _paragraph_text(element, qn).split("\n"):
                if line.strip():
                    items.append(Item(clean(line).strip(), where))
            for box in _text_boxes(element, qn):
                _read_blocks(box, items, counters, qn)
            if _has_picture(element, qn):
                items.append(Item("", f"{where}的图片", image=True))
        elif _is_layout(element, qn):
            for tc in _cells(element, qn):
                _read_blocks(tc, items, counters, qn)
        else:
            counters["table"] += 1
            items += _table_items(element, counters, qn)


def _children(parent, tags: tuple[str, ...], qn):
    """The children of ``parent`` with one of ``tags``, looking through content controls (w:sdt) and custom XML."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent"))
            yield from _children(child if content is None else content, tags, qn)


def _blocks(body, qn):
    """Paragraphs and tables of a body or cell."""
    return _children(body, (qn("w:p"), qn("w:tbl")), qn)


def _rows(table, qn):
    return _children(table, (qn("w:tr"),), qn)


def _cells(row_or_table, qn):
    """The cells of a row (or of every row of a table)."""
    if row_or_table.tag == qn("w:tbl"):
        for tr in _rows(row_or_table, qn):
            yield from _cells(tr, qn)
        return
    yield from _children(row_or_table, (qn("w:tc"),), qn)


def _is_layout(table, qn) -> bool:
    """A table used for page layout: one cell only, or cells that hold tables of their own."""
    cells = list(_cells(table, qn))
    return len(cells) == 1 or any(tc.find(f".//{qn('w:tbl')}") is not None for tc in cells)


def _text_boxes(p, qn):
    """The text boxes anchored in a paragraph (the VML fallback copy of a DrawingML box left out)."""
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    for box in p.iter(qn("w:txbxContent")):
        if not any(a.tag == fallback for a in box.iterancestors()):
            yield box


def _has_picture(p, qn) -> bool:
    """A drawing that is not a text box: a picture (a table pasted as a picture cannot be read)."""
    return any(node.find(f".//{qn('w:txbxContent')}") is None for node in p.iter(qn("w:drawing"), qn("w:pict")))


def _paragraph_text(p, qn) -> str:
    parts = []
    boxed = {id(node) for box in p.iter(qn("w:txbxContent")) for node in box.iter()}  # read as paragraphs
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if id(node) in boxed:
            continue
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_items(table, counters: dict, qn) -> list[Item]:
    items = []
    for r, tr in enumerate(_rows(table, qn), start=1):
        counters["row"] += 1
        column = 1
        for tc in _cells(tr, qn):
            props = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if props is not None:
                grid_span = props.find(qn("w:gridSpan"))
                span = int(grid_span.get(qn("w:val"), "1")) if grid_span is not None else 1
                v_merge = props.find(qn("w:vMerge"))
                continued = v_merge is not None and v_merge.get(qn("w:val")) != "restart"
            text = "" if continued else "".join(_paragraph_text(p, qn).replace("\n", "") for p in tc.iter(qn("w:p")))
            where = f"第{counters['table']}个表格第{r}行第{column}列"
            items.append(Item(clean(text), where, cell=True, row=counters["row"]))
            column += span
    return items
