"""Settle: which expected unit filed what, which submission counts, who is late, what changed since the last run.

A submission belongs to a unit by its unit code, else by its normalised name (``names.normalise_name``),
else by the name its file stands for. Nothing else merges two units: identical data under different
names is 雷同 — noted on both, both counted. A unit that filed more than once is counted once: the
submission taken is the one without errors, then (same data) the one whose file name is not a copy, else
the most recently changed one; the reason is stated. Each unit gets exactly one status (``STATUSES``).
The level's own report (the county's) is recognised by --name, the units' common 上级 or the expected
list's 上级 column, and is compared with the sum, never added to it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .expected import Expected
from .names import is_copy_name, normalise_name, stem_name, suggest
from .plan import SetAside
from .previous import common_parent, government_among_townships, named_parent
from .record import ERRORS, INTERNAL, OK, REPORT, SET_ASIDE, UNREADABLE, WARNINGS, UnitRecord

PASSED, HAS_ERRORS, MISSING, DUPLICATE, LATE = "已提交且通过", "有错误", "未提交", "重复提交", "逾期"
FAILED, NOT_LISTED = "处理出错", "不在名单中"
STATUSES = (HAS_ERRORS, FAILED, MISSING, NOT_LISTED, DUPLICATE, LATE, PASSED)  # the order a reviewer works in
NEW, FIXED, BROKEN, UNCHANGED, EDITED = "新提交", "已改正", "新出现错误", "未变", "数据有修改"
RERUN = "数据未变、重新生成"  # the settings changed (--previous, --expected, the deadline…), not the data


@dataclass(frozen=True)
class Submission:
    """What settle and publish need of one record (kept per unit in memory: no numbers, no prose)."""

    seq: int
    source: str
    folder: str
    name: str
    code: str
    check: str  # 通过 / 有提醒 / 有错误 / 无法读取 / 处理出错
    errors: int
    warnings: int
    year: int | None
    published: date | None
    late_days: int
    content: str  # hash of the data (equal for identical copies)
    changed: float  # file modification time (0 for roster rows)
    files: tuple[str, ...]
    contact: str = ""
    phone: str = ""
    readable: bool = False  # its numbers were read (a draft roll-up can hold it)
    imported: bool = False
    skipped: bool = False
    written: bool = False
    last_status: str = ""
    last_content: str = ""
    kind: str = REPORT
    problem: str = ""  # the first error's message
    notes: tuple[str, ...] = ()  # about the run (an old record ignored…)

    @property
    def accepted(self) -> bool:
        return self.check in (OK, WARNINGS)

    @property
    def change(self) -> str:
        """What changed since the previous run in this output folder."""
        if not self.last_status:
            return NEW
        was_ok, is_ok = self.last_status in (OK, WARNINGS), self.accepted
        if was_ok != is_ok:
            return FIXED if is_ok else BROKEN
        if self.skipped:
            return UNCHANGED
        return RERUN if self.content and self.content == self.last_content else EDITED

    @property
    def processed(self) -> str:
        """What this run did with it: never 「已完成」 for one that still has errors."""
        if self.skipped:
            return "已完成，跳过" if self.accepted else "数据未改，仍未通过（跳过）"
        done = "导入并生成" if self.imported else "本次生成"
        return done if self.written else ("已导入，未生成" if self.imported else "未生成")


def submission(record: UnitRecord, deadline: tuple[int, int], changed: float = 0.0) -> Submission:
    errors = record.errors
    published = date.fromisoformat(record.publication_date) if record.publication_date else None
    late = 0
    if published and record.year:
        late = max((published - date(record.year + 1, *deadline)).days, 0)
    return Submission(
        record.seq,
        record.source,
        record.folder,
        record.name,
        record.code,
        record.status,
        errors,
        len(record.findings) - errors,
        record.year,
        published,
        late,
        record.content,
        changed,
        tuple(record.files),
        record.contact,
        record.phone,
        record.readable,
        record.imported,
        record.skipped,
        bool(record.written),
        record.last_status,
        record.last_content,
        record.kind,
        next((f["message"] for f in record.findings if f["severity"] == "E"), ""),
        record.notes,
    )


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
    full_name: str = ""  # the official name: from the expected list, else from the data

    @property
    def ordered(self) -> list[Submission]:
        """The submission taken first, then the others in input order."""
        return sorted(self.submissions, key=lambda s: s is not self.chosen)

    @property
    def title(self) -> str:
        return self.full_name or self.name

    def copies(self, year: int | None) -> list[Submission]:
        """Its submissions for the batch's ``year`` (and those whose year could not be read)."""
        return [s for s in self.submissions if not (year and s.year and s.year != year)]


