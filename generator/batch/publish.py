"""Publish: the end of a batch — settle the filing, then write the roll-ups, 校验结果.xlsx and 审核报告.html, and print.

Everything is written from the spool of records, streamed in input order; what is kept in memory per
unit is its status and its findings' counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..assess.scorecard import Scorecard
from ..errors import EXIT_FINDINGS, EXIT_OK
from ..findings import has_errors
from ..outputs import write_atomic
from .assessment import assessment_tables
from .expected import Expected
from .names import normalise_name, renamed_variants
from .plan import BATCH_REPORT, REVIEW_PAGE, SetAside
from .previous import PreviousYear, matched_sums
from .record import UnitRecord
from .review import YearOnYear, county_charts, new_applications, review_page
from .rollup import write_rollup
from .settle import FAILED, HAS_ERRORS, MISSING, Filing, build_filing, submission
from .sheets import Extra
from .spool import Spool
from .summary import print_summary
from .sums import RollUp, rollups_of
from .workbook import batch_workbook


@dataclass
class RunInfo:
    """What the end of a run needs besides the spool."""

    output: Path
    targets: tuple[str, ...]
    elapsed: float
    jobs: int
    expected: list[Expected] | None = None
    deadline: tuple[int, int] = (1, 31)
    name: str = ""
    changed: dict[str, float] = field(default_factory=dict)  # source -> file modification time
    previous: PreviousYear | None = None
    ignore_errors: bool = False
    set_aside: tuple[SetAside, ...] = ()
    scorecard: Scorecard | None = None  # the 考评 sheet (None: no assessment tables)


def finish_batch(spool: Spool, info: RunInfo) -> int:
    """Write the batch report, the roll-ups and the review page, print the summary; return the exit code."""
    filing = settle(spool, info)
    extras = assessment_tables(spool, filing, info.scorecard) if info.scorecard else ()
    included = filing.included
    drafts = filing.drafts if info.ignore_errors else []
    included |= {u.chosen.seq for u in drafts if u.chosen}
    names = {s.seq: u.title for u in filing.units for s in u.submissions}
    rollups = rollups_of(spool, included, filing.name, tuple(u.title for u in drafts))
    complete = all(u.included for u in filing.units)
    for total in filing.totals:
        own = spool.get(total.seq)
        rollup = rollups.get((own.year, own.format))
        if rollup and own.numbers:
            rollup.compare(own, complete)
    notes = {key: reviewer_note(r, filing) for key, r in rollups.items()}
    charts = {key: _charts(spool, key, r, names, included, info.previous) for key, r in rollups.items()}
    files = [
        path
        for key, r in rollups.items()
        for path in write_rollup(r, spool, {s: names[s] for s in included}, info.output, info.targets, charts[key])
    ]
    blocked = no_rollup_message(filing, info.ignore_errors)
    last_year_left = unmatched_last_year(spool, info.previous, filing.year)
    this_year_left = [r.name for r in spool if r.name and info.previous and not r.previous]
    hints = rename_hints(last_year_left, this_year_left)
    matches = _matches(spool, info.previous, last_year_left, hints)
    wrong_year = wrong_year_note(info.previous, filing.year)
    if wrong_year:
        matches.append(["", "", "", wrong_year])
    last_year_left = [f"{n}（{hints[n]}）" if n in hints else n for n in last_year_left]
    write_atomic(
        info.output / BATCH_REPORT,
        batch_workbook(spool, filing, rollups, matches, [(e.sheet, e.header, _widths(e), e.rows) for e in extras]),
        force=True,
    )
    page = review_page(
        spool,
        filing,
        rollups,
        charts,
        notes,
        info=info,
        previous=last_year_left,
        unmatched_this_year=this_year_left,
        extras=extras,
        no_rollup=blocked,
    )
    write_atomic(info.output / REVIEW_PAGE, page, force=True)
    print_summary(spool, filing, rollups, files, info, blocked, last_year_left)
    if wrong_year:
        print(wrong_year)
    bad = filing.count(HAS_ERRORS) + filing.count(FAILED) + filing.count(MISSING)
    rollup_errors = any(has_errors(r.findings + r.comparisons) for r in rollups.values())
    return EXIT_FINDINGS if bad or rollup_errors or not rollups or drafts else EXIT_OK


def settle(spool: Spool, info: RunInfo) -> Filing:
    subs, parents = [], []
    for record in spool:
        subs.append(submission(record, info.deadline, info.changed.get(record.source, 0.0)))
        parents.append(record.parent)
    return build_filing(subs, info.expected, info.name, parents, info.set_aside)


def reviewer_note(rollup: RollUp, filing: Filing) -> str:
    """For the reviewer: what the roll-up holds and what it leaves out (every unit not summed, with the reason)."""
    text = f"本表汇总了{rollup.agencies}个单位的第二、三、四部分数据（统计期限{rollup.year}年1月1日至12月31日）。"
    if rollup.draft:
        text += f"这是草稿：{len(rollup.draft)}个单位的数据有错误，已按原样计入（{'、'.join(rollup.draft)}）。"
    left_out = [(HAS_ERRORS, "个单位的数据有错误或无法读取"), (MISSING, "个应报单位未提交")]
    parts = [f"{filing.count(status)}{words}" for status, words in left_out if filing.count(status)]
    if rollup.draft:
        parts = parts[1:] if filing.count(HAS_ERRORS) and filing.count(HAS_ERRORS) == len(rollup.draft) else parts
    other_years = sum(len(units) for year, units in filing.other_years.items() if year != rollup.year)
    if rollup.year == filing.year and other_years:
        parts.append(f"{other_years}个单位的报告是其他年度的")
    unlisted = sum(not u.listed for u in filing.units)
    if unlisted:
        parts.append(f"{unlisted}个单位不在应报单位名单中")
    if parts:
        text += f"未计入：{'；'.join(parts)}（见{BATCH_REPORT}）。"
    if filing.duplicates:
        text += f"{len(filing.duplicates)}个单位重复提交，每个单位只计入一次。"
    if rollup.unreadable_cells:
        text += f"有{rollup.unreadable_cells}个无法识别的数字未计入。"
    return text


def no_rollup_message(filing: Filing, ignore_errors: bool) -> str:
    """Why there is no roll-up, naming the units that block it; never advising a flag that was given."""
    broken = [u.title for u in filing.units if u.status == HAS_ERRORS]
    names = "、".join(broken[:20]) + ("等" if len(broken) > 20 else "")
    if not broken:
        return "没有可汇总的单位（没有单位提交了可读取的数据），未生成汇总表。"
    if ignore_errors:
        return f"没有可汇总的单位：{len(broken)} 个单位的数据无法读取（{names}），未生成汇总表。请改正后重新运行。"
    return (
        f"没有可汇总的单位：{len(broken)} 个单位的数据有错误（{names}），未生成汇总表。"
        "请改正后重新运行，或加 --ignore-errors 先生成标明「草稿」的汇总。"
    )


def _charts(
    spool: Spool,
    key: tuple[int, str],
    rollup: RollUp,
    names: dict[int, str],
    included: set[int],
    previous: PreviousYear | None,
) -> list[str]:
    """The roll-up's charts, streaming the spool (only names and counts are held, never whole records)."""
    per_unit = [(names[r.seq], new_applications(r)) for r in _summed(spool, key, included)]
    return county_charts(rollup, per_unit, _year_on_year(spool, key, included, rollup, previous))


