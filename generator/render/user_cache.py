"""Files kept between runs so that a PDF starts sooner (never needed: a cache that cannot be read or written
is left alone, and the work is done as without it).

The folder is the system's cache folder for the user (``%LOCALAPPDATA%\\nianbao\\cache`` on Windows,
``~/Library/Caches/nianbao`` on macOS, ``$XDG_CACHE_HOME/nianbao`` or ``~/.cache/nianbao`` elsewhere), or the
environment variable ``NIANBAO_CACHE_DIR``; set to the empty string, nothing is cached.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from ..errors import OutputError
from ..outputs import write_atomic

FOLDER_VARIABLE = "NIANBAO_CACHE_DIR"


def cache_folder() -> Path | None:
    """The cache folder (perhaps not made yet); None when caching is switched off or there is no home folder."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen else None
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA")
            return Path(base, "nianbao", "cache") if base else None
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "nianbao"
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nianbao"
    except RuntimeError:  # no home folder
        return None


def read_cached(name: str) -> bytes | None:
    folder = cache_folder()
    if folder is None:
        return None
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write_cached(name: str, data: bytes) -> None:
    """Write a cache file atomically (a reader sees the whole file or none); a failure is ignored."""
    folder = cache_folder()
    if folder is not None:
        with contextlib.suppress(OutputError):
            write_atomic(folder / name, data, force=True, durable=False)
