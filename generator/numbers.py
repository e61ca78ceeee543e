"""Read numbers and dates the way clerks type them: full-width digits, thousands separators, "+0", "无", "元".

``parse_number`` never raises, whatever it is given: it returns the value (or None when it cannot be
accepted) and, when it had to interpret the input, a Chinese note saying what it did or what is wrong.

Bounds: every count, change and amount is below 10^15 (``MAX_MAGNITUDE``; nothing in the report comes
near it, and a spreadsheet keeps only 15 significant digits), an amount has at most ``MAX_DECIMALS``
decimal places, and a typed number is at most ``MAX_NUMBER_TEXT`` characters. Infinity and NaN are
never numbers. ``plain`` gives the exact form of a number for files that store floats.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .formats import AMOUNT, COUNT
from .limits import clip

MAX_MAGNITUDE = 10**15
MAX_DECIMALS = 10
MAX_NUMBER_TEXT = 64
EXACT_DIGITS = 15  # significant digits a float (and so a spreadsheet cell) keeps exactly
TOO_LARGE = "数字太大（不能达到 10^15，即一千万亿）"

INVALID_MARK = "待核"  # printed where an input could not be read (or a total depends on one), never a silent 0
ZERO_WORDS = {"无", "没有", "-", "—", "－", "/", "／", "\\", "无此项", "不适用", "空", "--", "——", "—-", "－－"}
COUNT_UNITS = ("件", "个", "项", "条", "次")
MONEY_UNITS = {"元": 1, "千元": 1000, "万元": 10**4, "百万元": 10**6, "亿元": 10**8}
UNCLEAR_UNITS = ("万", "千", "亿")  # 「1.5万」: 万 of what? (in a 万元 cell it could mean 1.5 万元)
CURRENCY = re.compile(r"^[¥￥]")  # NFKC makes ￥ ¥: 「¥5000」 is 5000 元
UNIT_SUFFIX = re.compile(r"(件|个|项|条|次|百万元|千元|万元|亿元|元|万|千|亿)$")
MINUS = re.compile(r"^[\u2212\u2010\u2011\u2012\u2013\ufe63](?=\s*\d)")  # Word/WPS autocorrect's minus signs
INVISIBLE = {  # characters a clerk cannot see, pasted from Word, web pages and chat apps (spaces are spaces)
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "零宽不换行符",
    "\ufeff": "字节顺序标记 BOM",
    "\u00ad": "软连字符",
    "\u200e": "从左到右标记",
    "\u200f": "从右到左标记",
    "\u202a": "方向控制符",
    "\u202c": "方向控制符",
}
DIGIT_SCRIPTS = {"ARABIC-INDIC": "阿拉伯-印度数字", "EXTENDED ARABIC-INDIC": "波斯数字", "DEVANAGARI": "天城文数字"}


CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_POWERS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+(件|个|项|条|次)?")


def chinese_number(text: str) -> int | None:
    """三十 → 30, 十二 → 12, 两 → 2, 一百零五 → 105, 三万二千 → 32000; None when ``text`` is not one."""
    if not CHINESE_NUMBER.fullmatch(text):
        return None
    text = re.sub(r"(件|个|项|条|次)$", "", text)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        elif ch in CHINESE_POWERS:
            section += (1 if digit is None else digit) * CHINESE_POWERS[ch]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Parsed:
    value: int | Decimal | None  # None: not acceptable (see note)
    note: str = ""  # why it was normalised (value set) or rejected (value None)
    blank: bool = False
    unit: str = ""  # a money unit typed after an amount (元, 万元 …; 万 when unclear): the value is in it


def parse_number(raw: object, kind: str = COUNT) -> Parsed:
    """Interpret one cell. ``kind`` is COUNT (int >= 0), SIGNED (any int) or AMOUNT (decimal >= 0).

    An amount typed with a money unit keeps its value in that unit and says so in ``unit``: converting it
    to the cell's unit is ``cells.read_number``'s (it knows the cell)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(0, "空白，已按 0 处理", blank=True)
    if isinstance(raw, bool):
        return Parsed(None, f"「{raw}」不是数字")
    if isinstance(raw, int):
        return _check_range(raw, kind, "")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return Parsed(None, f"「{raw}」不是有效的数字（无穷大或非数字）")
        return _from_decimal(Decimal(repr(raw)), kind, "")
    if isinstance(raw, Decimal):
        return _from_decimal(raw, kind, "")
    return _parse_text(str(raw), kind)