@dataclass
class Filing:
    units: list[Unit]
    totals: list[Submission]  # the level's own report (e.g. the county's), compared with the sum, not added
    name: str  # whose roll-up this is (--name, the units' common 上级政府, or the list's 上级)
    has_list: bool
    set_aside: tuple[SetAside, ...] = ()
    year: int | None = None  # the year most units filed for (units of another year are noted)

    @property
    def other_years(self) -> dict[int, list[Unit]]:
        """Units whose submission taken is of another year than the batch's, by year."""
        found: dict[int, list[Unit]] = {}
        for unit in self.units:
            if unit.chosen and unit.chosen.year and self.year and unit.chosen.year != self.year:
                found.setdefault(unit.chosen.year, []).append(unit)
        return found

    def count(self, status: str) -> int:
        return sum(u.status == status for u in self.units)

    @property
    def included(self) -> set[int]:
        return {u.chosen.seq for u in self.units if u.included and u.chosen}

    @property
    def drafts(self) -> list[Unit]:
        """Listed units with errors whose numbers were read: a draft roll-up (--ignore-errors) holds them."""
        return [u for u in self.units if u.listed and u.chosen and not u.included and u.chosen.readable]

    @property
    def duplicates(self) -> list[Unit]:
        return [u for u in self.units if len(u.copies(self.year)) > 1]

    def changes(self) -> dict[str, int]:
        counts = {NEW: 0, FIXED: 0, BROKEN: 0, EDITED: 0, RERUN: 0, UNCHANGED: 0}
        for unit in self.units:
            if unit.chosen:
                counts[unit.chosen.change] += 1
        return counts


def level_name(name: str, parents: list[str], expected: list[Expected] | None, names: Iterable[str] = ()) -> str:
    """Whose roll-up this is: --name, else the 上级 most submissions name, else the expected list's 上级, else
    the one submitter the others name as their 上级, else the one 县/区/市 government among townships."""
    return (
        name
        or common_parent(parents)
        or common_parent(e.parent for e in expected or ())
        or named_parent(names, parents)
        or government_among_townships(names)
    )


def build_filing(
    submissions: list[Submission],
    expected: list[Expected] | None,
    name: str = "",
    parents: Iterable[str] = (),
    set_aside: tuple[SetAside, ...] = (),
) -> Filing:
    """Units with their submissions, the submission taken for each, and exactly one status each."""
    names = [s.name for s in submissions] + [e.name for e in expected or ()]
    name = level_name(name, list(parents), expected, names)
    own = normalise_name(name)
    totals = [s for s in submissions if own and s.name and normalise_name(s.name) == own]
    units, by_code, by_name = _expected_units(expected, own)
    set_aside = (*set_aside, *(_not_a_report(s) for s in submissions if s.kind == SET_ASIDE))
    for sub in submissions:
        if sub in totals or sub.kind == SET_ASIDE:
            continue
        key = local_name(normalise_name(sub.name) if sub.name else stem_name(sub.source), own)
        unit, clash = _by_code(by_code, sub.code, sub.name)
        unit = unit or by_name.get(key)
        if unit is None:
            unit = Unit(sub.name or Path(sub.source).stem, sub.code, listed=expected is None or not sub.name)
            units.append(unit)
            if sub.code and not clash:
                by_code[sub.code] = unit
            by_name[key] = unit
        elif sub.code and unit.code and sub.code != unit.code:
            _note_once(unit, f"数据中的单位代码「{sub.code}」与名单中的「{unit.code}」不同，按名称对应；请核对单位代码")
        if clash:
            _note_code_clash(sub.code, clash, unit)
        unit.submissions.append(sub)
    year = main_year(s for s in submissions if s not in totals and s.kind != SET_ASIDE)
    for unit in units:
        _settle(unit, year)
    listed_names = [u.title for u in units if u.listed]
    missing = {u.title: u for u in units if u.status == MISSING}
    for unit in units:
        if not unit.listed:
            guess = suggest(unit.name, listed_names)
            unit.notes.insert(
                0,
                f"不在应报单位名单中{f'，是不是「{guess}」？' if guess else '。'}如属应报单位，请改正名称或加入名单后重新运行",
            )
            if guess in missing and unit.chosen:
                missing[guess].notes.append(
                    f"「{unit.chosen.source}」中的「{unit.name}」不在名单中，可能就是这个单位：如是，请改正其机关名称后重新运行"
                )
    _note_misnamed_files(units, missing)
    _note_identical(units)
    _note_set_aside(set_aside, by_name)
    return Filing(units, totals, name, expected is not None, set_aside, year)


