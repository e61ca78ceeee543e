"""Workbooks: user text written as text (never a formula or a DDE link), numbers written exactly, hostile cells read.

openpyxl turns any string that starts with "=" into a live formula. Agency names, file names, prose and
values echoed in messages are user-controlled, so every workbook writer puts text through ``put_text``
(formula injection: text starting with = + - @, a tab or a carriage return, also after leading spaces or in
full width, is stored as text and shown with Excel's quote prefix, so even editing the cell does not make it a
formula) and numbers through ``put_value`` (a spreadsheet keeps 15 significant digits: longer amounts are text).
Readers open workbooks with ``load_readonly``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .numbers import plain

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


EXCEL_CELL_CHARS = 32_767  # the most characters Excel (and WPS) keep in one cell


def put_text(cell, value) -> None:
    """Store ``value`` in an openpyxl cell (also a write-only cell); strings always as text."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > EXCEL_CELL_CHARS:  # Excel refuses the whole workbook otherwise; the cut is said in the cell
        note = f"…（原文共 {len(text)} 个字符，超出 Excel 单元格上限 {EXCEL_CELL_CHARS} 个字符，以下已截去）"
        text = text[: EXCEL_CELL_CHARS - len(note)] + note
    cell.value = text
    cell.data_type = "s"
    if text.lstrip(" \u3000").startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def put_value(cell, value) -> None:
    """Store a typed value: text through ``put_text``, numbers exactly (see ``numbers.plain``)."""
    put_text(cell, plain(value))


def cell_for(sheet, value):
    """What to append to a write-only sheet for ``value``: numbers as they are, text in a cell made by ``put_value``."""
    from openpyxl.cell import WriteOnlyCell

    value = plain(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet)
    put_text(cell, value)
    return cell


def load_readonly(source, data_only: bool = False):
    """openpyxl's read-only workbook, made safe and quick to open.

    - A number cell Python cannot convert (10^5000, NaN typed as a number) is read as its text, so the cell
      reader reports it at its cell instead of the whole file failing.
    - openpyxl looks for a sheet's ``<dimension>`` by parsing until the *end* of ``<sheetData>``, i.e. the
      whole sheet when the element is missing (files written in write-only mode have none): 25 s for a
      100,000-row roster, twice, before the first row. Here only the sheet's head is looked at.
    """
    from openpyxl import load_workbook
    from openpyxl.worksheet import _reader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = _reader._cast_number
    if not getattr(original, "keeps_text", False):

        def cast(value: str):
            try:
                return original(value)
            except ValueError:
                return value

        cast.keeps_text = True  # type: ignore[attr-defined]
        _reader._cast_number = cast
    original_size = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = _size_from_head
    try:
        return load_workbook(source, read_only=True, data_only=data_only)
    finally:
        ReadOnlyWorksheet._get_size = original_size


def _size_from_head(sheet) -> None:
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS

    with sheet._get_source() as source:
        for _, element in iterparse(source, events=("start",)):
            if element.tag == f"{{{SHEET_MAIN_NS}}}dimension" and element.get("ref"):
                boundaries = SheetDimension.from_tree(element).boundaries
                if boundaries:
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = boundaries
                return
            if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                return


@dataclass(frozen=True)
class UncachedFormula:
    """A cell holding a formula whose result was never saved (a program that does not calculate wrote it):
    read with cached values it looks empty, so readers get this instead and say what the cell holds."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class MergedAway:
    """A cell covered by a merged range other than its top-left one: a spreadsheet shows it blank whatever it holds."""

    merged: str  # the range, as A3:A4

    def __str__(self) -> str:
        return self.merged


@dataclass(frozen=True)
class SheetExtras:
    """What a read-only, cached-values reading of a sheet does not show: formulas without a saved result
    (row → column → ``=…``) and merged ranges (min_col, min_row, max_col, max_row, as ``A3:A4``)."""

    formulas: dict[int, dict[int, str]]
    merged: list[tuple[int, int, int, int, str]]


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}[0-9]{1,7}:[A-Za-z]{1,3}[0-9]{1,7})"')


def sheet_extras(archive, member: str) -> SheetExtras:
    """The formulas without a saved result and the merged ranges of worksheet ``member`` of workbook ``archive``.

    A byte scan first: a sheet without any ``<f>`` element (nearly all) is not parsed.
    """
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(archive) as package:
        has_formula, merges = _scan_bytes(package, member)
        formulas = {}
        if has_formula:
            with package.open(member) as source:
                formulas = _scan_formulas(source)
    merged = [(*range_boundaries(ref), ref) for ref in merges]
    return SheetExtras(formulas, [m for m in merged if None not in m])


def _scan_bytes(package: zipfile.ZipFile, member: str) -> tuple[bool, list[str]]:
    """Whether the sheet holds any formula, and its merged ranges, from its bytes (no XML parsing)."""
    has_formula, merges, tail = False, [], b""
    with package.open(member) as source:
        while chunk := source.read(1 << 20):
            window = tail + chunk
            has_formula = has_formula or bool(_FORMULA_TAG.search(window))
            merges += [m.group(1).decode("ascii").upper() for m in _MERGE_TAG.finditer(window) if m.end() > len(tail)]
            tail = window[-200:]
    return has_formula, merges


def _has_result(cell, namespace: str) -> bool:
    """A saved result: a value, or an empty text (a formula that shows nothing); openpyxl writes an empty number."""
    value = cell.find(f"{{{namespace}}}v")
    return value is not None and (bool(value.text) or cell.get("t") == "str")


def _scan_formulas(source) -> dict[int, dict[int, str]]:
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.xml.constants import SHEET_MAIN_NS

    cell_tag, formula_tag = f"{{{SHEET_MAIN_NS}}}c", f"{{{SHEET_MAIN_NS}}}f"
    found: dict[int, dict[int, str]] = {}
    shared: dict[str, str] = {}  # a shared formula's text is written on its first cell only
    row_element, row = None, 0
    last_ref, since = "", 0  # the last cell reference written in the row, and cells since (a cell may omit it)
    for _, cell in etree.iterparse(source, events=("end",), tag=cell_tag):
        parent = cell.getparent()
        if parent is not row_element:  # a new row: the rows read are dropped, memory stays flat
            row_element, row, last_ref, since = parent, int(parent.get("r") or row + 1), "", 0
            while parent.getprevious() is not None:
                del parent.getparent()[0]
        ref = cell.get("r")
        last_ref, since = (ref, 0) if ref else (last_ref, since + 1)
        formula = cell.find(formula_tag)
        if formula is not None:
            text, key = formula.text or "", formula.get("si")
            if key is not None:
                text = shared.setdefault(key, text) if text else shared.get(key, "")
            if not _has_result(cell, SHEET_MAIN_NS):
                letters, number = coordinate_from_string(last_ref) if last_ref else ("", row)
                column = (column_index_from_string(letters) if letters else 0) + since
                found.setdefault(number, {})[column] = "=" + text if text else "（公式）"
        cell.clear()
    return found
