"""A web page (.html/.htm) into items: text blocks and table cells of the article, in reading order (lxml.html).

Portal pages wrap the report in site chrome: navigation, a breadcrumb 「当前位置：首页>…」, 「来源：」
「时间：」 lines, share buttons, related links, a footer with the site's own address. Only the article
is read: the smallest element that holds the report's section headings and tables. Its title and the
publication time come from the page's metadata (``<meta name="ArticleTitle">``, ``PubDate``), else
from the heading and the 「发布时间：」 line above the article. Every block element and <br> ends a
line; cells of a table become cell items (a rowspan/colspan cell appears once); a picture in the
article becomes an image item (a table published as a picture cannot be read, and is said to be).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ...errors import InputError
from ...formats import HEADINGS
from ...numbers import parse_date
from .items import Item, Source, clean, keyform
from .page import find_time, is_report_title
from .text import read_text_file

BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "body",
    "center",
    "dd",
    "dt",
    "dl",
    "form",
    "main",
    "nav",
    "aside",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
}  # table tags: only reached for layout tables
LAYOUT_CELL = 200  # a cell with more text than this holds page content: the table is page layout
SKIP_TAGS = {"script", "style", "head", "noscript", "template"}
MARKERS = (*(keyform(h.split("、", 1)[1]) for h in HEADINGS), "第二十条", "勾稽关系")
TITLE_META = ("ArticleTitle", "articletitle", "og:title", "title")
TIME_META = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")
ICON = 80  # pixels: a smaller picture is an icon, not a table


def items_from_html(path: Path) -> Source:
    import lxml.etree
    import lxml.html

    text = read_text_file(path)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        raise InputError(f"{path.name}：网页内容为空或无法解析。") from None
    article = _article(root)
    reader = _Reader()
    reader.walk(article)
    reader.flush()
    return Source(reader.items, exact_cells=True, title=_title(root, article), published=_published(root, article))


def _article(root):
    """The smallest element holding every section heading and table caption the page has."""
    holders = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in (*SKIP_TAGS, "title", "meta"):
            continue
        own = keyform("".join([element.text or "", *(child.tail or "" for child in element)]))
        if any(marker in own for marker in MARKERS):
            holders.append(element)
    if len(holders) < 2:
        return root
    chains = [list(reversed([h, *h.iterancestors()])) for h in holders]
    common = root
    for level in zip(*chains, strict=False):  # down to the shortest chain
        if any(element is not level[0] for element in level):
            break
        common = level[0]
    return common


def _meta(root, names: tuple[str, ...]) -> str:
    for name in names:
        for meta in root.iter("meta"):
            if name in (meta.get("name"), meta.get("property")) and (meta.get("content") or "").strip():
                return meta.get("content").strip()
    return ""


def _title(root, article) -> str:
    """The article's title: page metadata, a heading above the article, else the page's <title>."""
    if (title := _meta(root, TITLE_META[:3])) and is_report_title(title):
        return title
    before = []
    for element in root.iter("h1", "h2", "h3", "h4", "div", "p", "span", "td"):
        if element is article:
            break
        text = re.sub(r"\s+", "", element.text_content())
        if is_report_title(text):
            before.append(text)
    if before:
        return before[-1]
    page_title = root.findtext(".//title") or ""
    return next((part.strip() for part in re.split(r"[_|｜\-—]+", page_title) if is_report_title(part.strip())), "")


def _published(root, article) -> date | None:
    """The portal's publication time: page metadata, else the 「发布时间：」 line above the article."""
    if (meta := _meta(root, TIME_META)) and (found := parse_date(meta.split()[0].split("T")[0])):
        return found
    if article is root:
        return None
    page, own = root.text_content(), article.text_content()
    start = page.find(own[:80]) if own.strip() else -1
    return find_time(page[:start]) if start > 0 else None


class _Reader:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.line: list[str] = []
        self.line_where = ""
        self.tables = self.rows = self.pictures = 0

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
        elif tag == "img":
            self.picture(element)
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

    def picture(self, element) -> None:
        sizes = [int(v) for v in (element.get("width"), element.get("height")) if v and v.isdigit()]
        if sizes and min(sizes) < ICON:
            return
        self.flush()
        self.pictures += 1
        self.items.append(Item("", f"第{self.pictures}张图片（网页第{element.sourceline}行）", image=True))

    def table(self, table) -> None:
        self.tables += 1
        for r, tr in enumerate((tr for tr in table.iter("tr") if _owner(tr) is table), start=1):
            self.rows += 1
            for c, cell in enumerate(
                (c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")), start=1
            ):
                text = "".join(cell.itertext()).strip(" \t\r\n")
                text = "".join(part.strip(" \t\r") for part in text.split("\n"))
                where = f"第{self.tables}个表格第{r}行第{c}个单元格（网页第{cell.sourceline}行）"
                self.items.append(Item(clean(text), where, cell=True, row=self.rows))


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
