"""Writing files safely: atomically (temp file + rename) and never over an existing file without --force."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputExists


def write_atomic(path: Path, data: bytes | str, force: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    ``durable=False`` skips the fsync, for bookkeeping files that are cheap to rebuild after a power cut.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"文件已存在：{path}。为避免覆盖，未写入；如确需覆盖，请加 --force。")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_WINDOWS_FORBIDDEN = '<>:"/\\|?*'
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(name: str, fallback: str = "报告") -> str:
    """A file name Windows and Linux accept, derived from user text: no separators, no '..', no controls."""
    cleaned = "".join("_" if ch in _WINDOWS_FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    cleaned = cleaned.strip().strip(".").strip() or fallback
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned[:120]