def main_year(submissions: Iterable[Submission]) -> int | None:
    """The year most submissions are for (the later one on a tie): the batch's year."""
    counts = Counter(s.year for s in submissions if s.year)
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def local_name(norm: str, own: str) -> str:
    """A normalised unit name without the level's name in front (「示例县龙泉镇」 → 「龙泉镇」 in 示例县's batch)."""
    return norm[len(own) :] if own and norm.startswith(own) and len(norm) > len(own) else norm


def same_name(a: str, b: str) -> bool:
    """Names one unit may go by: equal once normalised, or one inside the other (「城关镇」, 「某县城关镇」)."""
    x, y = normalise_name(a), normalise_name(b)
    return not x or not y or x in y or y in x


def _by_code(by_code: dict[str, Unit], code: str, name: str) -> tuple[Unit | None, Unit | None]:
    """(the unit with this code, or None; the unit whose code it shares under another name, or None).

    A unit code joins two submissions only when their names agree: a code typed twice for two townships
    never makes one of them vanish into the other."""
    unit = by_code.get(code) if code else None
    if unit is not None and not same_name(unit.name, name):
        return None, unit
    return unit, None


def _note_code_clash(code: str, first: Unit, second: Unit) -> None:
    for unit, other in ((first, second), (second, first)):
        _note_once(unit, f"与「{other.name}」的单位代码都是「{code}」，但名称不同：按两个单位分别计；请核对单位代码")


def _note_once(unit: Unit, note: str) -> None:
    if note not in unit.notes:
        unit.notes.append(note)


def _not_a_report(sub: Submission) -> SetAside:
    return SetAside(sub.source, f"按已发布的年度报告导入，未成功：{sub.problem}")


def _expected_units(expected: list[Expected] | None, own: str) -> tuple[list[Unit], dict[str, Unit], dict[str, Unit]]:
    """One unit per expected name (a name listed twice is one unit, noted); the level itself is not a unit."""
    units: list[Unit] = []
    by_code: dict[str, Unit] = {}
    by_name: dict[str, Unit] = {}
    for entry in expected or ():
        norm = normalise_name(entry.name)
        if own and norm == own:
            continue
        norm = local_name(norm, own)
        unit, clash = _by_code(by_code, entry.code, entry.name)
        unit = unit or by_name.get(norm)
        if unit is not None:
            same = (
                "出现不止一次"
                if local_name(normalise_name(unit.name), own) == norm
                else f"与「{unit.name}」的单位代码相同"
            )
            _note_once(unit, f"名单中「{entry.name}」{same}，按同一单位计")
            continue
        unit = Unit(entry.name, entry.code, entry.contact, entry.phone, full_name=entry.name)
        units.append(unit)
        by_name[norm] = unit
        if clash:
            _note_code_clash(entry.code, clash, unit)
        elif entry.code:
            by_code[entry.code] = unit
    return units, by_code, by_name


def _settle(unit: Unit, year: int | None) -> None:
    """Choose the submission that counts, and the unit's status and notes."""
    if not unit.submissions:
        unit.status = MISSING
        return
    chosen = unit.chosen = _choose(unit, year)
    unit.full_name = _longest_name(unit)
    unit.contact = unit.contact or chosen.contact
    unit.phone = unit.phone or chosen.phone
    unit.included = chosen.accepted and unit.listed
    unit.notes.extend(chosen.notes)
    other_year = bool(year and chosen.year and chosen.year != year)
    if other_year:
        unit.notes.append(
            f"报告年度为 {chosen.year} 年，本批其他单位是 {year} 年度：不计入 {year} 年度的汇总"
            f"{'（按年度另行汇总）' if unit.included else ''}，也不判断是否逾期；如填错了年度或放错了文件，请改正后重新运行"
        )
    late = 0 if other_year else chosen.late_days  # a year typed wrong would make it years late
    if late:
        unit.notes.append(f"发布日期 {chosen.published:%Y-%m-%d}，晚于公布期限 {late} 天")
    if chosen.check == INTERNAL:
        unit.status = FAILED
    elif not unit.listed:
        unit.status = NOT_LISTED
    elif not chosen.accepted:
        unit.status = HAS_ERRORS
    elif len(unit.copies(year)) > 1:
        unit.status = DUPLICATE
    elif late:
        unit.status = LATE
    else:
        unit.status = PASSED