def invisible_note(raw: str) -> str:
    """「「12」后面有一个看不见的字符（零宽空格 U+200B），已删除」, or "" when there is none."""
    found = [(i, ch) for i, ch in enumerate(raw) if ch in INVISIBLE]
    if not found:
        return ""
    visible = "".join(ch for ch in raw if ch not in INVISIBLE).strip()
    first = found[0][0]
    before = "".join(ch for ch in raw[:first] if ch not in INVISIBLE).strip()
    side = "前面" if not before else ("后面" if before == visible else "中间")
    names = "、".join(dict.fromkeys(f"{INVISIBLE[ch]} U+{ord(ch):04X}" for _, ch in found))
    count = "一个" if len(found) == 1 else f"{len(found)} 个"
    return f"「{visible}」{side}有{count}看不见的字符（{names}），已删除"


def _other_digits(text: str) -> tuple[str, str]:
    """Digits of other scripts (Arabic-Indic 「١٢」) as ASCII, and a note naming the script; ("", "") if none."""
    scripts = [unicodedata.name(ch, "").split(" DIGIT")[0] for ch in text if ch.isdigit() and not ch.isascii()]
    if not scripts:
        return text, ""
    converted = "".join(str(unicodedata.decimal(ch, ch)) if ch.isdigit() else ch for ch in text)
    names = "、".join(dict.fromkeys(DIGIT_SCRIPTS.get(s, f"非常用数字（{s}）") for s in scripts))
    return converted, f"「{text}」中的{names}已按 {converted} 读取"


def _parse_text(raw: str, kind: str) -> Parsed:
    if len(raw) > MAX_NUMBER_TEXT:
        if raw.strip().lstrip("+-").isdigit():
            return Parsed(None, f"「{clip(raw.strip(), 20)}」{TOO_LARGE}")
        return Parsed(None, f"「{clip(raw.strip(), 20)}」不是数字")
    notes = []
    hidden = invisible_note(raw)
    if hidden:
        notes.append(hidden)
        raw = "".join(ch for ch in raw if ch not in INVISIBLE)
    text = unicodedata.normalize("NFKC", raw).strip()
    if text != raw.strip():
        notes.append("全角字符已转为半角")
    if raw != raw.strip() and not hidden:
        notes.append("已去掉首尾空格")
    if MINUS.match(text):
        notes.append(f"「{text[0]}」（U+{ord(text[0]):04X}）已按负号处理")
        text = "-" + text[1:]
    text, digits_note = _other_digits(text)
    notes += [digits_note] if digits_note else []
    if text.startswith("="):
        return Parsed(None, f"「{raw}」是公式，请直接填写数字")
    if text in ZERO_WORDS:
        return Parsed(0, "没有发生请直接填 0，不要填“无”“-”“/”")
    money = ""
    if CURRENCY.match(text):
        if kind != AMOUNT:
            return Parsed(None, f"「{raw.strip()}」带有货币符号「¥」，这里要填的是件数")
        notes.append("「¥」表示元")
        text, money = text[1:].strip(), "元"
    unit = UNIT_SUFFIX.search(text)
    if unit:
        if unit.group(1) in COUNT_UNITS:
            notes.append(f"已去掉单位「{unit.group(1)}」")
        elif kind != AMOUNT and unit.group(1) in UNCLEAR_UNITS:
            return Parsed(None, f"「{raw.strip()}」中的「{unit.group(1)}」请换成数字（如 1万 写成 10000）")
        elif kind != AMOUNT:
            return Parsed(None, f"「{raw.strip()}」带有金额单位「{unit.group(1)}」，这里要填的是件数")
        elif money:
            return Parsed(None, f"「{raw.strip()}」既有「¥」又有单位「{unit.group(1)}」，请只写以元为单位的数字")
        else:
            money = unit.group(1)
        text = text[: unit.start()].strip()
    if re.search(r"\S[\r\n\t\v\f\u2028\u2029]+\S", text):  # pasted from a table or with Alt+Enter: two values
        shown_text = re.sub(r"\s+", " ", raw.strip())
        return Parsed(None, f"「{shown_text}」不是数字：一格里有换行或制表符隔开的几项，请只填一个数")
    compact = re.sub(r"\s+", "", text)
    if compact != text:
        notes.append("已去掉数字中的空格")
    if "," in compact:
        groups = compact.lstrip("+-").split(".")[0].split(",")
        if "." not in compact and len(groups) == 2 and len(groups[1]) in (1, 2) and groups[0]:
            return Parsed(
                None, f"「{raw.strip()}」不是数字：逗号看不出是千位分隔符、小数点还是把两个数隔开，请去掉逗号重新填写"
            )
        if not all(len(g) == 3 for g in groups[1:]) or not 1 <= len(groups[0]) <= 3:
            notes.append(f"千位分隔符位置不对（「{raw.strip()}」），已按 {compact.replace(',', '')} 处理，请核对")
        else:
            notes.append("已去掉千位分隔符")
        compact = compact.replace(",", "")
    if compact.startswith("+"):
        notes.append("已去掉正号「+」")
        compact = compact[1:]
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", compact):
        value = chinese_number(compact)
        if value is not None:
            return Parsed(None, f"「{raw.strip()}」不是数字：中文数字请写成阿拉伯数字 {value}")
        return Parsed(None, f"「{raw.strip()}」{_why_not_a_number(compact, kind)}")
    parsed = _from_decimal(Decimal(compact), kind, "；".join(notes))
    return Parsed(parsed.value, parsed.note, unit=money) if money and parsed.value is not None else parsed


