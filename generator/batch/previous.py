"""Last year's data, indexed by unit code and normalised name, for the cross-year checks and the year-on-year chart.

The index is an SQLite file in the run's temporary folder: workers look units up there (X-1, X-2), and
publish sums last year's figures of exactly the units matched this year (an equal base). The level's
own report of last year (the county's) is marked and never summed with its units.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..formats import FORMATS
from ..inputs import load_report
from ..inputs.datafile import report_to_dict
from ..inputs.roster import report_from_row
from ..report import Report
from .expected import Expected
from .names import normalise_name, renamed_variants
from .plan import RosterPlan, plan_input
from .record import Number
from .sums import RollUp

SCHEMA = (
    "CREATE TABLE previous (id INTEGER PRIMARY KEY, code TEXT, norm TEXT, name TEXT, own INTEGER, "
    "year INTEGER, format TEXT, numbers TEXT, fees TEXT, data TEXT, renamed TEXT)"
)


@dataclass(frozen=True)
class PreviousYear:
    """Where last year's index is, who was in it, and whose own report it held."""

    db: str
    units: dict[int, str]  # id -> name (the level's own report left out)
    own: str = ""  # the level's name last year ("" when not known)
    years: dict[int, int] = field(default_factory=dict)  # id -> the year of that report


def common_parent(parents: Iterable[str]) -> str:
    """The 上级 more than half of all submissions agree on (one left empty counts against), or ""."""
    every = list(parents)
    named = [p for p in every if p]
    if not named:
        return ""
    parent, count = Counter(named).most_common(1)[0]
    return parent if count * 2 > len(every) else ""


_GOVERNMENT = re.compile(r"(?:县|区|市|旗)(?:人民)?政府$")
_TOWNSHIP = re.compile(r"(?:镇|乡|街道)(?:人民政府|政府|办事处)?$")


def government_among_townships(names: Iterable[str]) -> str:
    """The one county/district/city government among township submitters (its own report), or ""."""
    every = [n.strip() for n in names if n and n.strip()]
    governments = {n for n in every if _GOVERNMENT.search(n)}
    townships = [n for n in every if _TOWNSHIP.search(n)]
    return governments.pop() if len(governments) == 1 and townships else ""


def named_parent(names: Iterable[str], parents: Iterable[str]) -> str:
    """The one submitter that other submitters name as their 上级 (the county among its townships), or ""."""
    wanted = {normalise_name(p) for p in parents if p}
    found = {n for n in names if n and normalise_name(n) in wanted}
    return found.pop() if len(found) == 1 else ""


def index_previous(path: Path, workdir: Path, expected: list[Expected] | None, name: str = "") -> PreviousYear:
    """Last year's roster or folder into an SQLite index (see the module doc)."""
    codes = {normalise_name(e.name): e.code for e in expected or () if e.code}
    renamed = {normalise_name(e.former): normalise_name(e.name) for e in expected or () if e.former}
    reports = list(_previous_reports(path))
    parents = [r.agency.parent for r, _ in reports]
    own = (
        name
        or common_parent(parents)
        or common_parent(e.parent for e in expected or ())
        or named_parent((r.agency.name for r, _ in reports), parents)
        or government_among_townships(r.agency.name for r, _ in reports)
    )
    own_norm = normalise_name(own)
    db_path = workdir / "previous.sqlite"
    db = sqlite3.connect(db_path)
    db.execute(SCHEMA)
    db.execute("CREATE INDEX by_code ON previous (code)")
    db.execute("CREATE INDEX by_norm ON previous (norm)")
    db.execute("CREATE INDEX by_renamed ON previous (renamed)")
    units: dict[int, str] = {}
    years: dict[int, int] = {}
    for number, (report, code) in enumerate(reports):
        years[number] = report.year
        norm = normalise_name(report.agency.name)
        is_own = bool(own_norm) and norm == own_norm
        numbers = {p: _plain(v) for p, v in report.numbers.items()}
        db.execute(
            "INSERT INTO previous VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                code or codes.get(norm, "") or codes.get(renamed.get(norm, ""), ""),
                norm,
                report.agency.name,
                int(is_own),
                report.year,
                report.format.key,
                json.dumps(numbers),
                _plain(report.fees.amount),
                json.dumps(report_to_dict(report), ensure_ascii=False, default=str),
                renamed.get(norm, ""),
            ),
        )
        if not is_own:
            units[number] = report.agency.name
    db.commit()
    db.close()
    return PreviousYear(str(db_path), units, own, years)


