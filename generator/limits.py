"""Shared guards against hostile or broken input: file sizes, zip bombs, text fed to regexes, text on a terminal.

Every reader calls these before it parses anything:

- ``read_limited(path, what, limit)``: the bytes of a regular file, refused by ``stat`` before reading when
  larger than ``limit`` (「文件过大」); never more than ``limit`` bytes are read, even from a growing file.
- ``check_size(path, what, limit)``: the same refusal, for readers that open the file themselves.
- ``check_zip(source, what)``: an .xlsx/.docx (path or bytes) refused with 「文件解压后过大」 from its central
  directory alone (number of members, declared sizes, compression ratio), without inflating anything.
  Python's zipfile never inflates more than a member's declared size (it stops and fails the CRC check),
  so the declared sizes bound the memory of every reader built on it (openpyxl, python-docx).
- ``for_regex(text)``: text cut to a length every regular expression of the tool handles in milliseconds.
- ``clip(text)``: a long value shortened for a message; ``printable(text)``: text safe to print on a terminal.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
from pathlib import Path

from .errors import InputError

MB = 1024 * 1024
MAX_DATA_FILE_BYTES = 2 * MB  # a data file is a few KB; even with very long prose it stays under 200 KB
MAX_FILE_BYTES = 200 * MB  # workbooks and reports; a roster of 100,000 agencies is about 62 MB
MAX_UNZIPPED_BYTES = 64 * MB  # one form, report or template: a form is about 0.2 MB unpacked
MAX_ROSTER_UNZIPPED_BYTES = 2048 * MB  # a roster is read row by row; 100,000 agencies are about 0.8 GB unpacked
MAX_RATIO = 500  # unpacked / packed size of one member; office files stay under 20 (a sheet of empty formatted rows
# more), zip bombs reach thousands; the total unpacked size below is what bounds memory
RATIO_FLOOR = 1 * MB  # members smaller than this unpacked are harmless whatever their ratio
MAX_MEMBERS = 10_000  # an .xlsx or .docx has tens of parts, a few hundred with many images
MAX_REGEX_TEXT = 20_000  # characters of one text fed to a regular expression

INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")  # zero-width, bidi
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_]?)")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 1024 * MB else f"{size / 1024 / MB:.1f} GB"


def check_size(path: Path, what: str = "文件", limit: int = MAX_FILE_BYTES) -> int:
    """The size of ``path``; InputError when it is not a regular file or is larger than ``limit``."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"{path}：{_why_unreadable(exc, path)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path.name}：不是普通文件（可能是文件夹、设备或管道），无法作为{what}读取。")
    if info.st_size > limit:
        raise InputError(
            f"{path.name}：文件过大（{megabytes(info.st_size)}），{what}不会这么大"
            f"（上限 {megabytes(limit)}），未读取。请确认选对了文件。"
        )
    return info.st_size


def _why_unreadable(exc: OSError, path: Path | None = None) -> str:
    if exc.errno == errno.ELOOP:
        return "是一个循环的链接（快捷方式最终又指回自己），找不到真正的文件。请给出文件本身。"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名或路径太长，系统无法打开。请把文件改个短些的名字，或移到路径短些的文件夹后再试。"
    if isinstance(exc, FileNotFoundError) and path is not None and path.is_symlink():
        return f"是一个链接（快捷方式），它指向的「{os.readlink(path)}」不存在（可能已被移动或删除）。请给出文件本身。"
    if isinstance(exc, FileNotFoundError):
        return "找不到文件。请检查文件名和所在的文件夹。"
    if isinstance(exc, PermissionError):
        return "没有读取这个文件的权限。请把文件复制到自己的文件夹后再试。"
    if isinstance(exc, NotADirectoryError):
        return "路径中有一段不是文件夹。请检查路径。"
    return f"无法读取文件（系统错误 {exc.errno}：{exc.strerror}）。"


def read_limited(path: Path, what: str = "文件", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, refused before reading when larger than ``limit`` (see ``check_size``)."""
    path = Path(path)
    check_size(path, what, limit)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}：{_why_unreadable(exc)}如果文件正在其他程序中打开，请先关闭。") from None
    if len(data) > limit:  # it grew after stat
        raise InputError(
            f"{path.name}：文件过大（超过 {megabytes(limit)}），{what}不会这么大，未读取。请确认选对了文件。"
        )
    return data


def check_zip(
    source: Path | bytes,
    what: str = "文件",
    name: str | None = None,
    max_total: int = MAX_UNZIPPED_BYTES,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse a zip (xlsx, docx) whose members would unpack too large, from its central directory only.

    ``source`` is a path or the file's bytes (``name`` then names it in the message). A file that is not a zip
    passes: the caller's own reader says what it is.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else what)
    refuse = (
        f"{label}：文件解压后过大（{{}}），{what}不会这么大，可能已损坏或是被恶意构造的压缩文件，未读取。"
        "请重新保存或重新生成后再试。"
    )
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{label}：无法读取文件（{exc.strerror}）。") from None
    with handle:
        members = _member_count(handle)
        if members is None:
            return
        if members > MAX_MEMBERS:
            raise InputError(refuse.format(f"含 {members} 个文件，上限 {MAX_MEMBERS}"))
        try:
            infos = zipfile.ZipFile(handle).infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return
    total = sum(info.file_size for info in infos)
    if total > max_total:
        raise InputError(refuse.format(f"共 {megabytes(total)}，上限 {megabytes(max_total)}"))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                refuse.format(f"其中「{clip(info.filename, 40)}」压缩了 {ratio} 倍，正常文件不超过 {max_ratio} 倍")
            )


def _member_count(handle) -> int | None:
    """Members declared in the end-of-central-directory record (read before the directory itself); None: no zip."""
    try:
        record = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # stable since Python 2
    except (OSError, ValueError, EOFError):
        return None
    if not record:
        return None
    handle.seek(0, os.SEEK_SET)
    return int(record[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]


def for_regex(text: str, limit: int = MAX_REGEX_TEXT) -> str:
    """``text`` cut to ``limit`` characters before a regular expression sees it."""
    return text if len(text) <= limit else text[:limit]


def clip(text: str, limit: int = 60) -> str:
    """A value shown in a message: long ones cut, saying how long they were."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def printable(text: str) -> str:
    """Text safe to print on a terminal: escape sequences, control characters and bidi overrides removed."""
    return INVISIBLE.sub("", _CONTROLS.sub("", _ESCAPES.sub("", text)))
