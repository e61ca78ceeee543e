"""Telling what a file handed in as a form really is, before opening it as a workbook.

Clerks hand in empty files, old .xls workbooks, WPS .et files, files with an opening password, CSV or web pages
renamed to .xlsx, Word or OpenDocument files. Each gets its own Chinese message (``InputError``).
"""

from __future__ import annotations

import io
import zipfile

from ...errors import InputError

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, .et, .doc, encrypted OOXML
WPS_SUFFIXES = (".et", ".ett")  # WPS 表格's own format (a compound file like .xls) and its templates


def sniff(name: str, data: bytes) -> None:
    """Refuse anything that is not an .xlsx/.xlsm workbook, saying what it is instead."""
    if not data.strip(b"\x00 \t\r\n"):
        raise InputError(
            f"{name}：文件是空的（{len(data)} 字节），没有任何内容。可能在复制、下载或保存时出错，请重新保存填报表后再试。"
        )
    if data.startswith(CFB_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise InputError(
                f"{name}：文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中输入密码打开，"
                "取消打开密码（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；"
                "WPS：文件 → 文档加密 → 密码加密，清空密码）后保存，再试。"
            )
        if name.lower().endswith(WPS_SUFFIXES):
            raise InputError(
                f"{name}：这是 WPS 表格文件（.et），无法读取。请在 WPS 中打开，「文件 → 另存为」，文件类型选"
                "「Microsoft Excel 文件（*.xlsx）」后再试；最好直接在 nianbao form 生成的填报表中填写。"
            )
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            raise InputError(
                f"{name}：这是旧版 Excel 97-2003 工作簿（.xls），无法读取。请在 Excel 或 WPS 中打开，"
                "「另存为」Excel 工作簿（*.xlsx）后再试；最好直接在 nianbao form 生成的填报表中填写。"
            )
        if "WordDocument".encode("utf-16-le") in data:
            raise InputError(f"{name}：这是旧版 Word 文档（.doc），不是 Excel 填报表。")
        raise InputError(
            f"{name}：这是旧版 Office 二进制文件，不是 Excel 工作簿（.xlsx），无法读取。请另存为 .xlsx 后再试。"
        )
    if data.startswith(b"PK"):
        _sniff_zip(name, data)
        return
    head = data[:4096]
    if b"\x00" not in head.lstrip(b"\xff\xfe\xfe\xff"):
        text = _decode(head)
        if text is not None:
            lowered = text.lstrip("\ufeff \t\r\n").lower()
            if lowered.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta", "<head")):
                raise InputError(
                    f"{name}：这是网页（HTML）或 XML 文件，只是扩展名改成了 Excel 的（有的系统“导出 Excel”导出的就是网页）。"
                    "请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（*.xlsx），或在 nianbao form 生成的填报表中填写。"
                )
            raise InputError(
                f"{name}：这是文本文件（如 CSV），不是 Excel 工作簿：可能是把 .csv 文件改了扩展名。"
                "请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（*.xlsx），或在 nianbao form 生成的填报表中填写。"
            )
    raise InputError(
        f"{name}：文件内容无法识别，不是 Excel 工作簿（.xlsx），也可能已经损坏。请重新保存或重新生成填报表。"
    )


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the sample is still text
            try:
                return data[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
    return None


def _sniff_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.open("mimetype").read(200).decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        raise InputError(
            f"{name}：文件已损坏（压缩包不完整），无法打开。可能是下载或复制没有完成，请重新保存或重新复制后再试。"
        ) from None
    if any(n.endswith("workbook.xml") for n in names):
        refuse_strict(name, data)
        return
    if "spreadsheet" in mimetype:
        raise InputError(
            f"{name}：这是 OpenDocument 表格（.ods），不是 Excel 工作簿。请用 WPS、LibreOffice 或 Excel 打开后"
            "「另存为」Excel 工作簿（*.xlsx）后再试。"
        )
    if "xl/workbook.bin" in names:
        raise InputError(f"{name}：这是 Excel 二进制工作簿（.xlsb），请「另存为」Excel 工作簿（*.xlsx）后再试。")
    if "word/document.xml" in names or "text" in mimetype:
        raise InputError(
            f"{name}：这是 Word 文档（或其他文字文档），不是 Excel 填报表。年度报告请用 nianbao check/import 直接读取 .docx。"
        )
    raise InputError(f"{name}：这是一个压缩包，但不是 Excel 工作簿（.xlsx），无法读取。")


STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"  # ISO 29500 Strict (Excel's "Strict Open XML")


def refuse_strict(name: str, source) -> None:
    """Refuse a workbook saved as 「Strict Open XML 电子表格」: openpyxl sees no sheets in it at all.

    ``source`` is the file's path or bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            part = next((n for n in archive.namelist() if n.endswith("workbook.xml")), None)
            head = archive.open(part).read(4096) if part else b""
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, KeyError):
        return  # the reader says what is wrong
    if STRICT_NAMESPACE in head:
        raise InputError(
            f"{name}：这是「Strict Open XML 电子表格」格式的工作簿，无法读取。请在 Excel 中打开，「文件 → 另存为」，"
            "保存类型选「Excel 工作簿(*.xlsx)」（不要选 Strict Open XML）后再试；WPS 保存的 .xlsx 没有这个问题。"
        )
