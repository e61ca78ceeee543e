"""Filing status: which expected unit filed what, which file counts when a unit filed twice, who is late.

A submission belongs to a unit by its unit code, else by its normalised name (spaces, punctuation,
full-width forms and a trailing 人民政府/办事处 do not count), else — a copy whose name was changed —
by identical data. A unit that filed more than once is counted once: the file taken is the one without
errors, then (same data) the one whose file name is not a copy, else the most recently changed one;
the reason is stated. Each unit gets one status (``STATUSES``) and notes on everything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..findings import ERROR
from .worker import ERRORS, OK, UNREADABLE, WARNINGS

PASSED, HAS_ERRORS, MISSING, DUPLICATE, LATE = "已提交且通过", "有错误", "未提交", "重复提交", "逾期"
STATUSES = (HAS_ERRORS, MISSING, DUPLICATE, LATE, PASSED)  # also the order a reviewer works through them
NOT_LISTED = "不在名单中"

_COPY_MARK = re.compile(r"(?:\s*[-－—_]?\s*(?:副本|复制|拷贝|copy)\s*(?:[(（]?\d+[)）]?)?|\s*[(（]\d+[)）])+$", re.I)
_SUFFIX = re.compile(r"(?:人民政府|办事处)$")


def normalise_name(name: str | None) -> str:
    """The name as units are matched: NFKC, no spaces or punctuation, no trailing 人民政府/办事处."""
    text = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name or ""))
    return _SUFFIX.sub("", text).casefold()


def is_copy_name(file_name: str) -> bool:
    """「青山镇 - 副本.xlsx」, 「青山镇(2).xlsx」: a name the file system or the clerk gave a copy."""
    return bool(_COPY_MARK.search(Path(file_name).stem))


def _stem_name(file_name: str) -> str:
    return normalise_name(_COPY_MARK.sub("", Path(file_name).stem))


@dataclass(frozen=True)
class Expected:
    """One unit on the list of units expected to file this year."""

    name: str
    code: str = ""
    contact: str = ""
    phone: str = ""


@dataclass
class Submission:
    """What the status needs of one agency record (a file or a roster row)."""

    seq: int
    source: str
    folder: str
    name: str
    code: str
    check: str  # 通过 / 有提醒 / 有错误 / 无法读取
    errors: int
    warnings: int
    year: int | None
    published: date | None
    late_days: int
    content: str  # hash of the data (equal for identical copies)
    changed: float  # file modification time (0 for roster rows)
    files: list[str]
    contact: str = ""
    phone: str = ""
    kind: str = "report"

    @property
    def accepted(self) -> bool:
        return self.check in (OK, WARNINGS)


@dataclass
class Unit:
    name: str
    code: str = ""
    contact: str = ""
    phone: str = ""
    listed: bool = True  # on the list of expected units (always, without a list)
    submissions: list[Submission] = field(default_factory=list)
    chosen: Submission | None = None
    status: str = MISSING
    notes: list[str] = field(default_factory=list)
    included: bool = False  # its numbers are in the roll-up

    @property
    def ordered(self) -> list[Submission]:
        """The submission taken first, then the others in input order."""
        return sorted(self.submissions, key=lambda s: s is not self.chosen)


@dataclass
class Filing:
    units: list[Unit]
    totals: list[Submission]  # the level's own report (e.g. the county's), compared with the sum, not added
    name: str  # whose roll-up this is (the units' common 上级政府, or --name)
    has_list: bool

    def count(self, status: str) -> int:
        return sum(u.status == status for u in self.units)

    @property
    def included(self) -> set[int]:
        return {u.chosen.seq for u in self.units if u.included and u.chosen}

    @property
    def duplicates(self) -> list[Unit]:
        return [u for u in self.units if len(u.submissions) > 1]


def submission(record: dict, deadline: tuple[int, int], changed: float = 0.0) -> Submission:
    findings = record.get("findings") or []
    errors = sum(f["severity"] == ERROR for f in findings)
    published = date.fromisoformat(record["publication_date"]) if record.get("publication_date") else None
    late = 0
    if published and record.get("year"):
        late = max((published - date(record["year"] + 1, *deadline)).days, 0)
    return Submission(
        record["seq"],
        record["source"],
        record["folder"],
        record.get("name") or "",
        record.get("code") or "",
        record["status"],
        errors,
        len(findings) - errors,
        record.get("year"),
        published,
        late,
        record.get("content") or "",
        changed,
        list(record.get("files") or {}),
        record.get("contact") or "",
        record.get("phone") or "",
        record.get("kind") or "report",
    )


def build_filing(
    submissions: list[Submission],
    expected: list[Expected] | None,
    name: str = "",
    parents: list[str] | tuple[str, ...] = (),
) -> Filing:
    """Units with their submissions, the file taken for each, and their status.

    The roll-up is ``name``'s, else the 上级政府 most submissions name (if more than half do); a submission
    of that agency itself is the level's own report (compared with the sum, not added to it).
    """
    if not name and parents:
        common, count = Counter(p for p in parents if p).most_common(1)[0] if any(parents) else ("", 0)
        name = common if count * 2 > len(parents) else ""
    own = normalise_name(name)
    totals = [s for s in submissions if own and s.name and normalise_name(s.name) == own]
    units = [Unit(e.name, e.code, e.contact, e.phone) for e in expected or ()]
    by_code = {u.code: u for u in units if u.code}
    by_name = {normalise_name(u.name): u for u in units}
    by_content: dict[str, Unit] = {}
    for sub in submissions:
        if sub in totals:
            continue
        unit = (by_code.get(sub.code) if sub.code else None) or by_name.get(
            normalise_name(sub.name) if sub.name else _stem_name(sub.source)
        )
        if unit is None and sub.content in by_content:
            unit = by_content[sub.content]
            unit.notes.append(
                f"「{sub.source}」的机关名称为「{sub.name}」，但数据与本单位的完全相同，按同一单位的重复提交处理，"
                "请与该单位核实"
            )
        if unit is None:
            unit = Unit(sub.name or Path(sub.source).stem, sub.code, listed=expected is None or not sub.name)
            units.append(unit)
            if sub.code:
                by_code[sub.code] = unit
            by_name[normalise_name(unit.name) if sub.name else _stem_name(sub.source)] = unit
        unit.submissions.append(sub)
        if sub.content:
            by_content.setdefault(sub.content, unit)
    for unit in units:
        _settle(unit)
    return Filing(units, totals, name, expected is not None)


def _settle(unit: Unit) -> None:
    """Choose the submission that counts, and the unit's status and notes."""
    subs = unit.submissions
    if not subs:
        unit.status = MISSING
        return
    chosen = unit.chosen = _choose(unit)
    unit.contact = unit.contact or chosen.contact
    unit.phone = unit.phone or chosen.phone
    unit.included = chosen.accepted and unit.listed
    if not unit.listed:
        unit.notes.append("不在应报单位名单中，未计入汇总；如属本级应报单位，请加入名单后重新运行")
    if chosen.late_days:
        unit.notes.append(f"发布日期 {chosen.published:%Y-%m-%d}，晚于公布期限 {chosen.late_days} 天")
    if not chosen.accepted:
        unit.status = HAS_ERRORS
    elif len(subs) > 1:
        unit.status = DUPLICATE
    elif chosen.late_days:
        unit.status = LATE
    else:
        unit.status = PASSED