APPROXIMATE = re.compile(r"^(?:约|大约|约为|近|将近|超过|逾|不到|不足)|(?:左右|余|多|以上|以下|上下)$")
RANGE = re.compile(r"\d\s*(?:-|~|～|—|至|到)\s*\d")
LOOKS_LIKE_DATE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*[日号]?)?$")


def _why_not_a_number(text: str, kind: str) -> str:
    """Why a cell's text cannot be taken as a number, in the words a clerk needs (「约5件」 is an estimate …)."""
    what = "金额" if kind == AMOUNT else "件数"
    if LOOKS_LIKE_DATE.match(text):
        return f"不是数字：像是日期，这里要填的是{what}"
    if text.endswith("%") or text.startswith("百分之"):
        return f"不是数字：是百分比，这里要填的是{what}（不是比例）"
    if re.search(r"\d", text) and APPROXIMATE.search(text):
        return f"不是数字：是约数，请填写确切的{what}"
    if RANGE.search(text):
        return f"不是数字：是一个范围，请填写确切的{what}"
    if text.startswith("(") and text.endswith(")"):
        return "不是数字：带有括号，请直接填写数字（负数写成 -3）"
    return "不是数字"


def _from_decimal(number: Decimal, kind: str, note: str) -> Parsed:
    if not number.is_finite():
        return Parsed(None, f"「{number}」不是有效的数字（无穷大或非数字）")
    if abs(number) >= MAX_MAGNITUDE:
        return Parsed(None, f"「{clip(str(number), 20)}」{TOO_LARGE}")
    if number == 0:
        number = abs(number)  # 「-0」 is 0, never printed as -0
    if kind == AMOUNT:
        if number < 0:
            return Parsed(None, f"金额不能为负数（{number}）")
        if number == number.to_integral():
            return Parsed(number.normalize(), note)
        if _trimmed(number)[1] > MAX_DECIMALS:
            return Parsed(None, f"金额「{clip(str(number), 20)}」的小数位数太多，最多 {MAX_DECIMALS} 位")
        return Parsed(number, note)
    if number != number.to_integral():
        return Parsed(None, f"件数必须是整数，不能是 {number}")
    if "." in str(number):
        note = "；".join(filter(None, [note, f"「{number}」已按整数 {int(number)} 处理"]))
    return _check_range(int(number), kind, note)


def _check_range(value: int, kind: str, note: str) -> Parsed:
    if abs(value) >= MAX_MAGNITUDE:
        text = clip(str(value), 20) if value.bit_length() < 10_000 else "一个上千位的数"
        return Parsed(None, f"「{text}」{TOO_LARGE}")
    if kind == COUNT and value < 0:
        return Parsed(None, f"件数不能为负数（{value}）")
    if kind == AMOUNT and value < 0:
        return Parsed(None, f"金额不能为负数（{value}）")
    if kind == AMOUNT:
        return Parsed(Decimal(value), note)
    return Parsed(value, note)


def plain(value):
    """A number as files that store floats keep it exactly (JSON, YAML, a workbook cell); other values unchanged.

    An int, a float when it has at most 15 significant digits, else its exact digits as text. Infinity, NaN and
    integers of 10^15 or more (kept only to be written back as typed) become text too.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, int):
        return value if abs(value) < MAX_MAGNITUDE else str(value)
    if not isinstance(value, Decimal):
        return value
    if not value.is_finite() or abs(value.adjusted()) > 30:
        return str(value)
    if value == value.to_integral():
        return plain(int(value))
    if _trimmed(value)[0] <= EXACT_DIGITS:
        return float(value)
    return format(value, "f")


def _trimmed(number: Decimal) -> tuple[int, int]:
    """(significant digits, decimal places) of a finite Decimal, trailing zeros left out, without context rounding."""
    _, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    zeros = len(digits) - len(text)
    return max(len(text), 1), max(0, -(int(exponent) + zeros))


def format_number(value: int | Decimal | None, kind: str = COUNT) -> str:
    """How a number is printed in a report table: 0 for zero, never blank; amounts without trailing zeros."""
    if value is None:
        return "0"
    if kind == AMOUNT:
        return format(Decimal(value).normalize(), "f")
    return str(value)


DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?|(\d{4})(\d{2})(\d{2})")


def parse_date(value) -> date | None:
    """A date cell or text: 2026-01-20, 2026/1/20, 2026年1月20日, 20260120 (full-width too); None if not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        return None
    if len(text) > MAX_NUMBER_TEXT:
        return None
    match = DATE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups() if g is not None))
    except ValueError:
        return None
