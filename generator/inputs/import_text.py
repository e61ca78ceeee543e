"""Plain text (and text extracted from PDF) into items.

Text extracted from published reports shows tables in three ways, all handled here:

* one row per line, cells separated by tabs (``规章\\t0\\t0\\t0``);
* one cell per line, each starting with a tab, rows separated by an empty line; a cell split over
  several lines continues on the following lines without a tab (``\\t商业`` + ``企业``);
* one cell per line with no tabs at all: such lines become ordinary items and the table reader
  recognises them by their labels.
"""
from __future__ import annotations

from pathlib import Path

from . import InputError
from .import_items import Item, Source, clean

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
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise InputError(f"{path.name}：PDF 文件已加密，无法读取。请提供 Word（.docx）版本或复制出的文字（.txt）。")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise InputError(f"{path.name}：PDF 文件无法打开（{type(exc).__name__}）。"
                         "请提供 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。") from None
    if sum("\u4e00" <= ch <= "\u9fff" for ch in text) < MIN_PDF_CJK:
        raise InputError(f"{path.name}：PDF 中没有可提取的文字（可能是扫描件或图片）。"
                         "请提供 Word（.docx）版本，或把报告文字复制到 .txt 文件后再导入。")
    return items_from_pdf_text(text)


def items_from_pdf_text(text: str) -> Source:
    """PDF text puts a table row's numbers on one line separated by spaces: split them into cells."""
    lines = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) > 1 and all(_looks_numeric(p) for p in parts[1:]):
            lines.append("\t".join(parts) if not _looks_numeric(parts[0]) else "\t" + "\t".join(parts))
        else:
            lines.append(line)
    return items_from_text("\n".join(lines))


def _looks_numeric(text: str) -> bool:
    from .import_items import is_numeric
    return is_numeric(text)
