"""Reading one typed cell — a number, a text, a yes/no answer — with the finding it deserves.

The one reader behind the data file, the Excel form, the roster and the importer, so a value gets the
same interpretation and the same message (R0-1, R0-2, R0-3) wherever it was typed. Callers say where
the cell is (``where``, shown to the clerk) and its path; blank cells are only flagged here, because
forms report their blanks grouped (one finding per sheet or row) and a published report keeps them blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from .findings import ERROR, WARNING, Finding
from .formats import AMOUNT, amount_unit
from .limits import clip
from .numbers import INVISIBLE, MAX_DECIMALS, MONEY_UNITS, Parsed, format_number, parse_number

# C0 controls but tab and line breaks, DEL, C1 controls (0x9b starts a terminal escape), lone surrogates
# (invalid in XML and in UTF-8) and the non-characters U+FFFE/U+FFFF.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

YES, NO = "是", "否"
YES_WORDS = frozenset({YES, "已收取", "收取", "有", "是的", "true", "y", "yes", "1"})
NO_WORDS = frozenset({NO, "未收取", "不收取", "没有收取", "无", "没有", "false", "n", "no", "0"})


@dataclass(frozen=True)
class NumberCell:
    value: int | Decimal | None  # None: not acceptable (see finding)
    finding: Finding | None = None  # R0-1: an error when unreadable, a warning when normalised
    blank: bool = False  # nothing typed (value 0); the caller reports it (R0-2)
    note: str = ""  # how it was interpreted (parse_number's note)


def shown(raw: object) -> str:
    """A typed value as the clerk saw it: 50 for 50.0, text stripped, no scientific notation for ordinary numbers."""
    if isinstance(raw, float):
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite() or abs(raw.adjusted()) > 30:
            return str(raw)
        return str(int(raw)) if raw == raw.to_integral() else format(raw, "f")
    if isinstance(raw, int) and raw.bit_length() > 10_000:  # str() refuses integers of over 4,300 digits
        return "（一个上千位的数）"
    return str(raw).strip()


def read_number(
    raw: object, kind: str, where: str, path: str, extra_note: str = "", source: str = "输入", unit: str | None = None
) -> NumberCell:
    """One number cell: its value and the R0-1 finding when it had to be interpreted or cannot be read.

    ``source`` names what the value is in the finding's operands: 输入 (typed) or 原文 (printed in a report).
    An amount typed with a money unit (「1.5万元」) is converted to the cell's ``unit`` (by default the unit
    ``formats.amount_unit`` gives its path), and the finding shows both values; an unclear unit is an error.
    """
    parsed: Parsed = parse_number(raw, kind)
    if parsed.blank:
        return NumberCell(parsed.value, blank=True)
    converted = ""
    if parsed.unit:
        parsed, converted = _converted(parsed, raw, amount_unit(path) if unit is None else unit)
    if parsed.value is None:
        return NumberCell(
            None,
            Finding("R0-1", ERROR, where, _refusal(parsed.note), path=path, operands={source: clip(shown(raw))}),
            note=parsed.note,
        )
    note = "；".join(filter(None, [parsed.note, extra_note]))
    if not note:
        return NumberCell(parsed.value)
    value = format_number(parsed.value, kind)
    typed = "".join(ch for ch in shown(raw) if ch not in INVISIBLE)
    if converted:
        message = f"填写「{typed}」，已换算为 {value} {converted}（{note}），请核对。"
    else:
        message = f"「{typed}」已按 {value} 处理（{note}），请核对。"
    return NumberCell(
        parsed.value,
        Finding(
            "R0-1",
            WARNING,
            where,
            message,
            path=path,
            operands={source: shown(raw), "按": parsed.value},
        ),
        note=note,
    )


def _refusal(note: str) -> str:
    """The message of a refused number: the reason, and what to write unless the reason says it already."""
    return f"{note}。" if "请" in note else f"{note}，请填写数字。"


def _converted(parsed: Parsed, raw: object, unit: str) -> tuple[Parsed, str]:
    """An amount typed in a money unit, in the cell's unit (「1.5万元」 in a 元 cell is 15000), and the unit it
    was converted to ("" when it was already in the cell's unit, or cannot be converted)."""
    typed = parsed.unit
    if typed not in MONEY_UNITS or unit not in MONEY_UNITS:
        expected = f"本格的单位是{unit}，请直接填写以{unit}为单位的数字" if unit else "请填写不带单位的数字"
        return Parsed(None, f"「{shown(raw)}」的单位「{typed}」不明确，无法换算：{expected}"), ""
    value = Decimal(parsed.value or 0) * MONEY_UNITS[typed] / MONEY_UNITS[unit]
    if value != value.to_integral() and len(format(value.normalize(), "f").split(".")[1]) > MAX_DECIMALS:
        return Parsed(None, f"「{shown(raw)}」换算为{unit}后小数位数太多，请直接填写以{unit}为单位的数字"), ""
    if typed == unit:
        return Parsed(parsed.value, "；".join(filter(None, [parsed.note, f"已去掉单位「{unit}」"]))), ""
    note = (
        f"本格单位是{unit}，1 {typed} = {format_number(Decimal(MONEY_UNITS[typed]) / MONEY_UNITS[unit], AMOUNT)} {unit}"
    )
    return Parsed(value.normalize(), "；".join(filter(None, [parsed.note, note]))), unit


def read_text(raw: object, where: str, path: str, strip: bool = True) -> tuple[str, Finding | None]:
    """One text cell: numbers typed for text (phone numbers, postcodes) and dates as text, controls removed (R0-3)."""
    if raw is None:
        return "", None
    if isinstance(raw, (datetime, date)):
        text = f"{raw:%Y-%m-%d}"
    elif isinstance(raw, time):
        text = str(raw)
    elif isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        text = shown(raw)
    else:
        text = str(raw)
    cleaned = CONTROL_CHARS.sub("", text)
    finding = None
    if cleaned != text:
        finding = Finding("R0-3", WARNING, where, "文字中含有不可见的控制字符，已删除。", path=path)
    return (cleaned.strip() if strip else cleaned), finding


def read_yes_no(raw: object, where: str, path: str) -> tuple[bool | None, Finding | None]:
    """A yes/no answer (是/否 and the usual variants); None when blank; an R0-1 error when it is neither."""
    if raw is None or isinstance(raw, bool):
        return raw, None
    text = shown(raw)
    if not text:
        return None, None
    if text.casefold() in YES_WORDS:
        return True, None
    if text.casefold() in NO_WORDS:
        return False, None
    return None, Finding(
        "R0-1",
        ERROR,
        where,
        f"「{text}」无法识别，请填写或选择「{YES}」或「{NO}」。",
        path=path,
        operands={"输入": text},
    )
