"""Plain text (and the text of a PDF) into items.

Text saved from published reports shows tables in several ways, all handled here or in ``rows``:

* one row per line, cells separated by tabs (``规章\\t0\\t0\\t0``), a blank last cell included;
* one cell per line, each starting with a tab, rows separated by an empty line; a cell split over
  several lines continues on the following lines without a tab (``\\t商业`` + ``企业``);
* one cell per line with no tabs at all: such lines become ordinary items and the table reader
  recognises them by their labels. When every line is followed by one empty line (double spaced),
  each further empty line stands for a blank cell;
* markdown pipes, labels and numbers on one line, whole tables on one line (see ``rows``).

A saved portal page's metadata and breadcrumb are taken off first (see ``page``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from ...errors import InputError
from ..sniff import decode_text
from .furniture import drop_furniture
from .items import Item, Source, clean
from .page import split_header
from .rows import Line, split_lines

IMAGE = "\x01[图片]"  # a line standing for a picture (from PDF and Word readers)
DOUBLE_SPACED = 0.6  # share of lines followed by exactly one empty line in double-spaced text
MIN_LINES = 10
PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")  # 「| --- | --- |」


def read_text_file(path: Path) -> str:
    """The file's text: UTF-16 with its BOM (Notepad's 「Unicode」), UTF-8 (with or without BOM), else GB18030 as
    saved by Chinese Windows."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}：无法读取文件（{exc.strerror}）。") from None
    text = decode_text(data)
    if text is not None:
        return text
    raise InputError(f"{path.name}：无法识别文件编码，请用“UTF-8”编码另存为文本文件后再试。")


def items_from_text(text: str) -> Source:
    lines, title, published = split_header(_without_furniture(text))
    pipes = any(PIPE_RULE.match(text) for _, text in lines)
    items = items_from_lines(split_lines(lines))
    return Source(items, exact_cells=False, title=title, published=published, pipes=pipes)


def _without_furniture(text: str) -> list[Line]:
    """Numbered lines without page numbers and running headers; pages are separated by form feeds (pdftotext)."""
    pages: list[list[Line]] = []
    number = 0
    for chunk in text.split("\f"):
        pages.append([])
        for raw in chunk.splitlines():
            number += 1
            pages[-1].append((f"第{number}行", clean(raw)))
    kept = drop_furniture([[line for _, line in page] for page in pages])
    out: list[Line] = []
    for numbered, texts in zip(pages, kept, strict=True):
        left = iter(texts)
        wanted = next(left, None)
        for where, line in numbered:
            if line == wanted:
                out.append((where, line))
                wanted = next(left, None)
    return out


def items_from_lines(lines: list[Line]) -> list[Item]:
    """Lines (where, text) into items: tab rows, tab-cell lines with continuations, plain lines."""
    double = _double_spaced(lines)
    items: list[Item] = []
    current: Item | None = None  # the cell that continuation lines extend
    row_id, in_row, blanks = 0, False, 0
    for where, line in lines:
        if line == IMAGE:
            items.append(Item("", where, image=True))
            continue
        if not line.strip() and (double or "\t" not in line):
            current, blanks = None, blanks + 1
            in_row = in_row and "\t" in line
            continue
        if double and blanks > 1:
            items += [Item("", where, cell=in_row, row=row_id if in_row else None) for _ in range(blanks - 1)]
        blanks = 0
        if line.count("\t") >= 2 or "\t" in line.lstrip("\t"):
            row_id += 1
            items += [Item(cell, where, cell=True, row=row_id) for cell in line.split("\t")]
            current, in_row = None, False
        elif line.startswith("\t"):
            if not in_row:
                row_id, in_row = row_id + 1, True
            current = Item(line[1:], where, cell=True, row=row_id)
            items.append(current)
        elif current is not None:
            current.text += line.strip()
        else:
            items.append(Item(line.strip(), where))
    return items


def _double_spaced(lines: list[Line]) -> bool:
    """Whether nearly every line is followed by exactly one empty line (a converter's paragraph spacing)."""
    texts = [text for _, text in lines]
    filled = [i for i, text in enumerate(texts) if text.strip()]
    if len(filled) < MIN_LINES:
        return False
    single = sum(1 for a, b in pairwise(filled) if b - a == 2)
    return single >= DOUBLE_SPACED * (len(filled) - 1)
