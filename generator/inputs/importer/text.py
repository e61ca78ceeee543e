"""Plain text (and text extracted from PDF) into items.

Text extracted from published reports shows tables in three ways, all handled here:

* one row per line, cells separated by tabs (``规章\\t0\\t0\\t0``);
* one cell per line, each starting with a tab, rows separated by an empty line; a cell split over
  several lines continues on the following lines without a tab (``\\t商业`` + ``企业``);
* one cell per line with no tabs at all: such lines become ordinary items and the table reader
  recognises them by their labels.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .. import InputError
from .items import Item, Source, clean, is_numeric

PAGE_NUMBER = re.compile(r"^[—－-]\s*\d+\s*[—－-]$")
VERTICAL_MARK = "\x00"
INDENT = 3  # a paragraph's first line is indented by 2 characters
# A justified line may hold a few characters less: the line-breaking rules keep 「“青石发布”」 or a number
# together and move them down whole.
SHORT_FULL_LINE = 2
NEW_PART = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[）)])")  # a heading starts a line
MIN_PDF_CJK = 200  # fewer CJK characters than this: the PDF has no usable text layer (scanned)


def read_text_file(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 as saved by Chinese Windows."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}：无法读取文件（{exc.strerror}）。") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name}：无法识别文件编码，请用“UTF-8”编码另存为文本文件后再试。")


def items_from_text(text: str) -> Source:
    items: list[Item] = []
    current: Item | None = None  # the cell that continuation lines extend
    row_id, in_row = 0, False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean(raw)
        where = f"第{number}行"
        if not line.strip() and "\t" not in line:
            current, in_row = None, False
            continue
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
    return Source(items, exact_cells=False)


def items_from_pdf(path: Path) -> Source:
    """A PDF's text layer through pypdf; a scanned PDF (no usable text) is refused."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its English warnings would only confuse a clerk
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise InputError(f"{path.name}：PDF 文件已加密，无法读取。请提供 Word（.docx）版本或复制出的文字（.txt）。")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files (PdfReadError, KeyError, …)
        raise InputError(f"{path.name}：PDF 文件无法打开（{type(exc).__name__}）。"
                         "请提供 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。") from None
    if sum("\u4e00" <= ch <= "\u9fff" for ch in text) < MIN_PDF_CJK:
        raise InputError(f"{path.name}：PDF 中没有可提取的文字（可能是扫描件或图片）。"
                         "请提供 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。")
    return items_from_pdf_text(text)


def items_from_pdf_text(text: str) -> Source:
    """PDF text: page numbers dropped, wrapped prose lines and vertical labels joined, table rows split."""
    lines = [line.strip() for line in text.splitlines() if not PAGE_NUMBER.match(line.strip())]
    return items_from_text("\n".join(_split_rows(_join_wrapped(_join_vertical(lines)))))


def _join_vertical(lines: list[str]) -> list[str]:
    """A label printed one character per line (「三」「、」「本」…) becomes one line again."""
    out: list[str] = []
    for line in lines:
        if len(line) == 1 and not line.isdigit() and out and out[-1].endswith(VERTICAL_MARK):
            out[-1] = out[-1][:-1] + line + VERTICAL_MARK
        else:
            out.append(line + VERTICAL_MARK if len(line) == 1 and not line.isdigit() else line)
    return [line.removesuffix(VERTICAL_MARK) for line in out]


def _join_wrapped(lines: list[str]) -> list[str]:
    """Prose wrapped at the page width: a full line not ending a sentence continues on the next."""
    lengths = Counter(len(line) for line in lines if len(line) > 10 and " " not in line)
    if not lengths:
        return lines
    width = lengths.most_common(1)[0][0]
    out: list[str] = []
    previous = ""  # the previous physical line
    for line in lines:
        if (len(previous) >= width - INDENT - SHORT_FULL_LINE and " " not in previous + line and line
                and not previous.endswith("。") and not NEW_PART.match(line)):
            out[-1] += line
        else:
            out.append(line)
        previous = line
    return out


def _split_rows(lines: list[str]) -> list[str]:
    """「规章 0 0 0」 and 「信息内容 本年制发件数 …」: cells separated by spaces become tab-separated."""
    from .tables import is_label

    out = []
    for line in lines:
        parts = line.split()
        if len(parts) > 1 and all(is_numeric(p) for p in parts[1:]):
            out.append("\t".join(parts) if not is_numeric(parts[0]) else "\t" + "\t".join(parts))
        elif len(parts) > 1 and all(is_label(p) for p in parts):
            out.append("\t".join(parts))
        else:
            out.append(line)
    return out