def _longest_name(unit: Unit) -> str:
    """The fullest of the list's and the data's names of the unit (「清河镇人民政府」 over 「清河镇」)."""
    own = normalise_name(unit.name)
    names = [unit.full_name or unit.name, *(s.name for s in unit.submissions if normalise_name(s.name) == own)]
    return max(names, key=_fullness)


def _fullness(name: str) -> tuple[bool, bool, int]:
    """Rank of a name as a title: written cleanly (no odd spaces or widths), ending in 人民政府/办事处, longer."""
    clean = "".join(unicodedata.normalize("NFKC", name).split()) == name
    return clean, name.endswith(("人民政府", "办事处", "政府")), len(name)


def _choose(unit: Unit, year: int | None) -> Submission:
    subs = unit.submissions
    if len(subs) == 1:
        return subs[0]
    this_year = unit.copies(year)
    if this_year and len(this_year) < len(subs):
        others = [s for s in subs if s not in this_year]
        unit.submissions = this_year  # the other years' files are noted, never chosen over this year's
        chosen = _choose(unit, year)
        unit.submissions = subs
        old = "、".join(f"「{s.source}」（{s.year}年度）" for s in others)
        unit.notes.append(f"另有其他年度的文件 {old}，未采用（本批是 {year} 年度）")
        return chosen
    rank = {OK: 0, WARNINGS: 0, ERRORS: 1, INTERNAL: 2, UNREADABLE: 3}
    best = min(rank.get(s.check, 3) for s in subs)
    candidates = [s for s in subs if rank.get(s.check, 3) == best]
    if len(candidates) == 1:
        chosen, why = candidates[0], "只有这一份没有错误" if best == 0 else "只有这一份能够读取"
    elif len({s.content for s in candidates}) == 1:
        chosen = min(candidates, key=lambda s: (is_copy_name(s.source), s.seq))
        copies = any(is_copy_name(s.source) for s in candidates) and not is_copy_name(chosen.source)
        why = "数据相同，采用文件名不是副本的一份" if copies else "数据相同，采用排在前面的一份"
    else:
        chosen = max(candidates, key=lambda s: (s.changed, s.seq))
        latest = "修改时间最晚的一份" if any(s.changed for s in candidates) else "排在最后的一行"
        why = f"数据不同，采用{latest}，请与该单位核实哪一份是定稿"
    labels = {ERRORS: "（有错误）", UNREADABLE: "（无法读取）", INTERNAL: "（处理出错）"}
    rejected = "、".join(f"「{s.source}」{labels.get(s.check, '')}" for s in subs if s is not chosen)
    unit.notes.insert(
        0, f"重复提交 {len(subs)} 份：采用「{chosen.source}」（{why}），未采用 {rejected}；只计入汇总一次"
    )
    return chosen


def _note_misnamed_files(units: list[Unit], missing: dict[str, Unit]) -> None:
    """A file named after a unit that has not filed (「东山镇.yaml」) but holding another unit's name: said on both."""
    by_stem = {normalise_name(u.name): u for u in missing.values()}
    for unit in units:
        for sub in unit.submissions:
            absent = by_stem.get(stem_name(sub.source)) if sub.name else None
            if absent is None or absent is unit:
                continue
            absent.notes.append(
                f"文件「{sub.source}」按文件名是这个单位的，但其中的机关名称是「{sub.name}」，已按「{unit.title}」计；"
                "如是填错了机关名称，请改正后重新运行"
            )
            unit.notes.append(f"数据来自文件「{sub.source}」，文件名与机关名称不一致，请核实是否用了其他单位的文件")


def _note_identical(units: list[Unit]) -> None:
    """雷同: units whose chosen data are identical are noted on each side (both stay, both are counted)."""
    by_content: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.chosen and unit.chosen.content and unit.chosen.readable:
            by_content.setdefault(unit.chosen.content, []).append(unit)
    for group in by_content.values():
        if len(group) < 2:
            continue
        for unit in group:
            others = "、".join(f"「{u.title}」" for u in group if u is not unit)
            unit.notes.append(f"数据与{others}完全相同（雷同，除名称外一字不差），请核实是否照搬了其他单位的报告")


def _note_set_aside(set_aside: tuple[SetAside, ...], by_name: dict[str, Unit]) -> None:
    """A set-aside file named like a unit (「龙泉镇.xls」) is noted on that unit, so a 未提交 says why."""
    for item in set_aside:
        unit = by_name.get(stem_name(item.source))
        if unit is not None:
            unit.notes.append(f"「{item.source}」{item.reason}")