def _plain(value: Any) -> Number:
    return value if value is None or isinstance(value, int) else str(value)


def _previous_reports(path: Path) -> Iterator[tuple[Report, str]]:
    """(report, unit code) of each unit of last year: a roster, or a folder of data files, forms or reports."""
    with plan_input(path) as plan:
        if isinstance(plan, RosterPlan):
            for task in plan.tasks(""):
                assert plan.layout is not None and isinstance(task.payload, tuple)
                try:
                    yield report_from_row(plan.layout, task.row or 0, task.payload), task.unit[0]
                except InputError:  # a bad row of last year only loses its cross-year check: said so
                    print(
                        f"上年汇总表{task.source}有错误，未用于跨年度核对（这个单位本年不做 X-1、X-2 核对）",
                        file=sys.stderr,
                    )
            return
        for item in plan.set_aside:
            print(f"上年数据 {item.source}：{item.reason}；未用于跨年度核对", file=sys.stderr)
        for file in plan.files:
            try:
                yield load_report(file), ""
            except InputError as exc:
                print(f"上年数据 {plan.source(file)} 无法读取，未用于跨年度核对（{exc}）", file=sys.stderr)
            except Exception as exc:  # the tool's fault, not the data's: said so, and the run goes on
                print(
                    f"上年数据 {plan.source(file)} 读取时本工具出现内部错误（{type(exc).__name__}：{exc}），"
                    "不是数据的问题；这个单位未做跨年度核对。",
                    file=sys.stderr,
                )


def find(db: sqlite3.Connection, code: str, name: str) -> tuple[tuple[int, str, str] | None, str]:
    """Last year's (id, name, data) of a unit by its code, else its normalised name; and how it was found."""
    norm = normalise_name(name)
    for column, key, by in (("code", code, "单位代码"), ("renamed", norm, "曾用名"), ("norm", norm, "名称")):
        if key:
            row = db.execute(f"SELECT id, name, data FROM previous WHERE {column} = ? AND own = 0", (key,)).fetchone()
            if row:
                return row, by
    return None, ""


def renamed_guess(db: sqlite3.Connection, name: str) -> str:
    """Last year's unit whose name differs from ``name`` only by its kind (白石乡 for 白石镇), or ""."""
    variants = renamed_variants(name)
    if not variants:
        return ""
    rows = db.execute(
        f"SELECT name FROM previous WHERE own = 0 AND norm IN ({','.join('?' * len(variants))})", variants
    ).fetchall()
    return str(rows[0][0]) if len(rows) == 1 else ""


def own_report(db: sqlite3.Connection, name: str) -> tuple[int, str, str] | None:
    """Last year's own report of the level (for its own cross-year check), by name."""
    row: tuple[int, str, str] | None = db.execute(
        "SELECT id, name, data FROM previous WHERE norm = ? AND own = 1", (normalise_name(name),)
    ).fetchone()
    return row


def matched_sums(previous: PreviousYear, ids: Iterable[int], year: int) -> tuple[RollUp, set[int]] | None:
    """Last year's sums over the units ``ids`` (matched this year) of one format, and the ids summed; or None.

    The caller sums this year's figures of exactly the returned ids: the two years stand on one base.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return None
    db = sqlite3.connect(f"{Path(previous.db).as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute(
            f"SELECT id, year, format, numbers, fees FROM previous WHERE own = 0 AND id IN ({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
    finally:
        db.close()
    rows = [r for r in rows if r[1] == year - 1]
    if not rows:
        return None
    key = Counter(r[2] for r in rows).most_common(1)[0][0]
    rollup, used = RollUp(year - 1, FORMATS[key]), set()
    for number, _, form, numbers, fees in rows:
        if form == key:
            rollup.add(json.loads(numbers), fees)
            used.add(number)
    return rollup, used
