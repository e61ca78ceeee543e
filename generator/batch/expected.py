"""The list of units expected to file (``--expected``): 名单.xlsx, a roster's names, or a text list.

A workbook has a header row (within the first 10 rows) with 单位名称 and optionally 单位代码, 联系人, 联系电话,
上级, 曾用名; a text list (.txt/.csv) is one name a line, or columns under that header, decoded as Notepad
or Excel saved it (UTF-8 with or without BOM, GBK, UTF-16). Blank rows, numbering and invisible characters
are dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputs.roster import ROSTER_SHEET
from ..inputs.sniff import decode_text
from ..limits import INVISIBLE, check_size, read_limited
from ..spreadsheets import MergedAway, UncachedFormula, load_readonly


@dataclass(frozen=True)
class Expected:
    """One unit on the list of units expected to file this year."""

    name: str
    code: str = ""
    contact: str = ""
    phone: str = ""
    parent: str = ""  # its 上级 column, when the list has one
    former: str = ""  # its 曾用名 (last year's name, e.g. before 撤乡设镇), matched in --previous


def cell_text(values: tuple[Any, ...], index: int | None) -> str:
    """A cell's text; "" for a formula without a saved result or a cell under a merge (the roster's reading names
    those, never as a unit's name)."""
    value = values[index] if index is not None and index < len(values) else None
    return str(value).strip() if value is not None and not isinstance(value, (UncachedFormula, MergedAway)) else ""


HEADERS = {
    "name": ("单位名称", "机关名称", "单位", "名称"),
    "code": ("单位代码", "代码", "统一社会信用代码", "机构代码"),
    "contact": ("联系人",),
    "phone": ("联系电话", "电话", "手机", "联系方式"),
    "parent": ("上级", "上级政府", "上级单位", "上级机关"),
    "former": ("曾用名", "原名称", "原单位名称", "上年名称"),
}


TEXT_LISTS = (".txt", ".csv")
_NUMBERING = re.compile(
    r"^\s*[(（]?\d{1,4}\s*[)）.．、]?\s+|^\s*[(（]?\d{1,4}\s*[)）.．、]\s*"
)  # 「1. 」「3、」「（2）」


def read_expected(path: Path) -> list[Expected]:
    """名单.xlsx (a header row with 单位名称 and optionally 单位代码, 联系人, 联系电话, 上级), or a roster's names;
    or a text list (.txt/.csv, UTF-8 with or without BOM, GBK, UTF-16): one unit a line, or columns under that header."""
    if not path.exists():
        raise InputError(f"找不到应报单位名单 {path}。")
    check_size(path, "应报单位名单")  # a FIFO or a device is refused before it is opened
    if path.suffix.lower() in TEXT_LISTS:
        units = _expected_rows(path, _text_rows(path), "", headed=False)
        if not units:
            raise InputError(f"{path.name}：文件中没有单位名称（每行写一个单位名称）。")
        return units
    try:
        workbook = load_readonly(path, data_only=True)
    except Exception:
        raise InputError(
            f"{path.name}：无法作为 Excel 工作簿打开。请把应报单位名单另存为 .xlsx，"
            "或存为文本文件（.txt，每行一个单位名称）后再试。"
        ) from None
    try:
        sheet = workbook[ROSTER_SHEET] if ROSTER_SHEET in workbook.sheetnames else workbook.worksheets[0]
        units = _expected_rows(path, sheet.iter_rows(values_only=True), f"工作表「{sheet.title}」")
    finally:
        workbook.close()
    if not units:
        raise InputError(f"{path.name}：工作表「{sheet.title}」中没有单位名称。")
    return units


def _text_rows(path: Path) -> Iterator[tuple[str, ...]]:
    """The rows of a text list: decoded as Notepad or Excel saved it, split at tabs or commas (CSV quoting kept)."""
    data = read_limited(path, "应报单位名单")
    text = _decode_list(path, data)
    lines = text.splitlines()
    dialect = "excel-tab" if any("\t" in line for line in lines) else "excel"
    if path.suffix.lower() == ".txt" and dialect == "excel":
        return ((line,) for line in lines)  # one name a line; a name never holds a tab
    return (tuple(row) for row in csv.reader(io.StringIO(text), dialect))


def _decode_list(path: Path, data: bytes) -> str:
    text = decode_text(data)
    if text is not None:
        return text
    raise InputError(f"{path.name}：无法识别文件编码。请用记事本打开，「另存为」时编码选 UTF-8 后再试。")


def _expected_rows(path: Path, rows: Iterator[Any], where: str, headed: bool = True) -> list[Expected]:
    """Units under the header row (within the first 10 rows); a text list without one is one name a line."""
    columns: dict[str, int] = {}
    seen: list[Any] = []
    for number, row in enumerate(rows, start=1):
        seen.append(row)
        labels = [re.sub(r"\s+", "", INVISIBLE.sub("", str(v))) if v is not None else "" for v in row]
        for key, names in HEADERS.items():
            hit = next((i for name in names for i, label in enumerate(labels) if label == name), None)
            if hit is not None and key not in columns:
                columns[key] = hit
        if "name" in columns or number >= 10:
            break
    if "name" not in columns:
        if not headed:
            return _units(seen + list(rows), {"name": 0}, numbered=True)
        raise InputError(
            f"{path.name}：{where}的前 10 行中没有「单位名称」（或「机关名称」）列标题。"
            "请在第一行写列标题：单位名称、单位代码（可选）、联系人（可选）、联系电话（可选）、上级（可选）、"
            "曾用名（可选，上年的名称）。"
        )
    return _units(rows, columns, numbered=not headed)


def _units(rows: Iterable[Any], columns: dict[str, int], numbered: bool) -> list[Expected]:
    """One Expected per row with a name (blank rows and blank names skipped; invisible characters removed)."""
    units = []
    for row in rows:
        values = {key: INVISIBLE.sub("", cell_text(tuple(row), i)).strip() for key, i in columns.items()}
        if numbered:
            values["name"] = _NUMBERING.sub("", values["name"]).strip()
        if values["name"]:
            units.append(Expected(**values))
    return units
