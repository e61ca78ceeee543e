"""Unit names as a batch compares them, and the folder names it makes from them.

Two submissions are the same unit only by unit code or by the same normalised name: NFKC (full and
half width alike), no spaces (NBSP, zero-width), brackets or other punctuation, and no trailing
人民政府/政府/办事处. Nothing else (identical data, a similar name) makes two units one; a similar name
only earns a 「是不是…」 suggestion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..outputs import safe_filename

_SUFFIX = re.compile(r"(?:人民政府|政府|办事处)$")
_COPY_MARK = re.compile(r"(?:\s*[-－—_]?\s*(?:副本|复制|拷贝|copy)\s*(?:[(（]?\d+[)）]?)?|\s*[(（]\d+[)）])+$", re.I)
SUGGEST_CUTOFF = 0.6


def normalise_name(name: str | None) -> str:
    """The name as units are matched: NFKC, no spaces or punctuation, no trailing 人民政府/政府/办事处."""
    text = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name or ""))
    return _SUFFIX.sub("", text).casefold()


def is_copy_name(file_name: str) -> bool:
    """「青山镇 - 副本.xlsx」, 「青山镇(2).xlsx」: a name the file system or the clerk gave a copy."""
    return bool(_COPY_MARK.search(Path(file_name).stem))


def stem_name(file_name: str) -> str:
    """The normalised unit name a file name stands for (copy marks taken off)."""
    return normalise_name(_COPY_MARK.sub("", Path(file_name).stem))


def suggest(name: str, candidates: Iterable[str]) -> str:
    """The candidate most like ``name`` after normalisation (「龙泉乡」 → 「龙泉镇人民政府」), or ""."""
    by_norm: dict[str, str] = {}
    for candidate in candidates:
        by_norm.setdefault(normalise_name(candidate), candidate)
    close = difflib.get_close_matches(normalise_name(name), list(by_norm), n=1, cutoff=SUGGEST_CUTOFF)
    return by_norm[close[0]] if close else ""


_KIND = re.compile(r"(乡|镇|街道|县|区|市)$")
_RENAMED_AS = {
    "乡": ("镇", "街道"),
    "镇": ("乡", "街道"),
    "街道": ("镇", "乡"),
    "县": ("区", "市"),
    "区": ("县",),
    "市": ("县",),
}


def renamed_variants(name: str) -> list[str]:
    """Normalised names the unit may have had or been given by a change of kind (撤乡设镇, 撤镇设街道, 撤县设区)."""
    norm = normalise_name(name)
    found = _KIND.search(norm)
    if not found or found.start() < 2:  # 「东镇」: a one-character place is too short to guess from
        return []
    return [norm[: found.start()] + kind for kind in _RENAMED_AS[found.group(1)]]


class FolderNames:
    """Safe, unique folder names (case-insensitive, as on Windows): 「某镇」, 「某镇（2）」…"""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        base = safe_filename(name, fallback="未命名单位")
        candidate, n = base, 1
        while candidate.casefold() in self.used or candidate.startswith("."):
            n += 1
            candidate = f"{base}（{n}）"
        self.used.add(candidate.casefold())
        return candidate