def _choose(unit: Unit) -> Submission:
    subs = unit.submissions
    if len(subs) == 1:
        return subs[0]
    rank = {OK: 0, WARNINGS: 0, ERRORS: 1, UNREADABLE: 2}
    best = min(rank[s.check] for s in subs)
    candidates = [s for s in subs if rank[s.check] == best]
    if len(candidates) == 1:
        chosen, why = candidates[0], "只有这一份没有错误" if best == 0 else "只有这一份能够读取"
    elif len({s.content for s in candidates}) == 1:
        chosen = min(candidates, key=lambda s: (is_copy_name(s.source), s.seq))
        copies = any(is_copy_name(s.source) for s in candidates) and not is_copy_name(chosen.source)
        why = "数据相同，采用文件名不是副本的一份" if copies else "数据相同，采用排在前面的一份"
    else:
        chosen = max(candidates, key=lambda s: (s.changed, s.seq))
        latest = "修改时间最晚的一份" if any(s.changed for s in candidates) else "排在最后的一行"
        why = f"数据不同，采用{latest}"
        why += "，请与该单位核实哪一份是定稿"
    labels = {ERRORS: "（有错误）", UNREADABLE: "（无法读取）"}
    rejected = "、".join(f"「{s.source}」{labels.get(s.check, '')}" for s in subs if s is not chosen)
    unit.notes.insert(
        0, f"重复提交 {len(subs)} 份：采用「{chosen.source}」（{why}），未采用 {rejected}；只计入汇总一次"
    )
    return chosen


# --- the list of expected units -----------------------------------------------------------------

NAME_HEADERS = ("单位名称", "机关名称", "单位", "名称")
CODE_HEADERS = ("单位代码", "代码", "统一社会信用代码", "机构代码")
CONTACT_HEADERS = ("联系人",)
PHONE_HEADERS = ("联系电话", "电话", "手机", "联系方式")


def read_expected(path: Path) -> list[Expected]:
    """名单.xlsx (a header row with 单位名称 and optionally 单位代码, 联系人, 联系电话), or a roster's names."""
    from ..inputs.roster import ROSTER_SHEET
    from ..spreadsheets import load_readonly

    if not path.exists():
        raise InputError(f"找不到应报单位名单 {path}。")
    try:
        workbook = load_readonly(path, data_only=True)
    except Exception:
        raise InputError(f"{path.name}：无法作为 Excel 工作簿打开，请把应报单位名单另存为 .xlsx 后再试。") from None
    try:
        sheet = workbook[ROSTER_SHEET] if ROSTER_SHEET in workbook.sheetnames else workbook.worksheets[0]
        units = _expected_rows(path, sheet)
    finally:
        workbook.close()
    if not units:
        raise InputError(f"{path.name}：工作表「{sheet.title}」中没有单位名称。")
    return units


def _expected_rows(path: Path, sheet) -> list[Expected]:
    rows = sheet.iter_rows(values_only=True)
    columns: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        labels = [re.sub(r"\s+", "", str(v)) if v is not None else "" for v in row]
        for key, names in (
            ("name", NAME_HEADERS),
            ("code", CODE_HEADERS),
            ("contact", CONTACT_HEADERS),
            ("phone", PHONE_HEADERS),
        ):
            hit = next((i for name in names for i, label in enumerate(labels) if label == name), None)
            if hit is not None and key not in columns:
                columns[key] = hit
        if "name" in columns or number >= 10:
            break
    if "name" not in columns:
        raise InputError(
            f"{path.name}：工作表「{sheet.title}」的前 10 行中没有「单位名称」（或「机关名称」）列标题。"
            "请在第一行写列标题：单位名称、单位代码（可选）、联系人（可选）、联系电话（可选）。"
        )
    units = []
    for row in rows:
        values = {key: _text(row, i) for key, i in columns.items()}
        if values["name"]:
            units.append(Expected(**values))
    return units


def _text(row: tuple, index: int) -> str:
    value = row[index] if index < len(row) else None
    return str(value).strip() if value is not None else ""
