"""What a report handed in really is, told from its first bytes before any reader opens it.

``check_report_file(path)`` refuses, with a Chinese message naming the file and the fix:

- anything that is not a regular file (a pipe or a device would block the reader) or is too large;
- an old Word document (.doc, an OLE compound file) under any extension, .docx included;
- a Word "single file web page" (MHTML, .mht/.mhtml, also when saved as .html);
- a PDF of more than ``MAX_PDF_PAGES`` pages, counted from its page tree without reading any page.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..limits import check_size

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .wps, .xls
OLD_WORD = ".doc", ".wps", ".dot"
MHTML = ".mht", ".mhtml"
MAX_PDF_PAGES = 200  # an annual report has 5-60 pages; 200 leaves room for appendices and scans
SAVE_AS_DOCX = "请在 Word 或 WPS 中打开，「文件 → 另存为」，文件类型选「Word 文档（*.docx）」后再试。"


SCAN_SUFFIXES = (".png", ".jpg", ".jpeg")  # a scanned report (read by OCR when the extra is installed)


def check_report_file(path: Path) -> None:
    """Refuse a file no reader of a published report can or should open (see the module docstring)."""
    path = Path(path)
    check_size(path, "年度报告")
    with path.open("rb") as handle:
        head = handle.read(2048)
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if suffix in (".docx", *OLD_WORD):
            renamed = "（扩展名虽然是 .docx，内容仍是旧格式）" if suffix == ".docx" else ""
            raise InputError(f"{path.name}：这是旧版 Word 文件（.doc）{renamed}，无法读取。{SAVE_AS_DOCX}")
        raise InputError(
            f"{path.name}：这是旧版 Office 文件（.doc 或 .xls），扩展名却是「{suffix}」，无法读取。{SAVE_AS_DOCX}"
        )
    if suffix in OLD_WORD:
        raise InputError(f"{path.name}：这是旧版 Word 或 WPS 文字文件（{suffix}），无法读取。{SAVE_AS_DOCX}")
    if suffix in MHTML or _is_mhtml(head):
        raise InputError(
            f"{path.name}：这是「单个文件网页」（MHTML，.mht），不是普通网页，无法读取。请在 Word 或 WPS 中打开，"
            "「另存为」时文件类型选「网页（*.htm;*.html）」或「Word 文档（*.docx）」后再试。"
        )
    if suffix == ".pdf":
        _check_pdf_pages(path)


def _is_mhtml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    return text.startswith((b"mime-version:", b"from:", b"content-type: multipart/related")) and (
        b"multipart/related" in text or b"mime-version" in text
    )


def _check_pdf_pages(path: Path) -> None:
    """Count the pages (pdfium reads only the page tree) and refuse a PDF longer than any annual report."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return  # the PDF reader gives its own message (encrypted, damaged)
    try:
        pages = len(document)
    finally:
        document.close()
    if pages > MAX_PDF_PAGES:
        raise InputError(
            f"{path.name}：PDF 共 {pages} 页，年度报告一般不超过 60 页（本工具最多读取 {MAX_PDF_PAGES} 页），未读取。"
            "请确认选对了文件；如果报告和其他材料合在一个文件里，请只导出年度报告的那几页，"
            "或提供 Word（.docx）版本。"
        )
