"""A web page (.html/.htm) into items: text blocks and table cells in reading order (lxml.html).

Government sites put the report in nested <div>/<p>/<td>; every block element and <br> ends a
line. Cells of a table become cell items; a rowspan/colspan cell appears once.
"""
from __future__ import annotations

from pathlib import Path

from .. import InputError
from .items import Item, Source, clean
from .text import read_text_file

BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
              "footer", "blockquote", "pre", "body", "center", "dd", "dt", "dl", "form", "main", "nav", "aside",
              "table", "tbody", "thead", "tr", "td", "th"}  # table tags: only reached for layout tables
LAYOUT_CELL = 200  # a cell with more text than this holds page content: the table is page layout
SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


def items_from_html(path: Path) -> Source:
    import lxml.etree
    import lxml.html

    text = read_text_file(path)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        raise InputError(f"{path.name}：网页内容为空或无法解析。") from None
    reader = _Reader()
    reader.walk(root)
    reader.flush()
    return Source(reader.items, exact_cells=True)


class _Reader:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.line: list[str] = []
        self.line_where = ""
        self.tables = self.rows = 0

    def add(self, text: str | None, element) -> None:
        if text and text.strip():
            if not self.line:
                self.line_where = f"第{element.sourceline or '?'}行"
            self.line.append(text)

    def flush(self) -> None:
        text = clean(" ".join("".join(self.line).split()))
        if text.strip():
            self.items.append(Item(text, self.line_where))
        self.line = []

    def walk(self, element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        if tag == "table" and not _is_layout(element):
            self.flush()
            self.table(element)
        elif tag == "br":
            self.flush()
        elif tag in BLOCK_TAGS:
            self.flush()
            self.add(element.text, element)
            for child in element:
                self.walk(child)
                self.add(child.tail, element)
            self.flush()
        else:
            self.add(element.text, element)
            for child in element:
                self.walk(child)
                self.add(child.tail, element)

    def table(self, table) -> None:
        self.tables += 1
        for r, tr in enumerate((tr for tr in table.iter("tr") if _owner(tr) is table), start=1):
            self.rows += 1
            for c, cell in enumerate((c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")),
                                     start=1):
                text = "".join(cell.itertext()).strip(" \t\r\n")
                text = "".join(part.strip(" \t\r") for part in text.split("\n"))
                self.items.append(Item(clean(text), f"第{self.tables}个表格第{r}行第{c}个单元格（网页第{cell.sourceline}行）",
                                       cell=True, row=self.rows))


def _is_layout(table) -> bool:
    """Sites often wrap the whole page in a <table>: such a table is read as text, not as a data table."""
    if table.xpath(".//table"):
        return True
    return any(len("".join(cell.itertext()).strip()) > LAYOUT_CELL for cell in table.iter("td", "th"))


def _owner(tr):
    """The table a row belongs to (rows of nested tables belong to the inner table)."""
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent
