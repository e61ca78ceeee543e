"""Writing files safely: atomically (temp file + rename), never over an existing file without --force, under
names every common file system accepts; a failed write leaves neither a half file nor a temp file behind."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError, OutputExists
from .limits import INVISIBLE

MAX_NAME_BYTES = 180  # a file name stem: 255 bytes (ext4, NTFS, APFS) leave room for "（12）", "-草稿" and ".docx"
TAIL_BYTES = 60  # the end of a shortened name is kept: 「2025年政府信息公开工作年度报告」 is 46 bytes


def write_atomic(path: Path, data: bytes | str, force: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    ``durable=False`` skips the fsync, for bookkeeping files that are cheap to rebuild after a power cut.
    Raises OutputExists (exists, no ``force``) or OutputError (cannot be written; the message says why).
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"文件已存在：{path}。为避免覆盖，未写入；如确需覆盖，请加 --force。")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        error = OutputError(f"无法写入 {path}：{why_not_written(exc)}")
        error.errno, error.strerror = exc.errno, why_not_written(exc)  # callers can still tell a full disk
        raise error from None
    except BaseException:
        _discard(tmp)
        raise
    return path


def refuse_overwriting_input(source: Path, out: Path, option: str = "-o") -> None:
    """An output that is one of the command's own input files is refused, --force or not: the input would be lost."""
    try:
        same = Path(out).exists() and Path(source).exists() and os.path.samefile(source, out)
    except OSError:
        return  # cannot tell: the write itself says what is wrong
    if same:
        raise OutputError(
            f"输出文件 {out} 就是输入文件 {Path(source).name}，写入会覆盖原文件（加 --force 也不会这样做）。"
            f"请用 {option} 给出另一个文件名。"
        )


def _discard(tmp: str | None) -> None:
    if tmp:
        Path(tmp).unlink(missing_ok=True)


def why_not_written(exc: OSError) -> str:
    """The cause of a failed write, in Chinese, with what to do."""
    reasons = {
        errno.ENOSPC: "磁盘空间不足。请清理磁盘或换一个有空间的文件夹（-o）后重新运行。",
        errno.EDQUOT: "磁盘配额已用完。请清理文件或换一个文件夹（-o）后重新运行。",
        errno.EACCES: "没有写入这个文件夹的权限（或文件被设为只读）。请换一个可以写入的文件夹（-o）。",
        errno.EPERM: "没有写入这个文件夹的权限（或文件被设为只读）。请换一个可以写入的文件夹（-o）。",
        errno.EROFS: "这个位置是只读的（如光盘、写保护的 U 盘）。请换一个可以写入的文件夹（-o）。",
        errno.ENAMETOOLONG: "文件名或路径太长。请换一个路径较短的文件夹（-o）。",
        errno.ENOTDIR: "路径中的某一级是文件而不是文件夹。请检查 -o 给出的位置。",
        errno.EEXIST: "路径中的某一级是文件而不是文件夹。请检查 -o 给出的位置。",
        errno.EISDIR: "同名的文件夹已存在。请换一个名称或位置。",
        errno.ENOENT: "这个位置不存在，也无法创建。请检查 -o 给出的位置。",
    }
    return reasons.get(exc.errno or 0, f"系统提示「{exc.strerror or exc}」。请换一个文件夹（-o）后重新运行。")


_WINDOWS_FORBIDDEN = '<>:"/\\|?*'
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(name: str, fallback: str = "报告", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name Windows, macOS and Linux accept, derived from user text.

    No separators, '..', control, zero-width or bidi-override characters; at most ``max_bytes`` bytes of UTF-8.
    A longer name keeps its beginning and its end (the year and 「年度报告」) around a short hash of the whole
    name, so different long names stay different.
    """
    name = INVISIBLE.sub("", unicodedata.normalize("NFC", name))
    cleaned = "".join(
        "_"
        if ch in _WINDOWS_FORBIDDEN or unicodedata.category(ch) in ("Cc", "Cs")
        else ""
        if unicodedata.category(ch) == "Cf"
        else ch
        for ch in name
    )
    cleaned = cleaned.strip().strip(".").strip() or fallback
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    if len(cleaned.encode("utf-8")) <= max_bytes:
        return cleaned
    digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()[:8]
    tail = _fit(cleaned[::-1], TAIL_BYTES)[::-1]
    head = _fit(cleaned, max_bytes - TAIL_BYTES - len(f"…{digest}-".encode()))
    return f"{head.rstrip()}…{digest}-{tail.lstrip()}"


def _fit(text: str, size: int) -> str:
    """The longest beginning of ``text`` of at most ``size`` bytes of UTF-8 (whole characters)."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")
