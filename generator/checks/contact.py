"""The unit's details as printed in the title and the opening: A-1 the postcode, phone numbers and e-mail
address have the right shapes; A-2 a one-line detail has no line break and the name carries no 「（盖章）」."""

from __future__ import annotations

import re
import unicodedata

from ..findings import ERROR, WARNING, Finding
from ..report import AGENCY_FIELDS, Report

CONTACT_HINTS = {
    "postcode": "邮编应为 6 位数字，如 211100",
    "phone": "电话应为区号加号码（如 025-52100000）、7 至 8 位本地号码或 11 位手机号，多个号码用「、」隔开",
    "email": "电子邮箱应写成 name@example.gov.cn 的形式（半角字符，不含空格）",
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_PREFIX, PHONE_EXTENSION = re.compile(r"^\+?86[- ]?"), re.compile(r"(?:转|分机|ext\.?) ?\d{1,6}$", re.I)


def contact_problem(key: str, value: str) -> str:
    """What is wrong with the shape of a postcode, phone number or e-mail address ("" when it looks right)."""
    text = value.strip()
    if not text or key not in CONTACT_HINTS:
        return ""
    if key == "email":
        ok = all(EMAIL.fullmatch(part) for part in re.split(r"[、;；,，\s]+", text) if part)
    elif key == "postcode":
        ok = re.fullmatch(r"\d{6}", unicodedata.normalize("NFKC", text)) is not None
    else:
        parts = re.split(r"[、;,/或]+", unicodedata.normalize("NFKC", text))
        ok = all(_phone_ok(part.strip()) for part in parts if part.strip())
    return "" if ok else f"「{text}」的写法不对：{CONTACT_HINTS[key]}"


def _phone_ok(part: str) -> bool:
    """A landline with its area code, a local number, a mobile number, or a service line (12345, 400 …)."""
    number = PHONE_EXTENSION.sub("", PHONE_PREFIX.sub("", part)).strip()
    if not re.fullmatch(r"[\d ()\-]+", number):
        return False
    digits = re.sub(r"\D", "", number)
    extension = re.search(r"-(\d{1,5})$", number)  # 025-52100000-8001
    return _phone_digits_ok(digits) or bool(extension and _phone_digits_ok(digits[: -len(extension.group(1))]))


def _phone_digits_ok(digits: str) -> bool:
    if digits.startswith("0"):
        return 10 <= len(digits) <= 12
    if digits.startswith(("400", "800")):
        return len(digits) == 10
    if digits.startswith("1"):
        return len(digits) in (11, 5)  # 手机号; 12345 等服务热线
    return len(digits) in (7, 8) or (digits.startswith("95") and len(digits) in (5, 6))


def a1_contact_shapes(report: Report) -> list[Finding]:
    """A-1: postcode, phone and e-mail have the shapes they must have (they are printed in the opening)."""
    out = []
    for key in CONTACT_HINTS:
        problem = contact_problem(key, getattr(report.agency, key))
        if problem:
            path = f"agency.{key}"
            where = report.places.get(path) or f"单位信息 · {AGENCY_FIELDS[key]}"
            out.append(
                Finding(
                    "A-1", WARNING, where, problem + "。", path=path, operands={"填写": getattr(report.agency, key)}
                )
            )
    return out


SEAL_NOTE = re.compile(r"[（(]\s*(?:盖章|公章|印章|签章|章)\s*[)）]|[（(]?\s*(?:盖章|公章)\s*[)）]?$")


def a2_one_line_details(report: Report) -> list[Finding]:
    """A-2: a detail printed on one line (the name goes into the title) has no line break, and the name is not
    followed by a form's 「（盖章）」. Only for typed input: an imported report's line breaks are its layout's."""
    if report.headings is not None:
        return []
    out = []
    for key, label in AGENCY_FIELDS.items():
        value = getattr(report.agency, key)
        path = f"agency.{key}"
        where = report.places.get(path) or f"单位信息 · {label}"
        if problem := line_break(key, value):
            out.append(Finding("A-2", ERROR, where, problem + "。", path=path, operands={"填写": value}))
        if key == "name" and (problem := seal_note(value)):
            out.append(Finding("A-2", ERROR, where, problem + "。", path=path, operands={"填写": value}))
    return out


def seal_note(name: str) -> str:
    """Why an agency name carries a form's 「（盖章）」 (it would be printed in the title), or ""."""
    seal = SEAL_NOTE.search(name)
    if not seal:
        return ""
    return f"机关名称「{name.strip()}」中的「{seal.group(0).strip()}」不是名称的一部分，会印进报告标题：请删去"


def line_break(key: str, value: str) -> str:
    """Why a one-line detail (``AGENCY_FIELDS`` key) holding a line break cannot be used, or ""."""
    text = value.strip()
    if not re.search(r"[\r\n\v\f\u2028\u2029]", text):
        return ""
    joined = "".join(line.strip() for line in text.splitlines())
    return f"「{AGENCY_FIELDS[key]}」只能写一行，填写的内容中有换行（可能是粘贴了一段文字），连起来是「{joined}」：请删去换行"
