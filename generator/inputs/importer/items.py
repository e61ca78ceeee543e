"""The common form every published report is read into: a list of ``Item`` in reading order.

A source reader (``text``, ``docx``, ``html``) turns a document into items:
paragraphs (``cell=False``) and table cells (``cell=True``, with the id of their table row when the
source has rows). Everything after that — finding sections, reading tables — works on items only,
so it does not care whether the report came as Word, a web page or extracted text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ...formats import AMOUNT, SIGNED
from ...numbers import parse_number

BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*")
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")  # 「## 五、存在的主要问题及改进情况」


@dataclass
class Item:
    text: str  # as found (cells keep stray spaces: they are evidence)
    where: str  # where a clerk finds it: 「第12行」, 「第3段」, 「第2个表格第4行第5列」
    cell: bool = False  # a table cell
    row: int | None = None  # id of the table row, when the source shows rows
    image: bool = False  # a picture (a table published as an image cannot be read)


@dataclass
class Source:
    items: list[Item]
    exact_cells: bool  # True: every cell is one real cell (Word, HTML); False: extracted text
    title: str = ""  # the page's own title (web page metadata, 「标题:」 line), when the source has one
    published: date | None = None  # the portal's 发布时间, when the source shows it
    pipes: bool = False  # markdown pipe tables (converter output): a label line and a row of numbers are apart


ZERO_WIDTH_BREAKS = {0x200B: None, 0x2060: None}


def clean(text: str) -> str:
    """Remove conversion noise: Word bookmarks, Markdown heading and bold markers, and the zero-width break
    opportunities (U+200B, U+2060) a typesetter puts into URLs, e-mail addresses and around quotation marks."""
    return MARKDOWN_HEADING.sub("", MARKDOWN_BOLD.sub(r"\1", BOOKMARK.sub("", text))).translate(ZERO_WIDTH_BREAKS)


def keyform(text: str) -> str:
    """Text reduced to letters, digits and CJK characters, for comparing labels across layouts."""
    text = unicodedata.normalize("NFKC", text).replace("“", "").replace("”", "")
    return re.sub(r"[\W_]+", "", text)


def compact(text: str) -> str:
    """Text without any whitespace (titles split over lines, 「年 度 报 告」)."""
    return re.sub(r"\s+", "", text)


def is_blank(text: str) -> bool:
    return not text.strip()


DIGITS = re.compile(r"\s*[+-]?\d[\d,.]*\s*")


def is_numeric(text: str) -> bool:
    """Whether a cell reads as a number (including 「无」「/」「+0」「500,0000」 that parse_number accepts, and
    digits too long to be one number: cells run together, which ``digits`` splits)."""
    if is_blank(text):
        return False
    return (
        bool(DIGITS.fullmatch(text))
        or parse_number(text, SIGNED).value is not None
        or parse_number(text, AMOUNT).value is not None
    )


def snippet(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"
