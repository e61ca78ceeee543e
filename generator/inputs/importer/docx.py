"""Word (.docx) into items: body paragraphs and table cells in reading order (python-docx / lxml).

Merged cells appear once: a horizontal merge (gridSpan) is one cell, the continuation of a vertical
merge (vMerge) is an empty cell, so the value cells of a row are exactly the cells after its label.
A picture in a paragraph becomes an image item (a table pasted as a picture cannot be read).
"""

from __future__ import annotations

from pathlib import Path

from ...limits import check_zip
from .. import InputError
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
    for element in _blocks(document.element.body, qn):
        if element.tag == qn("w:p"):
            counters["para"] += 1
            for line in _paragraph_text(element, qn).split("\n"):
                if line.strip():
                    items.append(Item(clean(line).strip(), f"第{counters['para']}段"))
            if any(True for _ in element.iter(qn("w:drawing"), qn("w:pict"))):
                items.append(Item("", f"第{counters['para']}段的图片", image=True))
        else:
            counters["table"] += 1
            items += _table_items(element, counters, qn)
    return Source(items, exact_cells=True)


def _blocks(body, qn):
    """Top-level paragraphs and tables, looking inside content controls (w:sdt)."""
    for child in body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, qn)


def _paragraph_text(p, qn) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_items(table, counters: dict, qn) -> list[Item]:
    items = []
    for r, tr in enumerate(table.iterchildren(qn("w:tr")), start=1):
        counters["row"] += 1
        column = 1
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if props is not None:
                grid_span = props.find(qn("w:gridSpan"))
                span = int(grid_span.get(qn("w:val"), "1")) if grid_span is not None else 1
                v_merge = props.find(qn("w:vMerge"))
                continued = v_merge is not None and v_merge.get(qn("w:val")) != "restart"
            text = (
                ""
                if continued
                else "".join(_paragraph_text(p, qn).replace("\n", "") for p in tc.iterchildren(qn("w:p")))
            )
            where = f"第{counters['table']}个表格第{r}行第{column}列"
            items.append(Item(clean(text), where, cell=True, row=counters["row"]))
            column += span
    return items