def _summed(spool: Spool, key: tuple[int, str], included: set[int]) -> Iterator[UnitRecord]:
    return (r for r in spool if r.seq in included and (r.year, r.format) == key)


def _year_on_year(
    spool: Spool, key: tuple[int, str], included: set[int], rollup: RollUp, previous: PreviousYear | None
) -> YearOnYear | None:
    """This year and last year over the units present in both (never last year's whole list against a part)."""
    if previous is None:
        return None
    matched = {r.previous["id"] for r in _summed(spool, key, included) if r.previous}
    found = matched_sums(previous, matched, rollup.year)
    if found is None:
        return None
    last, used = found
    this = RollUp(rollup.year, rollup.fmt, rollup.name)
    for record in _summed(spool, key, included):
        if record.previous and record.previous["id"] in used:
            this.add(record.numbers or {}, record.fees_amount)
    return YearOnYear(this, last, len(used))


def unmatched_last_year(spool: Spool, previous: PreviousYear | None, year: int | None = None) -> list[str]:
    """Last year's units that no unit of this year was matched with (the level's own report left out); a report
    of --previous that is not of the year before ``year`` is listed as such, never as a unit gone."""
    if previous is None:
        return []
    matched = {r.previous["id"] for r in spool if r.previous}
    wrong = _not_last_year(previous, year)
    return [name for number, name in previous.units.items() if number not in matched and number not in wrong]


def _not_last_year(previous: PreviousYear | None, year: int | None) -> set[int]:
    return {n for n, y in previous.years.items() if year and y != year - 1} if previous else set()


def wrong_year_note(previous: PreviousYear | None, year: int | None) -> str:
    """What --previous held that is not of the year before the batch's (this year's folder given twice…)."""
    wrong = _not_last_year(previous, year)
    if not wrong or previous is None or year is None:
        return ""
    found = "、".join(map(str, sorted({previous.years[n] for n in wrong})))
    return (
        f"上年数据中有 {len(wrong)} 份报告不是 {year - 1} 年度的（是 {found} 年度），未用于跨年度核对和同比；"
        "请检查 --previous 是否给了上一年度的数据"
    )


def rename_hints(last_year: list[str], this_year: list[str]) -> dict[str, str]:
    """For last year's unmatched units, the one unmatched unit of this year it was probably renamed to (乡→镇…)."""
    by_norm: dict[str, list[str]] = {}
    for name in this_year:
        by_norm.setdefault(normalise_name(name), []).append(name)
    hints = {}
    for name in last_year:
        found = {n for variant in renamed_variants(name) for n in by_norm.get(variant, ())}
        if len(found) == 1:
            hints[name] = f"可能已改名为本年的「{found.pop()}」：如是同一单位，请在名单的「曾用名」列注明"
    return hints


def _matches(
    spool: Spool, previous: PreviousYear | None, unmatched: list[str], hints: dict[str, str]
) -> list[list[str]]:
    if previous is None:
        return []
    rows = []
    for record in spool:
        if record.name:
            found = record.previous
            how = f"按{found['by']}" if found else "上年数据中没有找到"
            rows.append([record.name, record.source, found["name"] if found else "", how])
    rows += [["", "", name, f"本年没有对应的单位{'；' + hints[name] if name in hints else ''}"] for name in unmatched]
    return rows


def _widths(extra: Extra) -> tuple[int, ...]:
    return tuple(min(max(len(h) * 2 + 4, 12), 60) for h in extra.header)
