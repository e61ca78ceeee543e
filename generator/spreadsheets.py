"""User text in the workbooks the tool writes: always a text cell, never a formula or a DDE link.

openpyxl turns any string that starts with "=" into a live formula. Agency names, file names, prose and
values echoed in messages are user-controlled, so every workbook writer puts text through ``put_text``
(formula injection: text starting with = + - @, a tab or a carriage return is stored as text and shown
with Excel's quote prefix, so even editing the cell does not make it a formula).
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell, value) -> None:
    """Store ``value`` in an openpyxl cell (also a write-only cell); strings always as text."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
