"""What a report handed in really is, told from its first bytes before any reader opens it.

``check_report_file(path)`` refuses, with a Chinese message naming the file and the fix:

- anything that is not a regular file (a pipe or a device would block the reader) or is too large;
- an empty file, and a .docx whose zip was cut short (a download or copy that did not finish);
- a Word file with an opening password (an encrypted package inside an OLE compound file);
- an old Word document (.doc, an OLE compound file) under any extension, .docx included;
- an e-mail saved as a file (.eml, also renamed), naming its attachments: the report is one of them;
- a Word "single file web page" (MHTML, .mht/.mhtml, also when saved as .html);
- a PDF of more than ``MAX_PDF_PAGES`` pages, counted from its page tree without reading any page.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError
from ..limits import check_size, printable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .wps, .xls
OLD_WORD = ".doc", ".wps", ".dot"
MHTML = ".mht", ".mhtml"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MAX_PDF_PAGES = 200  # an annual report has 5-60 pages; 200 leaves room for appendices and scans
SAVE_AS_DOCX = "请在 Word 或 WPS 中打开，「文件 → 另存为」，文件类型选「Word 文档（*.docx）」后再试。"
ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
EMAIL = ".eml", ".msg"


SCAN_SUFFIXES = (".png", ".jpg", ".jpeg")  # a scanned report (read by OCR when the extra is installed)


def decode_text(data: bytes) -> str | None:
    """A text file as Chinese Windows saves it: UTF-16 with its BOM (Notepad's 「Unicode」), UTF-8 with or without
    BOM, else GB18030 (「ANSI」); None when none of them fits."""
    for encoding in ("utf-16",) if data.startswith(UTF16_BOMS) else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def check_report_file(path: Path) -> None:
    """Refuse a file no reader of a published report can or should open (see the module docstring)."""
    path = Path(path)
    size = check_size(path, "年度报告")
    with path.open("rb") as handle:
        head = handle.read(2048)
    suffix = path.suffix.lower()
    if not head.strip(b"\x00 \t\r\n"):
        raise InputError(
            f"{path.name}：文件是空的（{size} 字节），没有任何内容。可能在复制、下载或保存时出错，"
            "请找到原文件重新复制或重新下载后再试。"
        )
    if head.startswith(OLE_MAGIC):
        _refuse_compound(path, suffix)
    if suffix in OLD_WORD:
        raise InputError(f"{path.name}：这是旧版 Word 或 WPS 文字文件（{suffix}），无法读取。{SAVE_AS_DOCX}")
    if suffix in EMAIL or _is_email(head):
        raise InputError(_email_message(path))
    if suffix in MHTML or _is_mhtml(head):
        raise InputError(
            f"{path.name}：这是「单个文件网页」（MHTML，.mht），不是普通网页，无法读取。请在 Word 或 WPS 中打开，"
            "「另存为」时文件类型选「网页（*.htm;*.html）」或「Word 文档（*.docx）」后再试。"
        )
    if head.startswith(b"PK") and not zipfile.is_zipfile(path):
        raise InputError(
            f"{path.name}：文件已损坏（压缩包不完整），无法打开。可能是下载或复制没有完成，"
            "请找到原文件重新复制或重新下载后再试。"
        )
    if suffix == ".pdf":
        _check_pdf_pages(path)


def _refuse_compound(path: Path, suffix: str) -> None:
    """An OLE compound file: a password-protected Word file, an Outlook message, or an old .doc/.xls."""
    if _holds(path, *ENCRYPTED):  # the stream names may sit anywhere in the file
        raise InputError(
            f"{path.name}：文件设置了打开密码（已加密），无法读取。请在 Word 或 WPS 中输入密码打开，取消打开密码"
            "（Word：文件 → 信息 → 保护文档 → 用密码进行加密，清空密码；WPS：文件 → 文档加密 → 密码加密，清空密码）"
            "后保存，再试。"
        )
    if suffix == ".msg" or _holds(path, "__substg1.0_".encode("utf-16-le")):
        raise InputError(_email_message(path, outlook=True))
    if suffix in (".docx", *OLD_WORD):
        renamed = "（扩展名虽然是 .docx，内容仍是旧格式）" if suffix == ".docx" else ""
        raise InputError(f"{path.name}：这是旧版 Word 文件（.doc）{renamed}，无法读取。{SAVE_AS_DOCX}")
    raise InputError(
        f"{path.name}：这是旧版 Office 文件（.doc 或 .xls），扩展名却是「{suffix}」，无法读取。{SAVE_AS_DOCX}"
    )


def _holds(path: Path, *markers: bytes) -> bool:
    """Whether any of ``markers`` occurs in the file, read a megabyte at a time."""
    overlap = max(len(m) for m in markers)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if any(m in tail + chunk for m in markers):
                return True
            tail = chunk[-overlap:]
    return False


def _is_email(head: bytes) -> bool:
    """A message saved from a mail program: mail headers, and not a web page saved as one file (multipart/related)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    starts = (b"received:", b"return-path:", b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"delivered-to:",
              b"x-", b"mime-version:", b"reply-to:", b"cc:")  # fmt: skip
    mail = any(f"\n{h}".encode() in text for h in ("to:", "subject:", "received:", "message-id:"))
    return text.startswith(starts) and mail and b"multipart/related" not in text


def _email_message(path: Path, outlook: bool = False) -> str:
    names = [] if outlook else _attachments(path)
    listed = "、".join(f"「{n}」" for n in names[:5]) + (f" 等 {len(names)} 个" if len(names) > 5 else "")
    inside = f"邮件里的附件：{listed}。" if names else ""
    kind = "Outlook 邮件（.msg）" if outlook else "电子邮件（.eml）"
    return (
        f"{path.name}：这是一封{kind}，不是年度报告文件本身，无法读取。{inside}请在邮件程序（如 Foxmail、Outlook、"
        "网页邮箱）中打开这封邮件，把附件中的报告（.docx、.pdf 等）另存到电脑上，再用另存出来的文件。"
    )


def _attachments(path: Path) -> list[str]:
    """The file names attached to a saved e-mail, decoded from their MIME headers ([] when none can be read).

    Read line by line, only the Content-Type and Content-Disposition headers are parsed: an e-mail of 200 MB
    costs no more memory than one of 2 kB.
    """
    names: list[str] = []
    block = b""
    with path.open("rb") as handle:
        for line in iter(lambda: handle.readline(8192), b""):
            if block and line[:1] in (b" ", b"\t") and len(block) < 8192:  # a header folded over lines
                block += line
                continue
            names += _attachment_name(block)
            block = line if line.lower().startswith((b"content-disposition:", b"content-type:")) else b""
    names += _attachment_name(block)
    return list(dict.fromkeys(names))


def _attachment_name(header: bytes) -> list[str]:
    import email
    import email.policy

    if not header:
        return []
    try:
        name = email.message_from_bytes(header + b"\r\n", policy=email.policy.default).get_filename()
    except Exception:  # a damaged header: the message is still given, without this name
        return []
    return [printable(str(name)).strip()] if name else []


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
