"""Page furniture: what a page prints around the report and a converter copies into its text.

Page numbers (「— 6 —」「- 6 -」「第 6 页 共 10 页」「6/10」) and running headers or footers (the same
short line at the top or bottom of most pages) are never part of the report: never a cell, a heading,
the title or the agency's name. Converters put them anywhere, even inside a table row
(「| - | 3 - |」), so every reader drops them before the text is cut into items.
"""

from __future__ import annotations

import re
from collections import Counter

from .items import compact, is_numeric
from .tables import is_label

PAGE_NUMBER = re.compile(
    r"^(?:[—－\-–―_~·•]+\s*\d{1,3}\s*[—－\-–―_~·•]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)$"
)
LEADING_PAGE_NUMBER = re.compile(r"^\s*[—－\-–―]+\s*\d{1,3}\s*[—－\-–―]+\s*")  # 「-1-洪泽区人民政府」
RUNNING_SHARE = 0.5  # a short line on at least this share of pages (3 pages at least) is a running header
RUNNING_MAX = 40  # characters: running headers and footers are short
EDGE_LINES = 2  # looked for among the first and last lines of each page


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text.strip()))


def without_page_number(text: str) -> str:
    """A title or first line that begins with the page number printed above it: the number taken off."""
    return LEADING_PAGE_NUMBER.sub("", text, count=1)


def running_lines(pages: list[list[str]]) -> set[str]:
    """Short lines that stand at the top or bottom of most pages: running headers and footers (compacted)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [compact(line) for line in lines if line.strip()]
        edges = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
        counts.update(e for e in edges if 0 < len(e) <= RUNNING_MAX and not is_numeric(e) and not is_label(e))
    return {text for text, n in counts.items() if n >= max(3, RUNNING_SHARE * len(pages))}


def drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines without page numbers and running headers/footers (kept on the first page, where a
    header that repeats the title is the title)."""
    running = running_lines(pages)
    return [
        [line for line in lines if not is_page_number(line) and (n == 0 or compact(line) not in running)]
        for n, lines in enumerate(pages)
    ]
